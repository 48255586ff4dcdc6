"""Steps for calls: customers dial numbers, agents answer, audio and the call log are checked.

Thin by design: each step parses its arguments and calls one helper in ``harness.scenario``.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario import stuck, verification
from harness.scenario.calls import RING_SETTLE, CallFlows
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.diagnosis import Diagnosis
from harness.scenario.distribution import DistributionAdmin, WidgetSpec
from harness.scenario.phrases import names, party_name
from harness.scenario.verification import TestCallOutcome
from harness.sut.model import MemberType


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
def number_assignment_out_of_sync(admin: DistributionAdmin, agent: str, number: str) -> None:
    admin.desynchronise(agent, number=number)


@given(parsers.parse('the assignment of "{agent}" to the team "{team}" is out of sync'))
def team_assignment_out_of_sync(admin: DistributionAdmin, agent: str, team: str) -> None:
    admin.desynchronise(agent, team=team)


@given(parsers.parse('a call to "{number}" answered by "{agent}" is a stuck answered call'))
def a_stuck_call(flows: CallFlows, number: str, agent: str) -> None:
    stuck.make_stuck_call(flows, number, agent)


# -- actions ---------------------------------------------------------------------------------------
@when(parsers.re(r'a customer calls "(?P<number>[^"]+)"$'))
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
def admin_removes_from_team(admin: DistributionAdmin, agent: str, team: str) -> None:
    admin.remove_from_team(agent, team)


@when(parsers.parse('the admin adds "{agent}" back to the team "{team}" at once'))
def admin_readds_to_team(admin: DistributionAdmin, agent: str, team: str) -> None:
    admin.add_to_team(agent, team)


@when(
    parsers.parse('{count:d} test calls to "{number}" are answered by "{agent}"'),
    target_fixture="test_calls",
)
def make_test_calls(flows: CallFlows, count: int, number: str, agent: str) -> list[TestCallOutcome]:
    return verification.run_test_calls(flows, count, number, agent, bound_ms=500)


# -- outcomes ----------------------------------------------------------------------------------
@then(parsers.re(r'the phones? of (?P<agents>"[^"]+"(?:(?:, | and )"[^"]+")*) rings?$'))
def phones_ring(flows: CallFlows, agents: str) -> None:
    for agent in names(agents):
        flows.wait_ringing(flows.last, agent)


@then(parsers.parse('the customer and "{agent}" hear each other within {bound:d} ms of the answer'))
def two_way_audio(flows: CallFlows, agent: str, bound: int) -> None:
    flows.expect_two_way_audio(flows.last, agent, bound)


@then(parsers.parse('the customer and "{agent}" keep hearing each other for {seconds:d} seconds'))
def sustained_audio(flows: CallFlows, agent: str, seconds: int) -> None:
    flows.expect_sustained_audio(flows.last, agent, seconds)


@when(parsers.re(r"(?P<party>the customer|\"[^\"]+\") puts the call on hold$"))
def puts_on_hold(flows: CallFlows, party: str) -> None:
    flows.hold(flows.last, party_name(party), held=True)


@when(parsers.re(r"(?P<party>the customer|\"[^\"]+\") takes the call off hold$"))
def takes_off_hold(flows: CallFlows, party: str) -> None:
    flows.hold(flows.last, party_name(party), held=False)


@then(parsers.parse('the customer and "{agent}" no longer hear each other within {bound:d} ms'))
def silenced(flows: CallFlows, agent: str, bound: int) -> None:
    flows.expect_silenced(flows.last, agent, bound)


@then(parsers.parse('the customer and "{agent}" hear each other again within {bound:d} ms'))
def heard_again(flows: CallFlows, agent: str, bound: int) -> None:
    flows.expect_heard_again(flows.last, agent, bound)


@then(parsers.parse('the phone of "{agent}" does not ring'))
def phone_does_not_ring(flows: CallFlows, agent: str) -> None:
    flows.rings_absent(flows.last, agent, within=RING_SETTLE)


@then(parsers.parse('the phone of "{agent}" rings once'))
def phone_rings_once(flows: CallFlows, agent: str) -> None:
    flows.expect_rings_once(flows.last, agent)


@then(parsers.parse('the call is logged as Answered by "{agent}"'))
def logged_answered(flows: CallFlows, agent: str) -> None:
    flows.expect_logged_answered(flows.last, agent)


@then("the call is logged as Missed")
def logged_missed(flows: CallFlows) -> None:
    flows.expect_logged_missed(flows.last)


@then("the call is recognised as a stuck answered call", target_fixture="diagnosis")
def recognised_stuck(flows: CallFlows) -> Diagnosis:
    return stuck.expect_recognised_stuck(flows, flows.last)


@then("the customer hears silence")
def customer_hears_silence(flows: CallFlows) -> None:
    stuck.expect_hears_nothing(flows, flows.last, CUSTOMER)


@then(parsers.parse('"{agent}" hears nothing from the customer'))
def agent_hears_nothing(flows: CallFlows, agent: str) -> None:
    stuck.expect_hears_nothing(flows, flows.last, agent)


@then(
    parsers.re(
        r"the diagnosis reports an answer attempt by (?P<agents>.+), none of them registered$"
    )
)
def diagnosis_attempts(diagnosis: Diagnosis, agents: str) -> None:
    stuck.expect_unregistered_attempts(diagnosis, names(agents))


@then(parsers.re(r"the call timeline says that (?P<agents>.+) did not answer$"))
def timeline_did_not_answer(flows: CallFlows, agents: str) -> None:
    stuck.expect_timeline_did_not_answer(flows, flows.last, names(agents))


@then(
    parsers.parse(
        'each of them rang the phone of "{agent}", had two-way audio '
        "within {bound:d} ms of the answer "
        "and is logged as Answered"
    )
)
def each_verified(
    test_calls: list[TestCallOutcome], flows: CallFlows, agent: str, bound: int
) -> None:
    verification.expect_each_verified(flows, test_calls, agent, bound)


@then("each of them is recognised as a stuck answered call")
def each_stuck(test_calls: list[TestCallOutcome]) -> None:
    verification.expect_each_stuck(test_calls)


@then(parsers.parse("the Call IDs of the {count:d} failing calls are collected for support"))
def call_ids_for_support(test_calls: list[TestCallOutcome], flows: CallFlows, count: int) -> None:
    verification.collect_failing_for_support(flows, test_calls, count)


@then(parsers.parse('the call distribution of "{number}" has not drifted'))
def no_drift(admin: DistributionAdmin, number: str) -> None:
    admin.expect_no_drift(number)


@then(
    parsers.parse(
        '"{agent}" is in Ring to widget {widget:d} of "{number}" '
        "with a ring time of {ring_time:d} seconds"
    )
)
def agent_in_widget(
    admin: DistributionAdmin, agent: str, widget: int, number: str, ring_time: int
) -> None:
    admin.expect_in_widget(number, agent, widget, ring_time)
