"""Voicemail after hours (CC-AH-18, CC-AH-10): greeting, beep, the caller's message recorded.

The caller hears the greeting (the account's configurable one, or the deflection's own text),
then a beep; from then on everything the caller sends on the call's RTP leg is decoded and
kept, until the caller hangs up, presses ``#`` or ``MAX_MESSAGE_S`` passes. The message is
stored with the call and the queue (``Routing.voicemail_left``, which notifies the queue's
agents or keeps a CRM record, and publishes ``voicemail.left``).

A caller whose number is hidden first hears the "blocked phone number" prompt and the "ask for
phone number" prompt, keys a number ending with ``#``, and hears "phone number entered"; that
number is kept as the one to call back.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import numpy as np

from harness.media import g711
from harness.media.events import DtmfReceived
from harness.media.relay import Leg
from harness.media.stream import MediaStream
from harness.media.tones import tone

if TYPE_CHECKING:
    from harness.reference.telephony.inbound import InboundCall

LOG = logging.getLogger("callproof.reference.voicemail")
MAX_MESSAGE_S = 30.0
BEEP_HZ = 1000
BEEP_S = 0.25
HIDDEN = ("", "anonymous", "unknown", "restricted")
MAX_CALLBACK_DIGITS = 16


def take_voicemail(call: InboundCall, queue_id: str, greeting: str) -> None:
    """Start a voicemail for ``call`` on ``queue_id``; ``greeting`` names the prompt to play."""
    VoicemailSession(call, queue_id, greeting).start()


class VoicemailSession:
    """One caller leaving one message."""

    def __init__(self, call: InboundCall, queue_id: str, greeting: str) -> None:
        assert call.ivr is not None, "voicemail plays through the call's IVR"
        self.call = call
        self.ivr = call.ivr
        self.queue_id = queue_id
        self.greeting = greeting
        self.callback: str | None = None
        self.digits = ""
        self.recorder: MediaStream | None = None
        self.saved = False
        self._timer: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self.call.closing.append(self.save)
        if self.call.caller_number().lower() in HIDDEN:
            self.ivr.announce("message-voicemail_blocked_number", self._ask_number)
        else:
            self._greet()

    # -- the number to call back (hidden caller) ---------------------------------------------------
    def _ask_number(self) -> None:
        # Digits count from the start of the question: callers key while it plays.
        self.ivr.listen(self._number_digit)
        self.ivr.announce("message-voicemail_ask_number")

    def _number_digit(self, digit: str) -> None:
        self.ivr.hush()
        if digit != "#":
            self.digits = (self.digits + digit)[:MAX_CALLBACK_DIGITS]
            return
        self.ivr.listen(None)
        self.callback = self.digits or None
        self.ivr.announce("message-voicemail_number_entered", self._greet)

    # -- the message -------------------------------------------------------------------------------
    def _greet(self) -> None:
        self.ivr.announce(self.greeting, self._beep)

    def _beep(self) -> None:
        beep = tone(BEEP_HZ, round(BEEP_S * 8000), amplitude=6000)
        self.ivr.player.play(np.asarray(beep, dtype=np.int16), self._record)

    def _record(self) -> None:
        payload_type = g711.PCMU if self.call.codec == "PCMU" else g711.PCMA
        self.recorder = MediaStream(
            payload_type=payload_type, keep_seconds=MAX_MESSAGE_S + 1, detect_inband_dtmf=True
        )
        self.recorder.telephone_event_pt = self.ivr.ear.telephone_event_pt
        self.call.relay.tap = self._heard
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(MAX_MESSAGE_S, self.finish)

    def _heard(self, leg: Leg, data: bytes, now: float) -> None:
        if leg is not Leg.A or self.recorder is None or self.saved:
            return
        for event in self.recorder.receive(data, now):
            if isinstance(event, DtmfReceived) and event.digit == "#":
                self.finish()
                return

    def finish(self) -> None:
        """The message is over (``#`` or the time limit): keep it and end the call."""
        self.save()
        if not self.call.finished:
            self.call.end_everything("system", "voicemail left")
            self.call.caller.end()

    def save(self) -> None:
        """Keep the message once (also when the caller hangs up); nothing before the beep."""
        if self.saved or self.recorder is None:
            return
        self.saved = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.call.relay.tap == self._heard:
            self.call.relay.tap = None
        audio = self.recorder.received_audio()
        try:
            self.call.center.routing.voicemail_left(
                self.call.call_id, self.queue_id, audio, self.callback
            )
        except Exception:
            LOG.exception("call %s: the voicemail could not be kept", self.call.call_id)
