"""A party listening for a prompt on its call: which known prompt is in the audio it received?

The audio is what the party's RTP stream decoded (on the RTP timeline), from a *mark* on: the
number of samples received when the party started listening (before keying a digit, say), so a
prompt heard earlier does not count for a later one. Waiting is on packet arrivals
(`RtpEndpoint.wait_received`), never on a timer: after every few packets the audio so far is
judged again, until the expected prompt is heard or ``timeout`` passes, and the verdict (with
every known prompt's score) goes into the journal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from harness.endpoints.media_leg import MediaLeg
from harness.media.prompts import PromptVerdict, Samples, identify
from harness.media.transport import TransportClosedError
from harness.runtime.journal import Event

CHECK_EVERY = 10  # packets (200 ms of audio) between two judgements


@dataclass(frozen=True, kw_only=True)
class PromptJudged(Event):
    """What a party heard, compared with the prompts it knows (``matched``: the expected one)."""

    sip_call_id: str
    expected: str
    matched: bool
    verdict: str
    scores: tuple[tuple[str, float], ...]


def audio_mark(leg: MediaLeg) -> int:
    """How many samples ``leg`` has received so far (listen from here on)."""
    assert leg.rtp is not None
    return leg.rtp.stream.received_samples


def audio_since(leg: MediaLeg, mark: int) -> Samples:
    """What ``leg`` received after ``mark`` (as far back as its stream keeps audio)."""
    assert leg.rtp is not None
    stream = leg.rtp.stream
    fresh = stream.received_samples - mark
    if fresh <= 0:
        return np.zeros(0, dtype=np.int16)
    audio = stream.received_audio()
    return audio[-fresh:]


async def hear_prompt(
    leg: MediaLeg,
    expected: str,
    prompts: Mapping[str, Samples],
    *,
    since: int,
    timeout: float,
) -> PromptVerdict:
    """Listen until ``expected`` is heard in the audio after ``since``, or ``timeout`` passes."""
    rtp = leg.rtp
    assert rtp is not None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    verdict = identify(audio_since(leg, since), prompts, expected)
    while not verdict.matched and not rtp.closed:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        try:
            await asyncio.wait_for(
                rtp.wait_received(rtp.datagrams_received + CHECK_EVERY), remaining
            )
        except (TimeoutError, TransportClosedError):
            pass  # judged once more below; a closed leg ends the loop
        verdict = identify(audio_since(leg, since), prompts, expected)
    leg.stage.journal.record(
        PromptJudged(
            party=leg.party,
            sip_call_id=leg.sip_call_id,
            expected=expected,
            matched=verdict.matched,
            verdict="heard" if verdict.matched else verdict.explain(),
            scores=tuple((s.name, s.score) for s in verdict.scores),
        )
    )
    return verdict
