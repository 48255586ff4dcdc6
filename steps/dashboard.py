"""Steps for the dashboard in a real browser; each calls one method of
:class:`harness.scenario.dashboard.DashboardUsers`."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.calls import RING_SETTLE, CallFlows
from harness.scenario.dashboard import DashboardUsers, expect_no_phone_rings
from harness.scenario.distribution import DistributionAdmin
from harness.sut.model import MemberType

MEMBER = r'(?:the team "(?P<team>[^"]+)"|"(?P<user>[^"]+)")'


def _member(team: str | None, user: str | None) -> tuple[MemberType, str]:
    if team is not None:
        return "team", team
    assert user is not None  # the pattern matches one or the other
    return "user", user


@given(parsers.re(r'an? (?P<role>admin|manager) "(?P<name>[^"]+)" is signed in to the dashboard$'))
def signed_in(dashboard_users: DashboardUsers, role: str, name: str) -> None:
    dashboard_users.sign_in(name, role)


@when(parsers.re(r'an? (?P<role>agent|supervisor) "(?P<name>[^"]+)" signs in to the dashboard$'))
def tries_to_sign_in(dashboard_users: DashboardUsers, role: str, name: str) -> None:
    dashboard_users.try_sign_in(name, role)


@given(parsers.parse('"{who}" has the call distribution of "{number}" open in the dashboard'))
def distribution_open(dashboard_users: DashboardUsers, who: str, number: str) -> None:
    dashboard_users.open_distribution(who, number)


@when(
    parsers.re(
        rf'"(?P<who>[^"]+)" (?P<action>removes|adds) {MEMBER} (?:back )?(?:from|to) the Ring to '
        r'widget of "(?P<number>[^"]+)" in the dashboard(?: at once)?$'
    )
)
def changes_ring_to(
    dashboard_users: DashboardUsers,
    who: str,
    action: str,
    team: str | None,
    user: str | None,
    number: str,
) -> None:
    kind, name = _member(team, user)
    dashboard_users.change_ring_to(who, action.removesuffix("s"), kind, name, number, 0)


@when(
    parsers.re(
        r'"(?P<who>[^"]+)" (?P<action>removes|adds) "(?P<agent>[^"]+)" (?:back )?(?:from|to) '
        r'the team "(?P<team>[^"]+)" in the dashboard(?: at once)?$'
    )
)
def changes_team(
    dashboard_users: DashboardUsers, who: str, action: str, agent: str, team: str
) -> None:
    dashboard_users.change_team(who, action.removesuffix("s"), agent, team)


@when(parsers.parse('"{agent}" is removed from the Ring to widget of "{number}" meanwhile'))
def removed_meanwhile(admin: DistributionAdmin, agent: str, number: str) -> None:
    admin.remove(number, "user", agent)


@when(
    parsers.parse(
        '"{who}" tries to remove "{agent}" from the Ring to widget of "{number}" on that page'
    )
)
def tries_to_remove(dashboard_users: DashboardUsers, who: str, agent: str, number: str) -> None:
    dashboard_users.remember(number=number)
    dashboard_users.edit_ring_to(who, "remove", "user", agent, number, 0, navigate=False)


@when(parsers.parse('"{who}" tries to save a ring time of {seconds:d} seconds for "{number}"'))
def tries_ring_time(dashboard_users: DashboardUsers, who: str, seconds: int, number: str) -> None:
    dashboard_users.remember(number=number)
    dashboard_users.set_ring_time(who, seconds)


@given(parsers.parse('"{who}" has the team "{team}" open in the dashboard'))
def team_open(dashboard_users: DashboardUsers, who: str, team: str) -> None:
    dashboard_users.open_team(who, team)


@when(parsers.parse('"{agent}" is removed from the team "{team}" meanwhile'))
def removed_from_team_meanwhile(admin: DistributionAdmin, agent: str, team: str) -> None:
    admin.remove_from_team(agent, team)


@when(parsers.parse('"{who}" tries to remove "{agent}" from the team "{team}" on that page'))
def tries_to_remove_from_team(
    dashboard_users: DashboardUsers, who: str, agent: str, team: str
) -> None:
    dashboard_users.remember(team=team)
    dashboard_users.edit_team(who, "remove", agent, team, navigate=False)


@when(
    parsers.parse(
        '"{who}" saves a ring time of {seconds:d} seconds for "{number}" in the dashboard'
    )
)
def saves_ring_time(dashboard_users: DashboardUsers, who: str, seconds: int, number: str) -> None:
    dashboard_users.save_ring_time(who, number, seconds)


@when("the dashboard sessions expire")
def sessions_expire(dashboard_users: DashboardUsers) -> None:
    dashboard_users.expire_sessions()


@then(
    parsers.re(
        r'the dashboard of "(?P<who>[^"]+)" refuses the (?:edit|sign-in) saying "(?P<words>[^"]+)"$'
    )
)
def refuses(dashboard_users: DashboardUsers, who: str, words: str) -> None:
    dashboard_users.expect_refused(who, words)


@then("nothing stored has changed")
def unchanged(dashboard_users: DashboardUsers) -> None:
    dashboard_users.expect_unchanged()


@then(parsers.parse('the dashboard of "{who}" shows a ring time of {seconds:d} seconds'))
def shows_ring_time(dashboard_users: DashboardUsers, who: str, seconds: int) -> None:
    dashboard_users.expect_ring_time_shown(who, seconds)


@then(parsers.parse('the dashboard of "{who}" says that "{number}" rings nobody'))
def says_nobody(dashboard_users: DashboardUsers, who: str, number: str) -> None:
    dashboard_users.expect_nobody_assigned(who, number)


@then("no agent's phone rings")
def no_phone_rings(flows: CallFlows) -> None:
    expect_no_phone_rings(flows, within=RING_SETTLE)


@then(
    parsers.parse(
        'the call log in the dashboard of "{who}" shows each call with the status and the '
        "timeline the contact center records"
    )
)
def call_log_matches(dashboard_users: DashboardUsers, who: str, flows: CallFlows) -> None:
    dashboard_users.expect_call_log_matches(who, flows)
