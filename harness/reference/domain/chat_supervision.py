"""Who may watch or end a live chat (CC-MON-9, CC-END-1, 2): the rule of calls, applied to the
chat's agent. ``monitor.calls`` lets a user watch, ``monitor.edit`` lets her end; a grant for
assigned teams only covers the chats whose agent is a member of one of her teams."""

from __future__ import annotations

from collections.abc import Mapping

from .permissions import Permission, Principal, Scope


def chat_teams(agent_id: str | None, members: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The teams the chat's agent belongs to (none while no agent has taken it)."""
    if agent_id is None:
        return frozenset()
    return frozenset(team for team, users in members.items() if agent_id in users)


def may_act_on_chat(
    who: Principal,
    permission: Permission,
    agent_id: str | None,
    members: Mapping[str, frozenset[str]],
) -> bool:
    """Whether ``who`` holds ``permission`` for the chat taken by ``agent_id``."""
    scope = who.grants.get(permission)
    if scope is None:
        return False
    if scope is Scope.ALL:
        return True
    return bool(who.teams & chat_teams(agent_id, members))
