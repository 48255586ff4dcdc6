"""``callproof bench concurrency``: how many calls with audio verified one process holds, and at
what CPU cost per call.

The synthetic caller calls a SIPp built-in UAS started with ``-rtp_echo``; each call's RTP comes
back to the caller, which hears its own signature: both directions of every call are checked by
the one party in this process. The far end is SIPp rather than our own auto-answering phone in
the same process because the figure wanted is what one load-generating process holds: a phone
in-process would double the media work measured (two streams per call) and charge the far end's
cost to the caller engine.

The ramp adds calls level by level; each level is observed for a few seconds (CPU of this
process, AudioLost events, RTP counters) and the ramp stops at the first level where a call stops
hearing itself, a call does not connect, more than 1 % of the packets are lost, the media falls
behind real time or the CPU goes past 95 % of a core. Calls are then taken back to the last
level that held (and to the one before while the level no longer holds on the way back), and
that level is held for ``--seconds``: at its end every call must still hear itself, with no
AudioLost in between and at most 1 % of the packets lost.
Waiting for a period is arm-then-act on the journal: it waits for an AudioLost with the period as
timeout, so a break ends the period at once.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.benchmarks import stats
from harness.benchmarks.rig import Progress
from harness.benchmarks.sipp_load import LoadRun, SippLoad
from harness.data.numbers import e164
from harness.endpoints.caller import SyntheticCaller
from harness.endpoints.events import AudioHeard, AudioLost
from harness.endpoints.stage import Stage
from harness.interop.sipp import find_sipp
from harness.media.tones import FRAME_SECONDS
from harness.runtime.journal import Journal, Match, WaitTimeout
from harness.sip import events as sip_events

AIM_CALLS = 300
AIM = f"{AIM_CALLS} concurrent calls with audio verified"
CALLER = "caller"
DEFAULT_SECONDS = 60.0
LEVELS = (25, 50, 75, 100, 125, 150, 175, 200, 250, 300, 350, 400, 450, 500, 550, 600, 700)
SETTLE_SECONDS = 4.0
CPU_LIMIT = 95.0  # percent of one core: the event loop runs on one
ON_TIME_LIMIT = 98.0  # percent of the frames due that were sent: below, media lags real time
LOSS_LIMIT = 1.0  # percent of the RTP packets expected in a period: beyond, the audio is broken
DIAL_WINDOW = 20
ANSWER_TIMEOUT = 10.0
AUDIO_TIMEOUT = 5.0
HANGUP_WINDOW = 50
UAS_GRACE = 10.0
RAMP_BUDGET = 120.0  # seconds the SIPp UAS allows for the ramp, beyond the held window


@dataclass(frozen=True)
class Period:
    """What ``calls`` live calls did over one observed period."""

    label: str
    calls: int
    seconds: float  # how long it lasted (less than asked when audio broke)
    asked: float
    cpu_percent: float | None  # of one core
    hearing: int  # calls hearing their own signature at the end
    lost: int  # AudioLost events in the period
    unconnected: int = 0  # calls of this level that did not connect with audio
    loss_percent: float | None = None  # RTP packets lost in the period, all calls together
    jitter_ms: stats.Summary | None = None  # per call, at the end
    on_time_percent: float | None = None  # frames sent against frames due

    @property
    def audio_holds(self) -> bool:
        return (
            self.calls > 0 and self.unconnected == 0 and self.lost == 0
            and self.hearing == self.calls and self.seconds >= self.asked
        )  # fmt: skip

    @property
    def cpu_per_call(self) -> float | None:
        if self.cpu_percent is None or not self.calls:
            return None
        return self.cpu_percent / self.calls

    @property
    def in_time(self) -> bool:
        """The media kept real time: nearly every frame due was sent."""
        return self.on_time_percent is None or self.on_time_percent >= ON_TIME_LIMIT

    @property
    def whole(self) -> bool:
        """The packets arrived: at most `LOSS_LIMIT` % lost.

        A signature is still heard through heavy loss (one frame in two suffices to keep it),
        so hearing alone would count calls whose audio is in pieces.
        """
        return self.loss_percent is None or self.loss_percent <= LOSS_LIMIT

    @property
    def holds(self) -> bool:
        """Audio held on every call, whole, in real time, within the CPU limit (a ramp level)."""
        return (
            self.audio_holds
            and self.whole
            and self.in_time
            and (self.cpu_percent is None or self.cpu_percent <= CPU_LIMIT)
        )

    @property
    def verdict(self) -> str:
        if not self.audio_holds:
            return "audio broke"
        if not self.whole:
            return "packets lost"
        if not self.in_time:
            return "media late"
        if self.cpu_percent is not None and self.cpu_percent > CPU_LIMIT:
            return f"audio held, CPU over {CPU_LIMIT:g} %"
        return "held"

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "calls": self.calls,
            "seconds": self.seconds,
            "asked_seconds": self.asked,
            "cpu_percent": self.cpu_percent,
            "cpu_percent_per_call": self.cpu_per_call,
            "hearing": self.hearing,
            "audio_lost_events": self.lost,
            "unconnected": self.unconnected,
            "loss_percent": self.loss_percent,
            "jitter_ms": self.jitter_ms.as_dict() if self.jitter_ms is not None else None,
            "on_time_percent": self.on_time_percent,
            "holds": self.holds,
        }


@dataclass(frozen=True)
class ConcurrencyResult:
    """The ramp's levels and the held window."""

    levels: tuple[Period, ...]
    window: Period | None
    seconds: float  # the window asked for
    callee: LoadRun | None = None
    problems: tuple[str, ...] = ()
    note: str = ""

    @property
    def held(self) -> int:
        """Calls held through the whole window with audio verified, whole and in real time
        (0 when not).

        The CPU limit stops the ramp; in the window it is reported, not held against it.
        """
        window = self.window
        if window is None or not (window.audio_holds and window.whole and window.in_time):
            return 0
        return window.calls

    @property
    def measured(self) -> bool:
        return not self.note and self.window is not None

    def aim_met(self) -> bool:
        return self.held >= AIM_CALLS

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "held": self.held,
            "aim": {"text": AIM, "calls": AIM_CALLS, "met": self.aim_met()},
            "window": self.window.as_dict() if self.window is not None else None,
            "levels": [level.as_dict() for level in self.levels],
            "callee": self.callee.as_dict() if self.callee is not None else None,
            "problems": list(self.problems),
            "note": self.note,
        }


