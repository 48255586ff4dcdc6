"""Hold audio: what a caller waiting for an agent hears, when the line plays it.

A line with hold audio on (its ``hold_audio`` setting) answers a caller who is waiting for an
agent and plays a short melody over and over on the caller's leg of the call's RTP relay: a
call that came through the IVR hears it once it reaches its leaf queue, a call to a number that
rings its agents directly hears it from the moment it is answered. The melody stops as soon as
an agent's answer is registered (the relay then bridges the two parties), when every ring stage
has rung out, and when the call ends.

The melody is generated here, not synthesised nor shipped as a file: six notes of the C major
scale, each a pure tone with soft edges, all below 700 Hz so that none sits on a party's
signature frequency (``harness.media.tones``). Its order of notes is what a listener
recognises: ``GET /routing/prompts/hold`` serves these very samples, and the harness matches
them in the caller's audio like any prompt.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from harness.media import g711
from harness.reference.telephony.ivr import PromptPlayer

if TYPE_CHECKING:
    from harness.reference.telephony.inbound import InboundCall

RATE = 8000
PROMPT_NAME = "hold"  # the name ``GET /routing/prompts/{name}`` serves it under
#: The notes (Hz) of one round of the melody, played in this order: G4 C5 E5 D5 A4 F4.
NOTES_HZ = (392.0, 523.25, 659.25, 587.33, 440.0, 349.23)
NOTE_S = 0.14
GAP_S = 0.03
PAUSE_S = 0.16  # after the last note, before the melody plays again
AMPLITUDE = 6000.0
EDGE_S = 0.01  # fade in and out of each note: no clicks


@functools.cache
def hold_melody() -> npt.NDArray[np.int16]:
    """One round of the hold melody, 8 kHz mono int16 (the same samples every time)."""
    note_n = round(NOTE_S * RATE)
    edge_n = round(EDGE_S * RATE)
    envelope = np.ones(note_n)
    ramp = np.linspace(0.0, 1.0, edge_n)
    envelope[:edge_n] = ramp
    envelope[-edge_n:] = ramp[::-1]
    t = np.arange(note_n) / RATE
    parts: list[npt.NDArray[np.float64]] = []
    for frequency in NOTES_HZ:
        parts.append(AMPLITUDE * envelope * np.sin(2 * np.pi * frequency * t))
        parts.append(np.zeros(round(GAP_S * RATE)))
    parts.append(np.zeros(round(PAUSE_S * RATE)))
    melody = np.rint(np.concatenate(parts)).astype(np.int16)
    melody.setflags(write=False)
    return melody


class HoldAudio:
    """The hold melody of one call, looped on the caller's leg until it is stopped."""

    def __init__(self, call: InboundCall) -> None:
        payload_type = g711.PCMU if call.codec == "PCMU" else g711.PCMA
        self._player = PromptPlayer(call.relay, payload_type)
        self._on = False

    @property
    def playing(self) -> bool:
        return self._on

    def start(self) -> None:
        """Play the melody from now on, round after round (a second start changes nothing)."""
        if self._on:
            return
        self._on = True
        self._round()

    def stop(self) -> None:
        """Stop at once: an agent answered, nobody is left to ring, or the call ended."""
        self._on = False
        self._player.stop()

    def _round(self) -> None:
        if self._on:
            self._player.play(hold_melody(), self._round)


def line_plays_hold_audio(call: InboundCall) -> bool:
    """Whether the line the call came in on has hold audio on."""
    plan = call.plan
    return call.center.tickets.line(plan.account_id, plan.number_id).hold_audio
