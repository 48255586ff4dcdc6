"""Ending live calls from the monitoring pages: which page a call is on, whose teams it is,
who may end it (CC-END-1, 2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.reference.domain import calls
from harness.reference.domain.calls import CallRecord, EndedBy, Offer
from harness.reference.domain.directory import Role
from harness.reference.domain.distribution import Assignment, AssignmentKind
from harness.reference.domain.errors import Conflict
from harness.reference.domain.permissions import (
    CustomRole,
    Permission,
    Principal,
    account_key,
    user_principal,
)
from harness.reference.domain.supervision import (
    MonitoringPage,
    call_teams,
    may_end,
    may_monitor,
    monitoring_page,
    require_live,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MEMBERS = {"sales": frozenset({"ana", "marc"}), "billing": frozenset({"bob", "nadia"})}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def call_to(user_id: str, via: Assignment) -> CallRecord:
    blank = CallRecord("CALL-0000000001", "a1", "n1", "+33612345678", "+33123456789", T0)
    offered = calls.open_call(
        blank,
        number_label="Support",
        offers=(Offer(user_id, user_id.title(), 0, via, True),),
        sip_call_id="sip-1@x",
    )
    return calls.ringing(offered, user_id, at(1))


def answered(call: CallRecord) -> CallRecord:
    return calls.answer_attempt(call, call.offers[0].user_id, at(2))[0]


VIA_SALES = Assignment(AssignmentKind.TEAM, "sales")
VIA_NUMBER = Assignment(AssignmentKind.NUMBER, "n1")


def manager(user_id: str, *teams: str) -> Principal:
    return user_principal("a1", user_id, Role.MANAGER, teams)


def test_a_ringing_call_is_queued_an_answered_or_held_one_connected_an_ended_one_on_no_page():
    ringing = call_to("ana", VIA_SALES)
    assert monitoring_page(ringing) is MonitoringPage.QUEUED
    talking = answered(ringing)
    assert monitoring_page(talking) is MonitoringPage.CONNECTED
    assert monitoring_page(calls.hold(talking, at(3), "agent")) is MonitoringPage.CONNECTED
    ended = calls.end(talking, at(4), EndedBy.CALLER, "")
    assert monitoring_page(ended) is None
    with pytest.raises(Conflict, match="already ended"):
        require_live(ended)


def test_a_call_belongs_to_the_teams_it_was_routed_through_and_to_the_agents_teams():
    assert call_teams(call_to("ana", VIA_SALES), MEMBERS) == {"sales"}
    direct = call_to("bob", VIA_NUMBER)
    assert call_teams(direct, MEMBERS) == frozenset()  # nobody on it yet
    assert call_teams(answered(direct), MEMBERS) == {"billing"}


def test_admins_and_the_account_key_end_any_call_managers_only_their_teams_calls():
    call = answered(call_to("ana", VIA_SALES))
    admin = user_principal("a1", "diane", Role.ADMIN, ())
    assert may_end(admin, call, MEMBERS)
    assert may_end(account_key("a1"), call, MEMBERS)
    assert may_end(manager("marc", "sales"), call, MEMBERS)
    assert not may_end(manager("nadia", "billing"), call, MEMBERS)
    assert not may_end(manager("olga"), call, MEMBERS)


def test_supervisors_and_agents_may_not_end_calls_unless_a_custom_role_adds_the_permission():
    call = answered(call_to("ana", VIA_SALES))
    for role in (Role.SUPERVISOR, Role.AGENT):
        assert not may_end(user_principal("a1", "sam", role, ("sales",)), call, MEMBERS)
    lead = CustomRole(
        "role_1", "a1", "Quality lead", Role.AGENT, frozenset({Permission.MONITOR_EDIT})
    )
    assert may_end(user_principal("a1", "quentin", Role.AGENT, (), lead), call, MEMBERS)


def test_supervisors_and_admins_monitor_any_call_managers_their_teams_agents_none():
    call = answered(call_to("ana", VIA_SALES))
    assert may_monitor(user_principal("a1", "sofia", Role.SUPERVISOR, ()), call, MEMBERS)
    assert may_monitor(user_principal("a1", "diane", Role.ADMIN, ()), call, MEMBERS)
    assert may_monitor(manager("marc", "sales"), call, MEMBERS)
    assert not may_monitor(manager("nadia", "billing"), call, MEMBERS)
    assert not may_monitor(user_principal("a1", "bob", Role.AGENT, ("sales",)), call, MEMBERS)
