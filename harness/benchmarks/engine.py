"""``callproof bench engine``: calls per second of our caller engine, audio verified on each call.

The synthetic caller (one party: one SIP endpoint, one RTP socket per call) calls a SIPp built-in
UAS started with ``-rtp_echo``, which sends every RTP packet back to where it came from. A call
counts once the caller hears its own signature back (``AudioHeard(party=caller,
heard=caller)``): that proves both directions of that call's media, not only its signalling.
Calls go out as fast as they complete, at most ``window`` of them in flight; each is answered,
heard, then hung up.

In the same run SIPp's built-in UAC calls another SIPp UAS (signalling only, nobody sends RTP),
its rate stepped up to the highest rate with no failed call; the ratio of the two rates is the
figure printed beside the aim. The loop runs on one thread, so ``--profile`` (cProfile over the
call loop) shows where the engine's time goes.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.benchmarks import stats
from harness.benchmarks.rig import Progress
from harness.benchmarks.sipp_load import (
    LoadRun,
    LoadStep,
    SippLoad,
    best_clean,
    continues,
    render_steps,
    step_calls,
    with_fresh_ports,
)
from harness.data.numbers import e164
from harness.endpoints.caller import SyntheticCaller
from harness.endpoints.events import AudioHeard
from harness.endpoints.stage import Stage
from harness.interop.sipp import find_sipp
from harness.runtime.journal import Journal, Match, WaitTimeout
from harness.sip import events as sip_events

AIM_RATIO = 0.25
AIM = "a quarter of SIPp's clean rate or better, audio verified on every call"
CALLER = "caller"
DEFAULT_CALLS = 200
DEFAULT_WINDOW = 20
MAX_CALLS = 5000
ANSWER_TIMEOUT = 10.0
AUDIO_TIMEOUT = 5.0
RUN_LIMIT = 120.0  # seconds: no new call is placed after this
GIVE_UP_AFTER = 10  # unanswered calls in a row: the peer is gone
UAS_GRACE = 10.0  # the UAS counts a call 4 s after its BYE
SIPP_RATES = (1000, 2000, 5000, 10000, 15000, 20000, 25000, 30000, 40000)
SIPP_STEP_SECONDS = 3.0
SIPP_MAX_STEP_CALLS = 90_000
SIPP_TAIL = 15.0
PROFILE_LINES = 15


@dataclass(frozen=True)
class EngineCall:
    """One call of the engine: None where nothing was observed in time."""

    sip_call_id: str
    answer_ms: float | None  # dial to 200 OK
    heard_ms: float | None  # answer to the caller hearing its own signature back
    seconds: float  # dial to hung up

    @property
    def verified(self) -> bool:
        return self.heard_ms is not None


@dataclass(frozen=True)
class EngineResult:
    """The engine's calls, the SIPp UAS they reached, and SIPp's own ramp beside them."""

    calls: tuple[EngineCall, ...]
    window: int
    seconds: float  # first dial to last hang-up
    cpu_seconds: float  # this process, over the same span
    callee: LoadRun | None = None
    sipp_steps: tuple[LoadStep, ...] = ()
    profile: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    note: str = ""

    @property
    def verified(self) -> int:
        return sum(1 for c in self.calls if c.verified)

    @property
    def rate(self) -> float | None:
        """Calls per second with audio verified."""
        return stats.per_second(self.verified, self.seconds)

    @property
    def cpu_percent(self) -> float | None:
        return 100 * self.cpu_seconds / self.seconds if self.seconds > 0 else None

    @property
    def sipp_best(self) -> LoadStep | None:
        return best_clean(self.sipp_steps)

    @property
    def sipp_rate(self) -> float | None:
        best = self.sipp_best
        return best.caller.achieved_rate if best is not None else None

    @property
    def ratio(self) -> float | None:
        if self.rate is None or not self.sipp_rate:
            return None
        return self.rate / self.sipp_rate

    @property
    def measured(self) -> bool:
        return not self.note and bool(self.calls) and self.sipp_best is not None

    def aim_met(self) -> bool:
        return self.ratio is not None and self.ratio >= AIM_RATIO

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": len(self.calls),
            "verified": self.verified,
            "window": self.window,
            "seconds": self.seconds,
            "calls_per_second_verified": self.rate,
            "cpu_percent": self.cpu_percent,
            "answer_ms": stats.Summary.of(c.answer_ms for c in self.calls).as_dict(),
            "heard_ms": stats.Summary.of(c.heard_ms for c in self.calls).as_dict(),
            "callee": self.callee.as_dict() if self.callee is not None else None,
            "sipp_rate": self.sipp_rate,
            "sipp_steps": [step.as_dict() for step in self.sipp_steps],
            "ratio": self.ratio,
            "aim": {"text": AIM, "ratio": AIM_RATIO, "met": self.aim_met()},
            "profile": list(self.profile),
            "problems": list(self.problems),
            "note": self.note,
        }


def render_engine(result: EngineResult) -> str:
    """The figures of an engine run as printed."""
    answer = stats.Summary.of(c.answer_ms for c in result.calls)
    heard = stats.Summary.of(c.heard_ms for c in result.calls)
    lines = [
        f"engine: {len(result.calls)} calls from the synthetic caller to sipp -sn uas -rtp_echo, "
        f"at most {result.window} in flight",
        f"  {result.verified} with audio verified in {result.seconds:.2f} s: "
        f"{stats.number(result.rate)} calls/s, CPU {stats.number(result.cpu_percent)} % of a core",
        f"  dial to answer: median {stats.number(answer.median)} ms, p95 "
        f"{stats.number(answer.p95)} ms; answer to audio heard back: median "
        f"{stats.number(heard.median)} ms, p95 {stats.number(heard.p95)} ms",
    ]
    if result.callee is not None and not result.callee.clean:
        lines.append(f"  the SIPp UAS: {result.callee.ok} ok, {result.callee.failed} failed, "
                     f"{result.callee.exit_meaning}")  # fmt: skip
    if result.sipp_steps:
        lines += ["", "sipp -sn uac -> sipp -sn uas, signalling only:",
                  render_steps(result.sipp_steps), ""]  # fmt: skip
    ratio = result.ratio
    lines.append(
        f"engine {stats.number(result.rate)} calls/s (audio verified) against SIPp "
        f"{stats.number(result.sipp_rate)} calls/s (signalling only): ratio "
        f"{stats.number(ratio, 3)} — aim {AIM}: {'met' if result.aim_met() else 'NOT met'}"
    )
    if result.profile:
        lines += [
            "",
            "where the engine's time went (cProfile over the call loop, own time per "
            "file; profiling slows the loop down):",
            *result.profile,
        ]
    if result.note:
        lines.append(f"incomplete: {result.note}")
    lines.extend(f"problem: {p}" for p in result.problems)
    return "\n".join(lines)


async def one_call(caller: SyntheticCaller, journal: Journal, uri: str) -> EngineCall:
    """Dial, wait for the answer and for the caller's own signature to come back, hang up."""
    loop = asyncio.get_running_loop()
    mark, started = journal.position, loop.time()
    sip_call_id = await caller.dial(uri)
    call = caller.calls[sip_call_id][0]
    answer_ms = heard_ms = None
    try:
        outcome: sip_events.CallOutcome | None = await call.wait_outcome(ANSWER_TIMEOUT)
    except TimeoutError:
        outcome = None
    if isinstance(outcome, sip_events.Answered):
        answer_ms = (loop.time() - started) * 1000
        match = Match(AudioHeard, party=CALLER, heard=CALLER, sip_call_id=sip_call_id)
        try:
            heard = await journal.wait_for_async(match, AUDIO_TIMEOUT, after=mark)
            heard_ms = max(0.0, heard.latency_ms or 0.0)
        except WaitTimeout:
            pass  # not verified: counted, not fatal
    try:
        await caller.hangup(sip_call_id)
    except TimeoutError:
        pass  # the UAS's own counters report the call
    return EngineCall(sip_call_id, answer_ms, heard_ms, loop.time() - started)


