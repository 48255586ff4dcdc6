"""Steps for calls: customers dial numbers, agents answer, audio and the call log are checked.

Thin by design: each step parses its arguments and calls one helper in ``harness.scenario``.
"""

from __future__ import annotations

import json

import pytest
from pytest_bdd import given, parsers, then, when

from harness.endpoints.events import AudioHeard
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match
from harness.scenario.calls import CallFlows, TestCallOutcome, run_test_call
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.diagnosis import Diagnosis
from harness.scenario.distribution import DistributionAdmin, WidgetSpec
from harness.sut.model import MemberType
from steps.common import names


def party_name(text: str) -> str:
    """'the customer' -> the customer's cast name; '"Alice"' -> 'Alice'."""
    return CUSTOMER if text == "the customer" else text.strip('"')


SILENCE_WINDOW = 1.0  # s of listening, after the answer, before "hears nothing" is concluded
#: Once one phone rang for a call, how long another ring would have to come: simultaneous
#: ringing offers the call to every phone at once, so a second offer comes within milliseconds.
RING_SETTLE = 1.0


@pytest.fixture
def admin(cast: Cast) -> DistributionAdmin:
    return DistributionAdmin(cast)


# -- the account's set-up -----------------------------------------------------------------------
@given(parsers.parse('"{agent}" is in the Ring to widget of "{number}"'))
def agent_in_ring_to(admin: DistributionAdmin, agent: str, number: str) -> None:
    admin.add(number, "user", agent)


@given(parsers.re(r'a team "(?P<team>[^"]+)" with (?P<members>.+)$'))
def a_team(cast: Cast, team: str, members: str) -> None:
    cast.add_team(team, names(members))


@given(parsers.parse('the team "{team}" is in the Ring to widget of "{number}"'))
def team_in_ring_to(admin: DistributionAdmin, team: str, number: str) -> None:
    admin.add(number, "team", team)


