"""Who may watch and end a live chat (CC-MON-9, CC-END-1, 2): the rule of calls, applied to the
chat's agent and her teams."""

from __future__ import annotations

import pytest

from harness.reference.domain.chat_supervision import chat_teams, may_act_on_chat
from harness.reference.domain.directory import Role
from harness.reference.domain.permissions import Permission, account_key, user_principal

MEMBERS = {"sales": frozenset({"ana", "marc"}), "billing": frozenset({"bob", "nadia"})}
EDIT, WATCH = Permission.MONITOR_EDIT, Permission.MONITOR_CALLS


def test_a_chats_teams_are_those_of_its_agent() -> None:
    assert chat_teams("ana", MEMBERS) == {"sales"}
    assert chat_teams("nobody", MEMBERS) == frozenset()
    assert chat_teams(None, MEMBERS) == frozenset()  # waiting: no agent yet


@pytest.mark.parametrize("permission", [EDIT, WATCH])
def test_admins_and_the_account_key_act_on_every_chat(permission: Permission) -> None:
    admin = user_principal("a1", "diane", Role.ADMIN, ())
    assert may_act_on_chat(admin, permission, "bob", MEMBERS)
    assert may_act_on_chat(account_key("a1"), permission, "bob", MEMBERS)


@pytest.mark.parametrize("permission", [EDIT, WATCH])
def test_a_manager_acts_on_the_chats_of_her_teams_only(permission: Permission) -> None:
    manager = user_principal("a1", "maya", Role.MANAGER, ("sales",))
    assert may_act_on_chat(manager, permission, "ana", MEMBERS)
    assert not may_act_on_chat(manager, permission, "bob", MEMBERS)
    assert not may_act_on_chat(manager, permission, None, MEMBERS)


def test_agents_neither_watch_nor_end_chats_and_supervisors_only_watch() -> None:
    agent = user_principal("a1", "sam", Role.AGENT, ("sales",))
    supervisor = user_principal("a1", "sue", Role.SUPERVISOR, ("sales",))
    assert not may_act_on_chat(agent, WATCH, "ana", MEMBERS)
    assert not may_act_on_chat(agent, EDIT, "ana", MEMBERS)
    assert may_act_on_chat(supervisor, WATCH, "bob", MEMBERS)
    assert not may_act_on_chat(supervisor, EDIT, "bob", MEMBERS)