async def _place(
    caller: SyntheticCaller, journal: Journal, uri: str, count: int, window: int,
    progress: Progress,
) -> tuple[list[EngineCall], str]:  # fmt: skip
    """``count`` calls, ``window`` at a time; stops early on a dead peer or the time limit."""
    done: list[EngineCall] = []
    gate = asyncio.Semaphore(window)
    deadline = asyncio.get_running_loop().time() + RUN_LIMIT
    stop = ""
    unanswered = 0

    async def worker() -> None:
        nonlocal stop, unanswered
        async with gate:
            if stop:
                return
            if asyncio.get_running_loop().time() > deadline:
                stop = f"stopped after {RUN_LIMIT:g} s"
                return
            result = await one_call(caller, journal, uri)
            done.append(result)
            unanswered = unanswered + 1 if result.answer_ms is None else 0
            if unanswered >= GIVE_UP_AFTER:
                stop = f"{unanswered} calls unanswered in a row"
            if len(done) % 50 == 0:
                progress(f"engine: {len(done)}/{count} calls")

    await asyncio.gather(*(worker() for _ in range(count)))
    return done, stop


def _module(filename: str) -> str:
    """``.../harness/sip/grammar.py`` -> ``harness/sip/grammar.py``; the stdlib by its module."""
    for anchor in ("/harness/", "/site-packages/", "/lib/python"):
        if anchor in filename:
            tail = filename.split(anchor, 1)[1]
            if anchor == "/lib/python":
                tail = tail.split("/", 1)[-1]  # drop "3.11/"
            return ("harness/" if anchor == "/harness/" else "") + tail
    return filename  # "~" (built-in functions) and the like


