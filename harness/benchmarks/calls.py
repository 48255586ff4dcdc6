"""``callproof bench calls``: answer-to-audio latency of calls into the reference, one at a time.

A synthetic caller dials a number that rings one agent whose SIP phone answers at once. From the
answer on, each side sends its signature and listens for the other's, so every call yields two
figures: how long after the answer the customer heard the agent, and the agent the customer
(``AudioHeard.latency_ms``, each measured from that party's own view of the answer). The caller
then hangs up and the SUT's ``call.ended`` is awaited before the next call, so calls never overlap
and the figures are those of an otherwise idle system.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, TypeVar

from harness.benchmarks import stats
from harness.benchmarks.rig import AGENT, CUSTOMER, Progress, Rig, open_rig
from harness.endpoints.events import AnswerSent, AudioHeard
from harness.runtime.cleanup import Cleanup
from harness.runtime.journal import Event, Match, WaitTimeout
from harness.sip import events as sip_events
from harness.sut.events import SutEvent

AIM_MS = 100.0
AIM = f"audio within {AIM_MS:g} ms of the answer on loopback"
ANSWER_TIMEOUT = 10.0  # dial to answer, ring included
AUDIO_TIMEOUT = 5.0  # past this, a direction counts as silent on that call
END_TIMEOUT = 10.0  # hang-up to the SUT's call.ended
MAX_CALLS = 10_000
GIVE_UP_AFTER = 3  # consecutive unanswered calls: the SUT is gone, the rest would only wait

#: Table row label -> (listener, speaker).
DIRECTIONS = {
    "customer hears agent": (CUSTOMER, AGENT),
    "agent hears customer": (AGENT, CUSTOMER),
}

E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class CallSample:
    """One call: None where nothing was observed in time."""

    sip_call_id: str
    call_id: str | None  # the SUT's Call ID
    answer_ms: float | None  # dial to the customer's 200 OK
    latency_ms: dict[str, float | None]  # direction label -> ms from the answer
    ended: bool  # the SUT reported call.ended
    seconds: float  # dial to call.ended (or to giving up)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sip_call_id": self.sip_call_id,
            "call_id": self.call_id,
            "answer_ms": self.answer_ms,
            "latency_ms": dict(self.latency_ms),
            "ended": self.ended,
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class CallsResult:
    """The calls of one benchmark run and what was found after it."""

    samples: tuple[CallSample, ...]
    seconds: float  # wall time of the whole call loop
    sut_version: str
    problems: tuple[str, ...] = ()  # leaks and failed cleanups, found after the run
    stopped: str = ""  # why the run stopped before its last call, if it did

    def direction(self, label: str) -> stats.Summary:
        """Latency statistics of one direction (a key of ``DIRECTIONS``) over every call."""
        return stats.Summary.of(s.latency_ms.get(label) for s in self.samples)

    @property
    def calls_per_minute(self) -> float | None:
        return stats.per_minute(len(self.samples), self.seconds)

    def aim_met(self) -> bool:
        """The median and the p95 of both directions are within the aim."""
        return all(
            self.direction(label).median_within(AIM_MS) and self.direction(label).p95_within(AIM_MS)
            for label in DIRECTIONS
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "sut_version": self.sut_version,
            "calls": len(self.samples),
            "answered": sum(1 for s in self.samples if s.answer_ms is not None),
            "ended": sum(1 for s in self.samples if s.ended),
            "seconds": self.seconds,
            "calls_per_minute": self.calls_per_minute,
            "aim": {"text": AIM, "bound_ms": AIM_MS, "met": self.aim_met()},
            "latency_ms": {label: self.direction(label).as_dict() for label in DIRECTIONS},
            "answer_ms": stats.Summary.of(s.answer_ms for s in self.samples).as_dict(),
            "stopped": self.stopped,
            "problems": list(self.problems),
            "samples": [s.as_dict() for s in self.samples],
        }


def _ms(value: float | None) -> str:
    return stats.MISSING if value is None else f"{value:.1f} ms"


def render_calls(result: CallsResult) -> str:
    """The figures of a call benchmark as printed."""
    bound = f"{AIM_MS:g} ms"
    header = ["direction", "n", "silent", "median ms", "p95 ms", "max ms",
              f"median <= {bound}", f"p95 <= {bound}"]  # fmt: skip
    rows = []
    for label in DIRECTIONS:
        s = result.direction(label)
        rows.append([
            label, str(s.n), str(s.missing), stats.number(s.median), stats.number(s.p95),
            stats.number(s.max), stats.yes_no(s.median_within(AIM_MS)),
            stats.yes_no(s.p95_within(AIM_MS)),
        ])  # fmt: skip
    samples = result.samples
    answered = sum(1 for s in samples if s.answer_ms is not None)
    ended = sum(1 for s in samples if s.ended)
    answer = stats.Summary.of(s.answer_ms for s in samples)
    lines = [
        f"calls: {len(samples)} placed one after another in {result.seconds:.1f} s, "
        f"{stats.number(result.calls_per_minute)} calls/min "
        f"({answered} answered, {ended} ended by the SUT; reference {result.sut_version})",
        "",
        stats.table(header, rows, "lrrrrrll"),
        "",
        f"dial to answer: median {_ms(answer.median)}, p95 {_ms(answer.p95)}",
        f"aim: {AIM}: {'met' if result.aim_met() else 'NOT met'} "
        "(median and p95, both directions; a silent call counts as beyond it)",
    ]
    if result.stopped:
        lines.append(f"incomplete: {result.stopped}")
    lines.extend(f"problem: {p}" for p in result.problems)
    return "\n".join(lines)


async def _wait(rig: Rig, match: Match[E], within: float, after: int) -> E | None:
    try:
        return await rig.journal.wait_for_async(match, within, after=after)
    except WaitTimeout:
        return None


async def one_call(rig: Rig) -> CallSample:
    """Dial, let the phone answer, take both latencies, hang up, await the SUT's call.ended."""
    loop = asyncio.get_running_loop()
    mark, started = rig.journal.position, loop.time()
    sip_call_id = await rig.caller.dial(rig.number_uri)
    call = rig.caller.calls[sip_call_id][0]
    answer_ms: float | None = None
    latency: dict[str, float | None] = dict.fromkeys(DIRECTIONS)
    try:
        outcome: sip_events.CallOutcome | None = await call.wait_outcome(ANSWER_TIMEOUT)
    except TimeoutError:
        outcome = None
    if isinstance(outcome, sip_events.Answered):
        answer_ms = (loop.time() - started) * 1000
        agent_leg = await _wait(rig, Match(AnswerSent, party=AGENT), AUDIO_TIMEOUT, mark)
        legs = {CUSTOMER: sip_call_id, AGENT: agent_leg.sip_call_id if agent_leg else None}
        waits = [
            _wait(rig, Match(AudioHeard, party=listener, heard=speaker, sip_call_id=legs[listener]),
                  AUDIO_TIMEOUT, mark)
            for listener, speaker in DIRECTIONS.values()
        ]  # fmt: skip
        for label, heard in zip(DIRECTIONS, await asyncio.gather(*waits), strict=True):
            if heard is not None:
                # Audio whose onset came before this party's own view of the answer (no latency,
                # or a negative one) was there at the answer: it counts as 0 ms.
                latency[label] = max(0.0, heard.latency_ms or 0.0)
    # An answered call was created long ago (only the event stream may lag); an unanswered one
    # may never have reached the SUT, so it gets a short look only.
    within = END_TIMEOUT if answer_ms is not None else 1.0
    created = await _wait(rig, Match(SutEvent, kind="call.created",
                                     data=lambda d: d.get("sip_call_id") == sip_call_id),
                          within, mark)  # fmt: skip
    call_id = created.call_id if created is not None else None
    ended = False
    try:
        await rig.caller.hangup(sip_call_id)
    except TimeoutError:
        pass  # not ended: the SUT's call.ended below decides what is counted
    if call_id is not None:
        ended_event = Match(SutEvent, kind="call.ended", call_id=call_id)
        ended = await _wait(rig, ended_event, END_TIMEOUT, mark) is not None
    seconds = loop.time() - started
    return CallSample(sip_call_id, call_id, answer_ms, latency, ended, seconds)