def _row(p: Period) -> list[str]:
    jitter = p.jitter_ms
    return [
        p.label, str(p.calls), f"{p.seconds:.1f}", stats.number(p.cpu_percent),
        stats.number(p.cpu_per_call, 3), f"{p.hearing}/{p.calls}", str(p.lost),
        stats.number(p.loss_percent, 2), stats.number(jitter.median if jitter else None, 2),
        stats.number(jitter.max if jitter else None, 2), stats.number(p.on_time_percent),
        p.verdict,
    ]  # fmt: skip


def render_concurrency(result: ConcurrencyResult) -> str:
    """The figures of a concurrency run as printed."""
    header = ["period", "calls", "s", "CPU %", "CPU %/call", "hearing", "lost", "loss %",
              "jitter p50 ms", "jitter max ms", "on time %", "verdict"]  # fmt: skip
    periods = [*result.levels, *([result.window] if result.window is not None else [])]
    lines = [
        "concurrency: synthetic caller -> sipp -sn uas -rtp_echo, each caller hearing itself "
        "(CPU: this process, % of one core)",
    ]
    if periods:
        lines += ["", stats.table(header, [_row(p) for p in periods], "lrrrrrrrrrrl"), ""]
    window = result.window
    if window is not None:
        lines.append(
            f"held {result.held} concurrent calls with audio verified for {window.seconds:.1f} s "
            f"of {result.seconds:g} s: CPU {stats.number(window.cpu_percent)} % of a core, "
            f"{stats.number(window.cpu_per_call, 3)} % per call — aim {AIM}: "
            f"{'met' if result.aim_met() else 'NOT met'}"
        )
    if result.callee is not None and result.callee.counters is not None:
        lines.append(f"the SIPp UAS: {result.callee.ok} calls ended ok, "
                     f"{result.callee.counters.failed_calls} failed")  # fmt: skip
    if result.note:
        lines.append(f"incomplete: {result.note}")
    lines.extend(f"problem: {p}" for p in result.problems)
    return "\n".join(lines)


