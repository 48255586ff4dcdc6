"""The verification procedure (AC-ANS-9): test calls to a number, each judged on its own.

Each test call records what happened and never stops at the first problem, so a failing call
still yields its evidence and its diagnosis; the verdicts come after, over all the calls.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConformanceFailure
from harness.evidence.collector import SupportCase
from harness.scenario.calls import AUDIO_GRACE, CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER
from harness.scenario.diagnosis import Diagnosis
from harness.sut.model import CallLogEntry


@dataclass
class TestCallOutcome:
    """What one test call showed: whether the phone rang, each direction's latency, the log."""

    __test__ = False  # a record, not a pytest test class, whatever its name

    call: PlacedCall
    rang: bool
    caller_hears_agent_ms: float | None
    agent_hears_caller_ms: float | None
    entry: CallLogEntry | None
    diagnosis: Diagnosis | None


def run_test_call(flows: CallFlows, number: str, agent: str, bound_ms: float) -> TestCallOutcome:
    """One call of the verification procedure: ring, answer, listen, hang up, log."""
    call = flows.dial(number)
    try:
        flows.wait_ringing(call, agent)
    except ConformanceFailure:
        flows.hang_up(call)
        return TestCallOutcome(call, False, None, None, flows.log_entry(call, final=True), None)
    flows.answer(call, agent)
    deadline = time.monotonic() + bound_ms / 1000 + AUDIO_GRACE  # one window for both directions
    to_agent = flows.heard(call, CUSTOMER, agent, max(0.0, deadline - time.monotonic()))
    to_caller = flows.heard(call, agent, CUSTOMER, max(0.0, deadline - time.monotonic()))
    flows.hang_up(call)
    entry = flows.log_entry(call, final=True)
    diagnosis = None
    if to_agent is None or to_caller is None:  # judged with the final status known
        diagnosis = flows.diagnose(call, silence_window=0.0)
    return TestCallOutcome(call, True, to_agent, to_caller, entry, diagnosis)


def run_test_calls(
    flows: CallFlows, count: int, number: str, agent: str, bound_ms: float
) -> list[TestCallOutcome]:
    """``count`` test calls to ``number``, one after the other, each answered by ``agent``."""
    return [run_test_call(flows, number, agent, bound_ms) for _ in range(count)]


def expect_each_verified(
    flows: CallFlows, outcomes: list[TestCallOutcome], agent: str, bound_ms: int
) -> None:
    """Every test call rang ``agent``, had two-way audio within ``bound_ms`` of the answer and
    is logged as answered by ``agent``; otherwise each call's problems, numbered."""
    problems = verification_problems(outcomes, agent, flows.cast.agent(agent).id, bound_ms)
    if problems:
        raise ConformanceFailure((), "every test call verified", "; ".join(problems))


def verification_problems(
    outcomes: list[TestCallOutcome], agent: str, agent_id: str, bound_ms: int
) -> list[str]:
    """What went wrong on each test call, numbered from 1; empty when every call passed."""
    problems = []
    for n, outcome in enumerate(outcomes, 1):
        entry = outcome.entry
        if not outcome.rang:
            problems.append(f"call {n}: the phone of {agent} did not ring")
        elif outcome.diagnosis is not None:
            problems.append(f"call {n}: {outcome.diagnosis.describe()}")
        else:
            for what, ms in (
                ("the customer hears the agent", outcome.caller_hears_agent_ms),
                ("the agent hears the customer", outcome.agent_hears_caller_ms),
            ):
                if ms is None or ms > bound_ms:
                    problems.append(f"call {n}: {what} after {ms} ms (bound {bound_ms} ms)")
        if entry is None or entry.status != "answered" or entry.answered_by != agent_id:
            status = entry.status if entry else "no log entry"
            problems.append(f"call {n}: logged as {status!r}, expected answered by {agent}")
    return problems


def expect_each_stuck(outcomes: list[TestCallOutcome]) -> None:
    """Every test call shows the signature of a stuck answered call."""
    problems = [
        f"call {n}: "
        + (outcome.diagnosis.describe() if outcome.diagnosis else "it had two-way audio")
        for n, outcome in enumerate(outcomes, 1)
        if outcome.diagnosis is None or not outcome.diagnosis.stuck
    ]
    if problems:
        raise ConformanceFailure(
            (), "each test call recognised as a stuck answered call", "; ".join(problems)
        )


def collect_failing_for_support(
    flows: CallFlows, outcomes: list[TestCallOutcome], count: int
) -> Path:
    """The ``count`` failing calls go to support as one bundle, each under the SUT's Call ID,
    and support can look each of them up by that ID; returns the bundle."""
    failing = [o for o in outcomes if o.diagnosis is not None and o.diagnosis.stuck]
    if len(failing) != count:
        raise ConformanceFailure((), f"{count} failing calls", f"{len(failing)}")
    cases = [
        SupportCase(
            o.entry.call_id if o.entry else "?",
            [o.call.sip_call_id],
            o.diagnosis.describe() if o.diagnosis else "",
        )
        for o in failing
    ]
    bundle = flows.evidence.collect_for_support(cases)
    written = [c["call_id"] for c in json.loads(bundle.read_text())["calls"]]
    for o in failing:
        if o.entry is None or o.entry.call_id not in written:
            raise ConformanceFailure(
                (),
                f"the Call ID of {o.call.sip_call_id} in the support bundle {bundle}",
                f"Call IDs {written}",
            )
        known = flows.portal.run(flows.observation.call(o.entry.call_id))
        if o.call.sip_call_id not in known.sip_call_ids:
            raise ConformanceFailure(
                (),
                f"the call {o.entry.call_id} found by support to hold {o.call.sip_call_id}",
                f"SIP Call-IDs {known.sip_call_ids}",
            )
    return bundle
