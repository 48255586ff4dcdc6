"""Steps for supervisors acting on live calls from the monitoring pages (CC-END, CC-MON).

Thin by design: each step parses its arguments and calls one helper in ``harness.scenario``.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.calls import CallFlows
from harness.scenario.dashboard import DashboardUsers
from harness.scenario.phrases import names
from harness.scenario.supervision import SupervisionDesk


@given(parsers.re(r'an? (?P<role>admin|manager|supervisor) "(?P<name>[^"]+)" in the account$'))
def a_user_of_role(supervision_desk: SupervisionDesk, role: str, name: str) -> None:
    supervision_desk.add_user(name, role)


@given(
    parsers.re(
        r'a custom role "(?P<role>[^"]+)": (?P<base>agent|supervisor|manager) with '
        r'"(?P<permission>[^"]+)" added$'
    )
)
def a_custom_role(supervision_desk: SupervisionDesk, role: str, base: str, permission: str) -> None:
    supervision_desk.add_custom_role(role, base, [permission])


@given(parsers.parse('a user "{name}" with the role "{role}"'))
def a_user_with_custom_role(supervision_desk: SupervisionDesk, name: str, role: str) -> None:
    supervision_desk.add_user(name, role)


@when(parsers.re(r'"(?P<user>[^"]+)" ends the call from the (?:Queued|Connected) page$'))
def ends_call(supervision_desk: SupervisionDesk, flows: CallFlows, user: str) -> None:
    supervision_desk.end_call(flows.last, user)


@when(parsers.re(r'"(?P<user>[^"]+)" tries to end the call from the (?:Queued|Connected) page$'))
def tries_to_end_call(supervision_desk: SupervisionDesk, flows: CallFlows, user: str) -> None:
    supervision_desk.end_call(flows.last, user, expect_refusal=True)


@then(
    parsers.re(
        r"the contact center ends the call of the customer and of (?P<agents>.+) "
        r"within (?P<bound>\d+) ms$"
    )
)
def call_ended(
    supervision_desk: SupervisionDesk, flows: CallFlows, agents: str, bound: str
) -> None:
    supervision_desk.expect_ended(flows.last, names(agents), int(bound))


@then(parsers.parse('the call is logged as {status} and ended by "{user}"'))
def logged_end(supervision_desk: SupervisionDesk, flows: CallFlows, status: str, user: str) -> None:
    supervision_desk.expect_logged_end(flows.last, user, status.lower())


@then(parsers.parse('ending the call is refused naming "{words}", and the call goes on'))
def end_refused(supervision_desk: SupervisionDesk, flows: CallFlows, words: str) -> None:
    supervision_desk.expect_refused(flows.last, words)


@when(
    parsers.re(
        r'"(?P<user>[^"]+)" (?P<verb>ends|tries to end) the call on the dashboard\'s '
        r"(?P<page>Queued|Connected) page$"
    )
)
def ends_call_on_page(
    supervision_desk: SupervisionDesk,
    dashboard_users: DashboardUsers,
    flows: CallFlows,
    user: str,
    verb: str,
    page: str,
) -> None:
    supervision_desk.end_call_on_page(
        dashboard_users.page(user), flows.last, user, page.lower(), expect_refusal=verb != "ends"
    )