def profile_by_module(
    profiler_stats: dict[Any, Any], lines: int = PROFILE_LINES
) -> tuple[str, ...]:
    """Own time summed per source file, largest first, as ``percent  seconds  file`` lines.

    ``profiler_stats`` is ``pstats.Stats(...).stats``: ``(file, line, name) -> (calls, primitive
    calls, own time, cumulative time, callers)``. Own time per file says which layer is busy
    (SIP parsing, media, the event loop) better than a list of single functions.
    """
    per_file: dict[str, float] = {}
    for (filename, _, name), (_, _, own, _, _) in profiler_stats.items():
        key = _module(filename) if filename != "~" else f"built-in {name}"
        per_file[key] = per_file.get(key, 0.0) + own
    total = sum(per_file.values())
    ranked = sorted(per_file.items(), key=lambda item: item[1], reverse=True)[:lines]
    return tuple(
        f"{100 * own / total:5.1f} %  {own:6.3f} s  {name}" for name, own in ranked if total > 0
    )


async def run_engine(
    workdir: Path, count: int, window: int, progress: Progress, profile: bool
) -> EngineResult:
    """The caller engine against one SIPp UAS with RTP echo."""
    journal = Journal()
    stage = await Stage.open(journal)
    uas = SippLoad("uas", workdir / "engine-uas", calls=count, rtp_echo=True,
                   time_limit=RUN_LIMIT + ANSWER_TIMEOUT + AUDIO_TIMEOUT + 30)  # fmt: skip
    caller: SyntheticCaller | None = None
    problems: list[str] = []
    try:
        caller = await SyntheticCaller.open(CALLER, stage, e164("fr_FR"))
        await uas.start()
        uri = f"sip:service@{uas.host}:{uas.sip_port}"
        progress(f"engine: {count} calls to {uri}, {window} in flight")
        profiler = cProfile.Profile() if profile else None
        wall, cpu = time.monotonic(), time.process_time()
        if profiler is not None:
            profiler.enable()
        try:
            calls, stop = await _place(caller, journal, uri, count, window, progress)
        finally:
            if profiler is not None:
                profiler.disable()
        wall, cpu = time.monotonic() - wall, time.process_time() - cpu
        callee = await uas.finish(UAS_GRACE)
    finally:
        await uas.stop()
        if caller is not None:
            await caller.close()
        await stage.close()
    problems += stage.leaks() + uas.leaks()
    lines = profile_by_module(pstats.Stats(profiler).stats) if profiler is not None else ()  # type: ignore[attr-defined]
    return EngineResult(tuple(calls), window, wall, cpu, callee, (), lines, tuple(problems), stop)


async def sipp_step(workdir: Path, rate: float) -> LoadStep:
    """SIPp's UAC at ``rate`` against a SIPp UAS, both built-in scenarios (new ports if lost)."""
    attempt = 0

    async def once() -> LoadStep:
        nonlocal attempt
        attempt += 1
        return await _sipp_step(workdir / f"sipp-{rate:g}-{attempt}", rate)

    return await with_fresh_ports(once)


async def _sipp_step(workdir: Path, rate: float) -> LoadStep:
    calls = step_calls(rate, SIPP_STEP_SECONDS, SIPP_MAX_STEP_CALLS)
    limit = calls / rate + SIPP_TAIL
    uas = SippLoad("uas", workdir / "uas", calls=calls, time_limit=limit + UAS_GRACE)
    try:
        await uas.start()
        uac = SippLoad("uac", workdir / "uac", calls=calls, rate=rate,
                       remote=uas.sip_address, time_limit=limit, trace_rtt=True)  # fmt: skip
        try:
            await uac.start()
            caller = await uac.wait()
        finally:
            await uac.stop()
        callee = await uas.finish(UAS_GRACE)
    finally:
        await uas.stop()
    return LoadStep(rate, caller, callee)


async def bench_engine(
    progress: Progress,
    calls: int = DEFAULT_CALLS,
    window: int = DEFAULT_WINDOW,
    *,
    profile: bool = False,
    sipp_rates: tuple[float, ...] = SIPP_RATES,
) -> EngineResult:
    """The engine's verified calls/s, then SIPp's best clean rate, in one run."""
    if not 1 <= calls <= MAX_CALLS:
        raise ValueError(f"calls must be between 1 and {MAX_CALLS}, got {calls}")
    if not 1 <= window <= calls:
        raise ValueError(f"the window must be between 1 and the number of calls, got {window}")
    if find_sipp() is None:
        return EngineResult((), window, 0.0, 0.0, note="sipp is not installed (Debian: sip-tester)")
    with tempfile.TemporaryDirectory(prefix="callproof-engine-") as tmp:
        result = await run_engine(Path(tmp), calls, window, progress, profile)
        progress(f"engine: {result.verified}/{len(result.calls)} verified, "
                 f"{stats.number(result.rate)} calls/s; now SIPp against SIPp")  # fmt: skip
        steps: list[LoadStep] = []
        for rate in sipp_rates:
            step = await sipp_step(Path(tmp), rate)
            steps.append(step)
            progress(f"sipp: {rate:g} calls/s asked, {stats.number(step.caller.achieved_rate)} "
                     f"achieved, {step.verdict}")  # fmt: skip
            if not continues(step):
                break
    return EngineResult(
        result.calls, window, result.seconds, result.cpu_seconds, result.callee, tuple(steps),
        result.profile, result.problems, result.note,
    )  # fmt: skip