class Calls:
    """The live calls of the caller engine and what they received so far."""

    def __init__(self, caller: SyntheticCaller, journal: Journal, uri: str) -> None:
        self.caller = caller
        self.journal = journal
        self.uri = uri
        self.live: list[str] = []  # SIP Call-IDs, oldest first

    async def _connect(self, gate: asyncio.Semaphore) -> bool:
        async with gate:
            mark = self.journal.position
            sip_call_id = await self.caller.dial(self.uri)
            call = self.caller.calls[sip_call_id][0]
            try:
                outcome: sip_events.CallOutcome | None = await call.wait_outcome(ANSWER_TIMEOUT)
            except TimeoutError:
                outcome = None
            if isinstance(outcome, sip_events.Answered):
                match = Match(AudioHeard, party=CALLER, heard=CALLER, sip_call_id=sip_call_id)
                try:
                    await self.journal.wait_for_async(match, AUDIO_TIMEOUT, after=mark)
                    self.live.append(sip_call_id)
                    return True
                except WaitTimeout:
                    pass
            await self._hang_up(sip_call_id)
            return False

    async def add(self, count: int) -> int:
        """Connect ``count`` more calls; returns how many did not connect with audio."""
        gate = asyncio.Semaphore(DIAL_WINDOW)
        results = await asyncio.gather(*(self._connect(gate) for _ in range(count)))
        return sum(1 for ok in results if not ok)

    async def _hang_up(self, sip_call_id: str) -> None:
        try:
            await self.caller.hangup(sip_call_id)
        except TimeoutError:
            pass  # the UAS's own counters report the call

    async def drop_to(self, count: int) -> None:
        """Hang up the newest calls until ``count`` are left."""
        extra, self.live = self.live[count:], self.live[:count]
        gate = asyncio.Semaphore(HANGUP_WINDOW)

        async def one(sip_call_id: str) -> None:
            async with gate:
                await self._hang_up(sip_call_id)

        await asyncio.gather(*(one(cid) for cid in extra))

    def counters(self) -> dict[str, tuple[int, int, int]]:
        """Per call: (packets received, packets expected, packets sent)."""
        found = {}
        for cid in self.live:
            rtp = self.caller.calls[cid][1].rtp
            if rtp is not None:
                received = rtp.stream.stats
                found[cid] = (received.received, received.expected, rtp.packets_sent)
        return found

    def hearing(self) -> int:
        """How many live calls hear their own signature at this moment."""
        signatures = 0
        for cid in self.live:
            rtp = self.caller.calls[cid][1].rtp
            if rtp is not None and self.caller.stage.signature(CALLER) in rtp.stream.heard_now():
                signatures += 1
        return signatures

    def jitter_ms(self) -> stats.Summary:
        """Interarrival jitter (RFC 3550 A.8) of each live call's received stream."""
        values = []
        for cid in self.live:
            rtp = self.caller.calls[cid][1].rtp
            values.append(rtp.stream.stats.jitter_ms if rtp is not None else None)
        return stats.Summary.of(values)


def loss_and_pace(
    before: dict[str, tuple[int, int, int]],
    after: dict[str, tuple[int, int, int]],
    seconds: float,
) -> tuple[float | None, float | None]:
    """Packets lost over a period (% of those expected) and frames sent on time (% of those due).

    Only calls present at both ends count; RFC 3550 A.3 counts are cumulative, so the period's
    figures are differences.
    """
    expected = received = sent = 0
    calls = 0
    for cid, (rec1, exp1, sent1) in after.items():
        if cid not in before:
            continue
        rec0, exp0, sent0 = before[cid]
        calls += 1
        expected += exp1 - exp0
        received += rec1 - rec0
        sent += sent1 - sent0
    loss = 100 * max(0, expected - received) / expected if expected > 0 else None
    due = calls * seconds / FRAME_SECONDS
    on_time = min(100.0, 100 * sent / due) if due > 0 else None
    return loss, on_time


