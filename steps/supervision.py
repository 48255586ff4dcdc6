"""Steps for supervisors acting on live calls from the monitoring pages (CC-END, CC-MON).

Thin by design: each step parses its arguments and calls one helper in ``harness.scenario``.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.calls import CallFlows
from harness.scenario.dashboard import DashboardUsers
from harness.scenario.monitoring import MonitoringDesk
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


@then(parsers.parse('ending the call is refused naming "{words}"'))
def end_refused_ended(supervision_desk: SupervisionDesk, words: str) -> None:
    supervision_desk.expect_refusal_named(words)


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


# -- silent monitoring (CC-MON-1 to 4) ------------------------------------------------------------
@given(
    parsers.re(
        r"(?:an? )?(?P<role>supervisor|manager|admin)s? (?P<users>.+) with (?:a )?SIP phones?$"
    )
)
def users_with_phones(monitoring: MonitoringDesk, role: str, users: str) -> None:
    for name in names(users):
        monitoring.add_user_with_phone(name, role)


@given(parsers.parse('a user "{name}" with the role "{role}" and a SIP phone'))
def user_of_custom_role_with_phone(monitoring: MonitoringDesk, name: str, role: str) -> None:
    monitoring.add_user_with_phone(name, role)


@when(parsers.parse('"{user}" monitors the call from her SIP phone'))
def monitors(monitoring: MonitoringDesk, flows: CallFlows, user: str) -> None:
    monitoring.monitor(flows.last, user)


@when(parsers.parse('"{user}" tries to monitor the call'))
def tries_to_monitor(monitoring: MonitoringDesk, flows: CallFlows, user: str) -> None:
    monitoring.try_monitor(flows.last, user)


@when(parsers.parse('"{user}" stops monitoring'))
def stops_monitoring(monitoring: MonitoringDesk, flows: CallFlows, user: str) -> None:
    monitoring.stop(flows.last, user)


@then(parsers.re(r'"(?P<user>[^"]+)" hears (?P<speakers>.+) within (?P<bound>\d+) ms$'))
def hears(monitoring: MonitoringDesk, user: str, speakers: str, bound: str) -> None:
    said = [s.strip() for s in speakers.replace('"', "").split(" and ")]
    monitoring.expect_hears(user, said, int(bound))


@then(parsers.parse('"{user}" keeps hearing the call for {seconds:d} seconds'))
def keeps_hearing(monitoring: MonitoringDesk, user: str, seconds: int) -> None:
    monitoring.expect_keeps_hearing(user, seconds)


@then(parsers.parse('neither the customer nor "{agent}" hears "{user}"'))
def unheard(monitoring: MonitoringDesk, flows: CallFlows, agent: str, user: str) -> None:
    monitoring.expect_unheard(flows.last, user, agent)


@then(
    parsers.re(
        r'nothing reveals the monitoring by (?P<users>.+) to "(?P<agent>[^"]+)" '
        r"or to the customer$"
    )
)
def unnoticed(monitoring: MonitoringDesk, flows: CallFlows, users: str, agent: str) -> None:
    monitoring.expect_unnoticed(flows.last, agent, *names(users))


@then(parsers.parse('the contact center ends the leg of "{user}" within {bound:d} ms'))
def leg_ended(monitoring: MonitoringDesk, user: str, bound: int) -> None:
    monitoring.expect_leg_ended(user, bound)


@then(parsers.parse('monitoring by "{user}" is refused naming "{words}"'))
def monitoring_refused(monitoring: MonitoringDesk, user: str, words: str) -> None:
    monitoring.expect_refused(user, words)


# -- the dashboard's Connected page and call details (CC-MON-5, 7) ------------------------------
@given(parsers.parse('"{user}" has a SIP phone registered'))
def has_phone(monitoring: MonitoringDesk, user: str) -> None:
    monitoring.add_phone(user)


@when(parsers.parse('"{user}" monitors the call from the dashboard\'s Connected page'))
def monitors_on_page(
    monitoring: MonitoringDesk, dashboard_users: DashboardUsers, flows: CallFlows, user: str
) -> None:
    monitoring.monitor_on_page(dashboard_users.page(user), flows.last, user)


@when(parsers.parse('"{user}" stops monitoring on the dashboard\'s Connected page'))
def stops_on_page(
    monitoring: MonitoringDesk, dashboard_users: DashboardUsers, flows: CallFlows, user: str
) -> None:
    monitoring.stop_on_page(dashboard_users.page(user), flows.last, user)


@then(
    parsers.re(
        r'the call details "(?P<user>[^"]+)" opens show the metrics, (?P<transfer>no transfer|'
        r'the transfer from "(?P<by>[^"]+)"), the customer and "(?P<agent>[^"]+)" as '
        r"participants, and (?P<listen>Listen|no Listen)$"
    )
)
def call_details(
    monitoring: MonitoringDesk,
    dashboard_users: DashboardUsers,
    flows: CallFlows,
    user: str,
    transfer: str,
    by: str | None,
    agent: str,
    listen: str,
) -> None:
    monitoring.expect_details(
        dashboard_users.page(user),
        flows.last,
        agent,
        transferred_from=by,
        listen=listen == "Listen",
    )


# -- the dashboard's Agents page (CC-MON-8) -------------------------------------------------------
@when(
    parsers.re(
        r'"(?P<user>[^"]+)" monitors "(?P<agent>[^"]+)" from the dashboard\'s Agents page'
        r"(?P<details> through the call details)?$"
    )
)
def monitors_agent(
    monitoring: MonitoringDesk,
    dashboard_users: DashboardUsers,
    user: str,
    agent: str,
    details: str | None,
) -> None:
    monitoring.monitor_agent(dashboard_users.page(user), user, agent, from_details=bool(details))


@when(parsers.parse('"{user}" stops monitoring "{agent}" on the dashboard\'s Agents page'))
def stops_agent(
    monitoring: MonitoringDesk, dashboard_users: DashboardUsers, user: str, agent: str
) -> None:
    monitoring.stop_agent(dashboard_users.page(user), user, agent)
