"""A stall of the harness's own process is not a drop-out of the audio it listens to.

On a loaded machine the process running the parties can stop for a few hundred milliseconds.
Its senders send nothing meanwhile, so a relay has nothing to forward; when the loop runs
again, the listener must not count that time as the peer's silence. A stream that really
stopped is still lost, once the listener itself has run long enough to know.
"""

from __future__ import annotations

import asyncio

import pytest

from harness.media.events import MediaEvent, SignatureHeard, SignatureLost
from harness.media.hearing import LATE_ALLOWANCE_S, Hearing
from harness.media.stream import MediaStream
from harness.media.tones import FRAME_SECONDS, signature_for
from harness.media.transport import MediaClock, RtpEndpoint

from ..virtual_loop import VirtualTimeLoop
from .test_transport import TIMEOUT, run

VOICE = signature_for(0)
STALL = 0.3  # seconds: what a loaded two-core machine was seen to do to the harness


def test_a_stall_of_the_listener_is_not_counted_as_silence():
    hearing = Hearing([VOICE])
    for n in range(3):
        hearing.frame({VOICE}, n * FRAME_SECONDS)
    last = 2 * FRAME_SECONDS
    hearing.excuse(STALL)
    quiet = LATE_ALLOWANCE_S
    assert hearing.silence(last + quiet + STALL - 0.001) == []
    lost = [e for e in hearing.silence(last + quiet + STALL) if isinstance(e, SignatureLost)]
    assert [(e.signature, e.at) for e in lost] == [(VOICE, pytest.approx(last + FRAME_SECONDS))]


def test_a_frame_ends_the_excuse():
    hearing = Hearing([VOICE])
    hearing.frame({VOICE}, 0.0)
    hearing.frame({VOICE}, FRAME_SECONDS)
    hearing.excuse(STALL)
    hearing.frame({VOICE}, 1.0)
    assert hearing.deadline() == pytest.approx(1.0 + LATE_ALLOWANCE_S)


def test_a_negative_stall_is_refused():
    with pytest.raises(ValueError, match="negative"):
        Hearing([VOICE]).excuse(-0.1)


class Call:
    """A speaker and a listener on loopback, driven by one media clock, as a scenario runs
    the customer and an agent in one process."""

    def __init__(self) -> None:
        self.events: list[MediaEvent] = []
        self.heard = asyncio.Event()
        self.lost = asyncio.Event()
        self.clock = MediaClock()

    async def open(self) -> None:
        self.speaker = await RtpEndpoint.open(MediaStream(signature=VOICE), self.clock)
        self.listener = await RtpEndpoint.open(
            MediaStream(listen_for=[VOICE]), self.clock, on_event=self._on_event
        )
        self.speaker.set_remote(*self.listener.local_address)
        self.speaker.start_sending()
        async with asyncio.timeout(TIMEOUT):
            await self.heard.wait()

    def _on_event(self, event: MediaEvent) -> None:
        self.events.append(event)
        if isinstance(event, SignatureHeard):
            self.heard.set()
        elif isinstance(event, SignatureLost):
            self.lost.set()

    def stall(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, VirtualTimeLoop)
        loop.call_soon(loop.stall, seconds)

    def close(self) -> None:
        self.speaker.close()
        self.listener.close()
        self.clock.close()


def test_the_listener_keeps_hearing_through_a_stall_of_its_own_process():
    async def scenario() -> None:
        call = Call()
        await call.open()
        call.stall(STALL)
        received = call.listener.datagrams_received
        async with asyncio.timeout(TIMEOUT):
            await call.listener.wait_received(received + 50)  # a second of audio after it
        assert call.clock.stalled > STALL - 2 * FRAME_SECONDS  # the clock saw it as a stall
        lost = [e for e in call.events if isinstance(e, SignatureLost)]
        assert lost == [], "the harness's own stall was judged as the speaker going silent"
        call.close()

    run(scenario())


def test_a_speaker_that_stops_during_a_stall_is_still_lost():
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        call = Call()
        await call.open()
        call.speaker.stop_sending()
        last_frame = call.listener.stream.last_packet_at
        assert last_frame is not None
        stalled_at = loop.time()
        call.stall(STALL)
        async with asyncio.timeout(TIMEOUT):
            await call.lost.wait()
        # Lost once the listener itself ran for the usual five frames of silence...
        quiet = LATE_ALLOWANCE_S
        assert loop.time() <= stalled_at + STALL + quiet + FRAME_SECONDS
        # ... and dated from the first frame that did not come.
        lost = [e for e in call.events if isinstance(e, SignatureLost)]
        assert [e.at for e in lost] == [pytest.approx(last_frame + FRAME_SECONDS)]
        call.close()

    run(scenario())
