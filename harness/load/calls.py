"""The customer side of a load run: calls placed and verified on the harness's asyncio loop.

Each call gets its own key (`harness.load.watermark`), presents it in its number and sends it in
its audio. The call is verified, not only signalled: it must be answered, the customer must hear
this call's far end (the agent's word with this key, or its own word echoed back by an echoing
UAS), the agent's confirmation that it hears this customer must come back in band, and the
audio must stay whole (loss at most `LOSS_LIMIT` %) for the call's hold time. A word of any
other call is cross-talk; silence is a failure too. Every outcome is a `CallRecord`.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from harness.load.watermark import (
    SPAN,
    WatermarkStream,
    Word,
    caller_number,
    key_for,
    origin,
)
from harness.media.quality import quality_from
from harness.media.transport import MediaClock, RtpEndpoint
from harness.sip import events as sip_events
from harness.sip import sdp
from harness.sip.grammar import SipParseError
from harness.sip.transport import OutgoingCall, SipEndpoint

Expect = Literal["agent", "echo"]

ANSWER_TIMEOUT = 10.0  # dial to final response, ringing included
VERIFY_TIMEOUT = 4.0  # answer to both directions proven: up to two words each way (4 x 480 ms)
HANGUP_TIMEOUT = 5.0
LOSS_LIMIT = 1.0  # percent of the packets expected
MIN_HOLD = 1.5  # seconds: less cannot carry a word both ways and the confirmation back


@dataclass
class CallRecord:
    """What the load generator saw of one call (times in ms, None where not observed)."""

    worker: int
    key: int
    kind: str
    sip_call_id: str
    started_at: float  # wall clock, seconds since the epoch
    reached: bool = False  # the target answered the INVITE with any response
    status: int | None = None  # final SIP status (200 when answered)
    answer_ms: float | None = None  # dial to 200 OK
    audio_ms: float | None = None  # answer to the first audio the customer heard
    two_way_ms: float | None = None  # answer to both directions proven for this call
    loss_percent: float | None = None
    jitter_ms: float | None = None
    mos: float | None = None
    seconds: float = 0.0  # dial to hung up
    failure: str = ""
    crosstalk: list[int] = field(default_factory=list)  # keys of other calls heard
    ended_by: str = ""

    @property
    def answered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def verified(self) -> bool:
        return not self.failure

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CallRecord:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def describe_key(key: int, known: dict[int, str]) -> str:
    """``call <SIP Call-ID> (key K)`` when this worker placed it, else its worker and number."""
    if key in known:
        return f"call {known[key]} (key {key})"
    worker, sequence = origin(key)
    return f"the call with key {key} (worker {worker}, call #{sequence} modulo {SPAN})"


class CallEngine:
    """Places load calls from one SIP endpoint and one media clock, on the running loop."""

    def __init__(self, worker: int, sip: SipEndpoint, clock: MediaClock) -> None:
        self.worker = worker
        self.sip = sip
        self.clock = clock
        self._sequence = itertools.count()
        self.live: dict[str, OutgoingCall] = {}
        self.recent: dict[int, str] = {}  # key -> SIP Call-ID, the last calls of this worker
        self._recent_limit = 4096
        self.finished: deque[CallRecord] = deque()
        """Records of finished calls, taken by whoever reports them (thread-safe ends)."""
        self._running: set[asyncio.Task[Any]] = set()
        # A held call waits for its end on a future of its own, set from the endpoint's call
        # events: the endpoint's own waits are re-checked on every SIP message, so one per
        # held call would cost every message a scan of all the calls up (quadratic in load).
        self._ended: dict[str, asyncio.Future[None]] = {}
        sip.on_call_event = self._on_call_event

    def _on_call_event(self, call: Any, event: Any) -> None:
        if isinstance(event, sip_events.CallEnded):
            future = self._ended.get(call.call_id)
            if future is not None and not future.done():
                future.set_result(None)

    def _ended_future(self, call: OutgoingCall) -> asyncio.Future[None]:
        """Done when ``call`` has ended (at once if it already has)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if call.session.live:
            self._ended[call.call_id] = future
        else:
            future.set_result(None)
        return future

    @classmethod
    async def open(cls, worker: int) -> CallEngine:
        sip = await SipEndpoint.open("127.0.0.1", 0, listen_tcp=False)
        return cls(worker, sip, MediaClock())

    async def call(self, target: str, kind: str, hold: float, expect: Expect) -> CallRecord:
        """Place one call to ``target``, verify it, hold it ``hold`` seconds, hang up."""
        key = key_for(self.worker, next(self._sequence))
        current = asyncio.current_task()
        if current is not None:
            self._running.add(current)
        stream = WatermarkStream(Word("customer", key))
        rtp = await RtpEndpoint.open(stream, self.clock)
        host, port = self.sip.local_address
        offer = bytes(sdp.make_offer(rtp.local_address[0], rtp.local_address[1]))
        started, wall = self.clock.now(), time.time()
        call = self.sip.invite(target, f"sip:{caller_number(key)}@{host}:{port}", offer)
        record = CallRecord(self.worker, key, kind, call.call_id, wall)
        self.live[call.call_id] = call
        self._remember(key, call.call_id)
        try:
            await self._run(call, rtp, stream, record, started, hold, expect)
        finally:
            rtp.close()
            self.live.pop(call.call_id, None)
            record.seconds = round(self.clock.now() - started, 3)
            self.finished.append(record)
            if current is not None:
                self._running.discard(current)
        return record

    def _remember(self, key: int, sip_call_id: str) -> None:
        self.recent[key] = sip_call_id
        if len(self.recent) > self._recent_limit:
            del self.recent[next(iter(self.recent))]

    async def _run(
        self, call: OutgoingCall, rtp: RtpEndpoint, stream: WatermarkStream, record: CallRecord,
        started: float, hold: float, expect: Expect,
    ) -> None:  # fmt: skip
        try:
            outcome: sip_events.CallOutcome | None = await call.wait_outcome(ANSWER_TIMEOUT)
        except TimeoutError:
            outcome = None
        if outcome is None:
            record.failure = f"no final response within {ANSWER_TIMEOUT:g} s"
            await self._end(call, record)
            return
        if isinstance(outcome, sip_events.Rejected):
            record.status = outcome.status
            record.reached = outcome.response is not None
            record.failure = f"refused: {outcome.status} {outcome.reason}"
            return
        if not isinstance(outcome, sip_events.Answered):
            record.failure = f"not answered: {outcome}"
            await self._end(call, record)
            return
        answered_at = self.clock.now()
        record.reached, record.status = True, outcome.response.status
        record.answer_ms = round((answered_at - started) * 1000, 1)
        problem = self._start_media(call, rtp)
        if problem:
            record.failure = problem
            await self._end(call, record)
            return
        await self._verify(call, stream, record, answered_at, hold, expect)
        await self._end(call, record)
        report = quality_from(stream.stats, record.audio_ms, packets_sent=rtp.packets_sent)
        record.loss_percent = round(report.loss_percent, 3)
        record.jitter_ms = round(report.jitter_ms, 2)
        record.mos = round(report.mos, 2)
        if not record.failure and report.loss_percent > LOSS_LIMIT:
            record.failure = (
                f"{report.loss_percent:.1f} % of the packets lost (limit {LOSS_LIMIT:g} %)"
            )

    def _start_media(self, call: OutgoingCall, rtp: RtpEndpoint) -> str:
        try:
            description = sdp.SessionDescription.parse(call.remote_sdp or b"")
            host, port = sdp.remote_rtp_address(description)
            codec = sdp.negotiated(description)
        except (SipParseError, sdp.SdpNegotiationError, ValueError) as exc:
            return f"the answer's SDP is unusable: {exc}"
        rtp.stream.payload_type = codec.payload_type
        rtp.set_remote(host, port)
        rtp.start_sending()
        return ""

    async def _verify(
        self, call: OutgoingCall, stream: WatermarkStream, record: CallRecord, answered_at: float,
        hold: float, expect: Expect,
    ) -> None:  # fmt: skip
        """Wait for this call's far end both ways, then hold it for its time.

        A word of another call does not end the call early: the other call must get to hear
        this one's word too, so that both name each other.
        """
        key = record.key
        wanted = Word("customer", key) if expect == "echo" else Word("agent-hears", key)
        loop = asyncio.get_running_loop()
        proven: asyncio.Future[Any] = loop.create_future()
        ended = self._ended_future(call)

        def on_word(word: Word, at: float) -> None:
            if word == wanted and not proven.done():
                proven.set_result(at)

        stream.on_word = on_word
        try:
            await asyncio.wait({proven, ended}, timeout=VERIFY_TIMEOUT,
                               return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
            if proven.done():
                record.two_way_ms = round((proven.result() - answered_at) * 1000, 1)
            remaining = hold - (self.clock.now() - answered_at)
            if remaining > 0 and not ended.done():
                # The call is held for its time; the far end hanging up ends the wait at once.
                await asyncio.wait({ended}, timeout=remaining)
        finally:
            stream.on_word = None
            self._ended.pop(call.call_id, None)
            if not ended.done():
                ended.cancel()
        reader = stream.reader
        if reader.first_audio_at is not None:
            record.audio_ms = round(max(0.0, reader.first_audio_at - answered_at) * 1000, 1)
        others = sorted({w.key for w in reader.others(key)})
        record.crosstalk = others
        if others:
            heard = ", ".join(describe_key(k, self.recent) for k in others)
            record.failure = f"cross-talk: call {record.sip_call_id} (key {key}) heard {heard}"
        elif reader.mixed_frames:
            record.failure = f"two calls' audio mixed on call {record.sip_call_id} (key {key})"
        elif not proven.done():
            if reader.first_audio_at is None:
                record.failure = f"heard nothing within {VERIFY_TIMEOUT:g} s of the answer"
            elif reader.heard("agent", key) is not None or reader.heard("customer", key):
                record.failure = (
                    f"one-way audio: the customer hears its call's far end but the agent did "
                    f"not confirm hearing the customer within {VERIFY_TIMEOUT:g} s"
                )
            else:
                record.failure = f"no watermark of this call heard within {VERIFY_TIMEOUT:g} s"
        elif ended.done() and (self.clock.now() - answered_at) < hold - 0.05:
            record.failure = (
                f"the far end hung up after {self.clock.now() - answered_at:.1f} s "
                f"of a {hold:g} s call"
            )
            record.ended_by = "far end"

    async def _end(self, call: OutgoingCall, record: CallRecord) -> None:
        if not call.session.live:
            record.ended_by = record.ended_by or "far end"
            return
        try:
            await call.hangup(HANGUP_TIMEOUT)
            record.ended_by = record.ended_by or "customer"
        except TimeoutError:
            if not record.failure:
                record.failure = f"the hang-up was not answered within {HANGUP_TIMEOUT:g} s"

    async def close(self) -> None:
        """Hang up whatever is still up (a run cut short), then close the endpoint."""
        live = [c.hangup(HANGUP_TIMEOUT) for c in self.live.values() if c.session.live]
        await asyncio.gather(*live, return_exceptions=True)
        if self._running:  # the calls just hung up write their records
            await asyncio.wait(set(self._running), timeout=HANGUP_TIMEOUT + 2)
        await self.sip.close()
        self.clock.close()
