"""Cross-talk is caught: a UAS that cross-connects two calls fails both, each naming the other.

The UAS waits for two INVITEs and answers each with the *other* call's RTP address, so customer A
sends its audio straight to customer B and the other way round: real SIP, real RTP, the very
fault a platform mixing up its bridges would produce. A UAS that answers each call with its own
address (the RTP comes back to its sender) passes.
"""

from __future__ import annotations

import asyncio

from harness.load.calls import CallEngine, CallRecord
from harness.load.watermark import WatermarkStream, Word, key_from_number
from harness.media.transport import MediaClock, RtpEndpoint
from harness.sip import sdp
from harness.sip.transport import IncomingCall, SipEndpoint

HOLD = 1.6


async def _two_calls(cross: bool) -> list[CallRecord]:
    engine = await CallEngine.open(0)
    uas = await SipEndpoint.open("127.0.0.1", 0, listen_tcp=False)
    waiting: list[IncomingCall] = []

    def on_invite(call: IncomingCall) -> None:
        waiting.append(call)
        if len(waiting) < 2:
            return
        offers = [sdp.SessionDescription.parse(c.remote_sdp or b"") for c in waiting]
        addresses = [sdp.remote_rtp_address(o) for o in offers]
        for index, incoming in enumerate(waiting):
            host, port = addresses[1 - index] if cross else addresses[index]
            incoming.answer(bytes(sdp.make_answer(offers[index], host, port)))

    uas.on_invite = on_invite
    try:
        host, port = uas.local_address
        target = f"sip:load@{host}:{port}"
        results = await asyncio.gather(
            engine.call(target, "a", HOLD, "echo"), engine.call(target, "b", HOLD, "echo")
        )
    finally:
        await engine.close()
        await uas.close()
    return list(results)


def test_two_cross_connected_calls_each_fail_naming_the_other() -> None:
    first, second = asyncio.run(_two_calls(cross=True))
    assert first.crosstalk == [second.key] and second.crosstalk == [first.key]
    assert first.failure == (
        f"cross-talk: call {first.sip_call_id} (key {first.key}) heard "
        f"call {second.sip_call_id} (key {second.key})"
    )
    assert second.sip_call_id in first.failure and first.sip_call_id in second.failure


def test_each_call_hearing_itself_back_is_verified() -> None:
    records = asyncio.run(_two_calls(cross=False))
    assert [r.failure for r in records] == ["", ""]
    assert all(r.two_way_ms is not None and r.loss_percent == 0 for r in records)


async def _one_way_call() -> CallRecord:
    """A far end that sends this call's agent word but never confirms hearing the customer."""
    engine = await CallEngine.open(0)
    uas = await SipEndpoint.open("127.0.0.1", 0, listen_tcp=False)
    clock = MediaClock()
    legs: list[RtpEndpoint] = []

    async def answer(call: IncomingCall) -> None:
        key = key_from_number(str(call.request.from_.uri))
        assert key is not None
        rtp = await RtpEndpoint.open(WatermarkStream(Word("agent", key)), clock)
        legs.append(rtp)
        offer = sdp.SessionDescription.parse(call.remote_sdp or b"")
        call.answer(bytes(sdp.make_answer(offer, *rtp.local_address)))
        rtp.set_remote(*sdp.remote_rtp_address(offer))
        rtp.start_sending()

    tasks: list[asyncio.Task[None]] = []
    uas.on_invite = lambda call: tasks.append(asyncio.ensure_future(answer(call)))
    try:
        host, port = uas.local_address
        return await engine.call(f"sip:load@{host}:{port}", "one-way", HOLD, "agent")
    finally:
        await engine.close()
        for rtp in legs:
            rtp.close()
        await uas.close()
        clock.close()


def test_a_far_end_that_never_confirms_hearing_the_customer_is_one_way_audio() -> None:
    record = asyncio.run(_one_way_call())
    assert record.audio_ms is not None and record.two_way_ms is None
    assert record.failure.startswith("one-way audio: the customer hears its call's far end")


async def _call_hung_up_by_the_far_end(after: float, hold: float) -> tuple[CallRecord, float]:
    """An echoing far end that hangs up ``after`` seconds into a ``hold``-second call."""
    engine = await CallEngine.open(0)
    uas = await SipEndpoint.open("127.0.0.1", 0, listen_tcp=False)
    loop = asyncio.get_running_loop()

    def on_invite(call: IncomingCall) -> None:
        offer = sdp.SessionDescription.parse(call.remote_sdp or b"")
        call.answer(bytes(sdp.make_answer(offer, *sdp.remote_rtp_address(offer))))
        loop.call_later(after, call.end)  # the stimulus: a far end leaving mid-call

    uas.on_invite = on_invite
    try:
        host, port = uas.local_address
        started = loop.time()
        record = await engine.call(f"sip:load@{host}:{port}", "short", hold, "echo")
        return record, loop.time() - started
    finally:
        await engine.close()
        await uas.close()


def test_a_far_end_hanging_up_mid_call_ends_the_held_call_at_once_and_fails_it() -> None:
    record, seconds = asyncio.run(_call_hung_up_by_the_far_end(after=1.2, hold=4.0))
    assert record.two_way_ms is not None  # its own word came back before the BYE
    assert record.ended_by == "far end"
    assert record.failure.startswith("the far end hung up after 1.")
    assert record.failure.endswith("of a 4 s call")
    assert seconds < 3.0, f"the held call waited {seconds:.1f} s after the far end's BYE"