@given(parsers.parse('the call distribution of "{number}" is:'))
def distribution_is(admin: DistributionAdmin, number: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    col = {name.strip(): i for i, name in enumerate(header)}
    widgets = []
    for row in sorted(rows, key=lambda r: int(r[col["widget"]])):
        members: list[tuple[MemberType, str]] = [("user", n) for n in names(row[col["members"]])]
        widgets.append(
            WidgetSpec(int(row[col["ring time"]]), row[col["strategy"]].strip(), tuple(members))
        )
    admin.configure(number, widgets)


@given(parsers.parse('the assignment of "{agent}" to "{number}" is out of sync'))
def number_assignment_out_of_sync(cast: Cast, agent: str, number: str) -> None:
    faults = cast.tenant.faults
    assert faults is not None, "scenario needs @needs:faults"
    cast.portal.run(faults.desynchronise_assignment(cast.agent(agent), number=cast.number(number)))


@given(parsers.parse('the assignment of "{agent}" to the team "{team}" is out of sync'))
def team_assignment_out_of_sync(cast: Cast, agent: str, team: str) -> None:
    faults = cast.tenant.faults
    assert faults is not None, "scenario needs @needs:faults"
    cast.portal.run(faults.desynchronise_assignment(cast.agent(agent), team=cast.team(team)))


@given(parsers.parse('a call to "{number}" answered by "{agent}" is a stuck answered call'))
def a_stuck_call(flows: CallFlows, number: str, agent: str) -> None:
    call = flows.dial(number)
    flows.answer(call, agent)
    diagnosis = flows.diagnose(call, silence_window=SILENCE_WINDOW)
    assert diagnosis.stuck, f"the fault did not show: {diagnosis.describe()}"
    flows.hang_up(call)
    flows.log_entry(call, final=True)


# -- actions ---------------------------------------------------------------------------------------
@when(parsers.parse('a customer calls "{number}"'))
def customer_calls(flows: CallFlows, number: str) -> None:
    flows.dial(number)


@when(parsers.parse('"{agent}" answers the call'))
def agent_answers(flows: CallFlows, agent: str) -> None:
    flows.answer(flows.last, agent)


@when("the customer hangs up")
def customer_hangs_up(flows: CallFlows) -> None:
    flows.hang_up(flows.last)


@when(
    parsers.re(
        r'the admin removes "(?P<agent>[^"]+)" from (?:the )?Ring to widget '
        r'(?:(?P<widget>\d+) )?of "(?P<number>[^"]+)"'
    )
)
def admin_removes_from_ring_to(
    admin: DistributionAdmin, agent: str, widget: str | None, number: str
) -> None:
    admin.remove(number, "user", agent, int(widget) - 1 if widget else 0)


@when(
    parsers.re(
        r'the admin adds "(?P<agent>[^"]+)" back to (?:the )?Ring to widget '
        r'(?:(?P<widget>\d+) )?of "(?P<number>[^"]+)" at once'
    )
)
def admin_readds_to_ring_to(
    admin: DistributionAdmin, agent: str, widget: str | None, number: str
) -> None:
    admin.add(number, "user", agent, int(widget) - 1 if widget else 0)


@when(parsers.parse('the admin removes "{agent}" from the team "{team}"'))
def admin_removes_from_team(cast: Cast, agent: str, team: str) -> None:
    cast.portal.run(cast.directory.remove_from_team(cast.team(team), cast.agent(agent)))


@when(parsers.parse('the admin adds "{agent}" back to the team "{team}" at once'))
def admin_readds_to_team(cast: Cast, agent: str, team: str) -> None:
    cast.portal.run(cast.directory.add_to_team(cast.team(team), cast.agent(agent)))


@when(
    parsers.parse('{count:d} test calls to "{number}" are answered by "{agent}"'),
    target_fixture="test_calls",
)
def make_test_calls(flows: CallFlows, count: int, number: str, agent: str) -> list[TestCallOutcome]:
    return [run_test_call(flows, number, agent, bound_ms=500) for _ in range(count)]


# -- outcomes ----------------------------------------------------------------------------------
@then(parsers.re(r'the phones? of (?P<agents>"[^"]+"(?:(?:, | and )"[^"]+")*) rings?$'))
def phones_ring(flows: CallFlows, agents: str) -> None:
    for agent in names(agents):
        flows.wait_ringing(flows.last, agent)


@then(parsers.parse('the customer and "{agent}" hear each other within {bound:d} ms of the answer'))
def two_way_audio(flows: CallFlows, agent: str, bound: int) -> None:
    problem = flows.two_way_audio(flows.last, agent, bound)
    if problem:
        raise ConformanceFailure((), f"two-way audio within {bound} ms of the answer", problem)


@then(parsers.parse('the customer and "{agent}" keep hearing each other for {seconds:d} seconds'))
def sustained_audio(flows: CallFlows, agent: str, seconds: int) -> None:
    problems = flows.drop_outs(flows.last, agent, seconds)
    if problems:
        raise ConformanceFailure(
            (), f"two-way audio for {seconds} s without a break", "; ".join(problems)
        )


@when(parsers.re(r"(?P<party>the customer|\"[^\"]+\") puts the call on hold$"))
def puts_on_hold(flows: CallFlows, party: str) -> None:
    flows.hold(flows.last, party_name(party), held=True)


@when(parsers.re(r"(?P<party>the customer|\"[^\"]+\") takes the call off hold$"))
def takes_off_hold(flows: CallFlows, party: str) -> None:
    flows.hold(flows.last, party_name(party), held=False)


@then(parsers.parse('the customer and "{agent}" no longer hear each other within {bound:d} ms'))
def silenced(flows: CallFlows, agent: str, bound: int) -> None:
    problem = flows.silenced(flows.last, agent, bound / 1000)
    if problem:
        raise ConformanceFailure((), f"silence both ways within {bound} ms of the hold", problem)


@then(parsers.parse('the customer and "{agent}" hear each other again within {bound:d} ms'))
def heard_again(flows: CallFlows, agent: str, bound: int) -> None:
    problem = flows.heard_again(flows.last, agent, bound)
    if problem:
        raise ConformanceFailure((), f"two-way audio within {bound} ms of the resume", problem)


@then(parsers.parse('the phone of "{agent}" does not ring'))
def phone_does_not_ring(flows: CallFlows, agent: str) -> None:
    flows.rings_absent(flows.last, agent, within=RING_SETTLE)


@then(parsers.parse('the phone of "{agent}" rings once'))
def phone_rings_once(flows: CallFlows, agent: str) -> None:
    count = flows.ring_count(flows.last, agent, settle=RING_SETTLE)
    if count != 1:
        raise ConformanceFailure((), f"one call offered to {agent}'s phone", f"{count} calls")


@then(parsers.parse('the call is logged as Answered by "{agent}"'))
def logged_answered(flows: CallFlows, cast: Cast, agent: str) -> None:
    entry = flows.log_entry(flows.last, final=True)
    if entry.status != "answered" or entry.answered_by != cast.agent(agent).id:
        credited = cast.agent_names().get(entry.answered_by or "", entry.answered_by)
        raise ConformanceFailure(
            (),
            f"status answered by {agent}",
            f"status {entry.status!r}, answered by {credited or 'nobody'}",
        )


@then("the call is logged as Missed")
def logged_missed(flows: CallFlows) -> None:
    entry = flows.log_entry(flows.last, final=True)
    if entry.status != "missed":
        raise ConformanceFailure((), "status missed", f"status {entry.status!r}")


@then("the call is recognised as a stuck answered call", target_fixture="diagnosis")
def recognised_stuck(flows: CallFlows) -> Diagnosis:
    diagnosis = flows.diagnose(flows.last, silence_window=SILENCE_WINDOW)
    assert diagnosis.stuck, f"the harness did not recognise the signature: {diagnosis.describe()}"
    return diagnosis


@then("the customer hears silence")
def customer_hears_silence(flows: CallFlows, cast: Cast) -> None:
    call = flows.last
    match = Match(AudioHeard, party=CUSTOMER, sip_call_id=call.sip_call_id)
    cast.journal.expect_absent(match, within=SILENCE_WINDOW, after=call.dialled_at)


@then(parsers.parse('"{agent}" hears nothing from the customer'))
def agent_hears_nothing(flows: CallFlows, cast: Cast, agent: str) -> None:
    call = flows.last
    match = Match(AudioHeard, party=agent, heard=CUSTOMER, sip_call_id=call.agent_legs[agent])
    cast.journal.expect_absent(match, within=SILENCE_WINDOW, after=call.dialled_at)


@then(
    parsers.re(
        r"the diagnosis reports an answer attempt by (?P<agents>.+), none of them registered$"
    )
)
def diagnosis_attempts(diagnosis: Diagnosis, agents: str) -> None:
    seen = {a.agent: a.registered for a in diagnosis.attempts}
    for agent in names(agents):
        assert agent in seen, f"no answer attempt by {agent} in {diagnosis.describe()}"
        assert seen[agent] is False, (
            f"the attempt by {agent} is not reported as unregistered: {diagnosis.describe()}"
        )


@then(parsers.re(r"the call timeline says that (?P<agents>.+) did not answer$"))
def timeline_did_not_answer(flows: CallFlows, agents: str) -> None:
    diagnosis = flows.diagnose(flows.last, silence_window=0.0)
    missing = [a for a in names(agents) if a not in diagnosis.did_not_answer]
    if missing:
        raise ConformanceFailure(
            (),
            f"a timeline entry saying {' and '.join(missing)} did not answer",
            diagnosis.describe(),
        )


@then(
    parsers.parse(
        'each of them rang the phone of "{agent}", had two-way audio '
        "within {bound:d} ms of the answer "
        "and is logged as Answered"
    )
)
def each_verified(test_calls: list[TestCallOutcome], cast: Cast, agent: str, bound: int) -> None:
    problems = []
    for n, outcome in enumerate(test_calls, 1):
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
                if ms is None or ms > bound:
                    problems.append(f"call {n}: {what} after {ms} ms (bound {bound} ms)")
        if entry is None or entry.status != "answered" or entry.answered_by != cast.agent(agent).id:
            status = entry.status if entry else "no log entry"
            problems.append(f"call {n}: logged as {status!r}, expected answered by {agent}")
    if problems:
        raise ConformanceFailure((), "every test call verified", "; ".join(problems))


@then("each of them is recognised as a stuck answered call")
def each_stuck(test_calls: list[TestCallOutcome]) -> None:
    for n, outcome in enumerate(test_calls, 1):
        assert outcome.diagnosis is not None and outcome.diagnosis.stuck, (
            f"call {n} was not recognised as stuck: "
            f"{outcome.diagnosis.describe() if outcome.diagnosis else 'it had two-way audio'}"
        )


@then(parsers.parse("the Call IDs of the {count:d} failing calls are collected for support"))
def call_ids_for_support(test_calls: list[TestCallOutcome], cast: Cast, count: int) -> None:
    from harness.evidence.collector import SupportCase

    failing = [o for o in test_calls if o.diagnosis is not None and o.diagnosis.stuck]
    assert len(failing) == count, f"{len(failing)} failing calls, expected {count}"
    cases = [
        SupportCase(
            o.entry.call_id if o.entry else "?",
            [o.call.sip_call_id],
            o.diagnosis.describe() if o.diagnosis else "",
        )
        for o in failing
    ]
    bundle = cast.evidence.collect_for_support(cases)
    written = json.loads(bundle.read_text())
    ids = [c["call_id"] for c in written["calls"]]
    for o in failing:
        assert o.entry is not None and o.entry.call_id in ids, (
            f"{o.call.sip_call_id} missing from {bundle}"
        )
        known = cast.portal.run(cast.observation.call(o.entry.call_id))  # support can look it up
        assert o.call.sip_call_id in known.sip_call_ids


@then(parsers.parse('the call distribution of "{number}" has not drifted'))
def no_drift(admin: DistributionAdmin, number: str) -> None:
    drift = admin.drift(number)
    if drift:
        raise ConformanceFailure((), "the same Ring to widgets and settings", "; ".join(drift))


@then(
    parsers.parse(
        '"{agent}" is in Ring to widget {widget:d} of "{number}" '
        "with a ring time of {ring_time:d} seconds"
    )
)
def agent_in_widget(
    admin: DistributionAdmin, cast: Cast, agent: str, widget: int, number: str, ring_time: int
) -> None:
    dist = admin.read(number)
    where = dist.widgets_with("user", cast.agent(agent).id)
    assert where == [widget - 1], (
        f"{agent} is in widget(s) {[w + 1 for w in where]}, expected {widget}"
    )
    assert dist.widgets[widget - 1].ring_time == ring_time, dist.widgets[widget - 1]