async def observe(calls: Calls, label: str, seconds: float, unconnected: int = 0) -> Period:
    """Watch the live calls for ``seconds`` (or until the first AudioLost)."""
    before = calls.counters()
    mark = calls.journal.position
    wall, cpu = time.monotonic(), time.process_time()
    lost = 0
    try:
        await calls.journal.wait_for_async(Match(AudioLost, party=CALLER), seconds, after=mark)
        lost = 1
    except WaitTimeout:
        pass  # the period passed with every call heard throughout
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    lost = max(lost, sum(1 for r in calls.journal.records(AudioLost)
                         if r.seq >= mark and r.event.party == CALLER))  # fmt: skip
    loss, on_time = loss_and_pace(before, calls.counters(), wall)
    return Period(
        label, len(calls.live), wall, seconds, 100 * cpu / wall if wall > 0 else None,
        calls.hearing(), lost, unconnected, loss, calls.jitter_ms(), on_time,
    )  # fmt: skip


async def ramp(calls: Calls, levels: Sequence[int], progress: Progress) -> list[Period]:
    """Add calls level by level until a level does not hold; returns every level observed."""
    observed: list[Period] = []
    for level in levels:
        if level <= len(calls.live):
            continue
        progress(f"concurrency: ramping to {level} calls")
        unconnected = await calls.add(level - len(calls.live))
        period = await observe(calls, f"ramp {level}", SETTLE_SECONDS, unconnected)
        observed.append(period)
        progress(f"concurrency: {period.calls} calls, CPU {stats.number(period.cpu_percent)} %, "
                 f"{period.hearing} hearing, {period.verdict}")  # fmt: skip
        if not period.holds:
            break
    return observed


async def back_off(calls: Calls, observed: Sequence[Period], progress: Progress) -> list[Period]:
    """Take the calls back to the highest level that held, and lower while it no longer does.

    A level that held on the way up can fail on the way back (the machine is shared, and the
    level past it may have left work behind): the window is held at a level seen to hold last.
    """
    back: list[Period] = []
    for best in sorted({p.calls for p in observed if p.holds}, reverse=True):
        if len(calls.live) <= best:
            break
        progress(f"concurrency: back to {best} calls")
        await calls.drop_to(best)
        back.append(await observe(calls, f"back to {best}", SETTLE_SECONDS))
        if back[-1].holds:
            break
    return back


async def run_concurrency(
    workdir: Path, seconds: float, levels: Sequence[int], progress: Progress
) -> ConcurrencyResult:
    """Ramp, back down to the last level that held, hold it for ``seconds``."""
    journal = Journal()
    stage = await Stage.open(journal)
    uas = SippLoad("uas", workdir / "uas", calls=max(levels), rtp_echo=True, recv_timeout=None,
                   time_limit=RAMP_BUDGET + seconds + 60)  # fmt: skip
    caller: SyntheticCaller | None = None
    window: Period | None = None
    note = ""
    try:
        caller = await SyntheticCaller.open(CALLER, stage, e164("fr_FR"))
        await uas.start()
        calls = Calls(caller, journal, f"sip:service@{uas.host}:{uas.sip_port}")
        observed = await ramp(calls, levels, progress)
        if not any(p.holds for p in observed):
            note = "no level held: audio broke or the CPU ran out from the first level"
        else:
            observed += await back_off(calls, observed, progress)
            progress(f"concurrency: holding {len(calls.live)} calls for {seconds:g} s")
            window = await observe(calls, "window", seconds)
        progress("concurrency: hanging up")
        await calls.drop_to(0)
        callee = await uas.finish(UAS_GRACE)
    finally:
        await uas.stop()
        if caller is not None:
            await caller.close()
        await stage.close()
    problems = tuple(stage.leaks() + uas.leaks())
    return ConcurrencyResult(tuple(observed), window, seconds, callee, problems, note)


async def bench_concurrency(
    progress: Progress, seconds: float = DEFAULT_SECONDS, levels: Sequence[int] = LEVELS
) -> ConcurrencyResult:
    """The most calls with audio verified that this process holds for ``seconds``."""
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    if not levels or any(n < 1 for n in levels) or list(levels) != sorted(levels):
        raise ValueError("levels must be positive and ascending")
    if find_sipp() is None:
        return ConcurrencyResult(
            (), None, seconds, note="sipp is not installed (Debian: sip-tester)"
        )
    with tempfile.TemporaryDirectory(prefix="callproof-concurrency-") as tmp:
        return await run_concurrency(Path(tmp), seconds, levels, progress)