def _progress_line(index: int, count: int, sample: CallSample) -> str:
    if sample.answer_ms is None:
        return f"call {index}/{count}: not answered within {ANSWER_TIMEOUT:g} s"
    heard = ", ".join(
        f"{label} {stats.number(ms)} ms" if ms is not None else f"{label}: silent"
        for label, ms in sample.latency_ms.items()
    )
    end = "ended" if sample.ended else f"no call.ended within {END_TIMEOUT:g} s"
    return f"call {index}/{count}: {heard}; {end} after {sample.seconds:.2f} s"


async def bench_calls(count: int, progress: Progress, sut_url: str | None = None) -> CallsResult:
    """Place ``count`` calls one after another and measure each; everything is undone after."""
    if not 1 <= count <= MAX_CALLS:
        raise ValueError(f"--calls must be between 1 and {MAX_CALLS}, got {count}")
    cleanup = Cleanup()
    samples: list[CallSample] = []
    stopped = ""
    try:
        rig = await open_rig(cleanup, progress, sut_url)
        loop = asyncio.get_running_loop()
        progress(f"placing {count} calls one after another")
        started = loop.time()
        unanswered = 0
        for index in range(1, count + 1):
            sample = await one_call(rig)
            samples.append(sample)
            progress(_progress_line(index, count, sample))
            unanswered = unanswered + 1 if sample.answer_ms is None else 0
            if unanswered >= GIVE_UP_AFTER:
                stopped = (
                    f"stopped after {index} of {count} calls: {unanswered} unanswered in a row"
                )
                progress(stopped)
                break
        seconds = loop.time() - started
    finally:
        progress("cleaning up: calls, parties, the account, the reference")
        problems = await cleanup.run()
    problems.extend(rig.stage.leaks())
    return CallsResult(tuple(samples), seconds, rig.sut_version, tuple(problems), stopped)
