"""The stuck answered call: the SUT says Answered but no audio flows (AC-ANS-6, AC-ANS-7).

The signature is matched by :func:`harness.scenario.diagnosis.diagnose` over every party's view
of the call; the checks here are the verdicts the features ask for.
"""

from __future__ import annotations

from harness.endpoints.events import AudioHeard
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, UnexpectedEvent
from harness.scenario.calls import CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER
from harness.scenario.diagnosis import Diagnosis

SILENCE_WINDOW = 1.0  # s of listening, after the answer, before "hears nothing" is concluded


def make_stuck_call(flows: CallFlows, number: str, agent: str) -> PlacedCall:
    """A call to ``number`` answered by ``agent`` that the injected fault leaves stuck, ended
    and logged, so a later call can be compared with it."""
    call = flows.dial(number)
    flows.answer(call, agent)
    diagnosis = flows.diagnose(call, silence_window=SILENCE_WINDOW)
    if not diagnosis.stuck:
        raise ConformanceFailure(
            (), "the injected fault to leave a stuck answered call", diagnosis.describe()
        )
    flows.hang_up(call)
    flows.log_entry(call, final=True)
    return call


def expect_recognised_stuck(flows: CallFlows, call: PlacedCall) -> Diagnosis:
    """The call shows the stuck signature; returns the diagnosis for the steps after."""
    diagnosis = flows.diagnose(call, silence_window=SILENCE_WINDOW)
    if not diagnosis.stuck:
        raise ConformanceFailure((), "the signature of a stuck answered call", diagnosis.describe())
    return diagnosis


def expect_hears_nothing(flows: CallFlows, call: PlacedCall, listener: str) -> None:
    """``listener`` (the customer, or an agent hearing the customer) hears no one for
    :data:`SILENCE_WINDOW` s of the call."""
    if listener == CUSTOMER:
        match = Match(AudioHeard, party=CUSTOMER, sip_call_id=call.sip_call_id)
        expected = "the customer to hear silence"
    else:
        leg = call.agent_legs[listener]
        match = Match(AudioHeard, party=listener, heard=CUSTOMER, sip_call_id=leg)
        expected = f"{listener} to hear nothing from the customer"
    try:
        flows.journal.expect_absent(match, within=SILENCE_WINDOW, after=call.dialled_at)
    except UnexpectedEvent as exc:
        raise ConformanceFailure((), expected, str(exc)) from None


def expect_unregistered_attempts(diagnosis: Diagnosis, agents: list[str]) -> None:
    """The diagnosis reports an answer attempt by each of ``agents``, none of them registered."""
    seen = {a.agent: a.registered for a in diagnosis.attempts}
    problems = [
        f"no answer attempt by {agent}"
        if agent not in seen
        else f"the attempt by {agent} is not reported as unregistered"
        for agent in agents
        if seen.get(agent, True) is not False
    ]
    if problems:
        raise ConformanceFailure(
            (),
            f"an unregistered answer attempt by {' and '.join(agents)}",
            "; ".join(problems) + f" ({diagnosis.describe()})",
        )


def expect_timeline_did_not_answer(flows: CallFlows, call: PlacedCall, agents: list[str]) -> None:
    """The call's timeline says that each of ``agents`` did not answer."""
    diagnosis = flows.diagnose(call, silence_window=0.0)
    missing = [a for a in agents if a not in diagnosis.did_not_answer]
    if missing:
        raise ConformanceFailure(
            (),
            f"a timeline entry saying {' and '.join(missing)} did not answer",
            diagnosis.describe(),
        )
