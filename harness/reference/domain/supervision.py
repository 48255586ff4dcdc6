"""Supervising live sessions: which page a live call is on, whose teams it belongs to, and who
may end it (seed 004, CC-END-1 and 2) or listen to it (CC-MON-1 and 4).

A live call is on the *Queued* monitoring page while it waits for an agent (ringing, or being
transferred) and on the *Connected* page while an agent talks with the customer (answered or
held). Ending it needs the Monitor-Chats-Edit permission (``monitor.edit``): administrators hold
it for every call, managers for the calls of their assigned teams, a custom role that adds it
for every call. A call belongs to the teams it was routed through and to the teams of the
agent on it (a call to a number that rings a user directly is her teams' call). Listening needs
the monitoring permission (``monitor.calls``) the same way: supervisors and administrators for
every call, managers for their teams' calls.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from .calls import CallRecord, CallState
from .distribution import AssignmentKind
from .errors import Conflict
from .permissions import Permission, Principal, Scope


class MonitoringPage(enum.StrEnum):
    """The monitoring page a live session is listed on."""

    QUEUED = "queued"
    CONNECTED = "connected"


PAGES: Mapping[CallState, MonitoringPage] = {
    CallState.RINGING: MonitoringPage.QUEUED,
    CallState.TRANSFERRING: MonitoringPage.QUEUED,
    CallState.ANSWERED: MonitoringPage.CONNECTED,
    CallState.HELD: MonitoringPage.CONNECTED,
}


def monitoring_page(call: CallRecord) -> MonitoringPage | None:
    """The page ``call`` is listed on; ``None`` once it has ended."""
    return PAGES.get(call.state)


def call_teams(call: CallRecord, members: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The teams ``call`` belongs to: those it was routed through, and the agent's on it.

    ``members`` maps each team id of the account to its members' user ids.
    """
    routed = {o.via.id for o in call.offers if o.via.kind is AssignmentKind.TEAM}
    agent = call.agent_id
    if agent is not None:
        routed.update(team for team, users in members.items() if agent in users)
    return frozenset(routed)


def may_end(who: Principal, call: CallRecord, members: Mapping[str, frozenset[str]]) -> bool:
    """Whether ``who`` may end ``call`` (CC-END-2): ``monitor.edit`` for all calls, or for one
    of the call's teams among those ``who`` is assigned to."""
    return allowed_for_call(who, Permission.MONITOR_EDIT, call, members)


def may_monitor(who: Principal, call: CallRecord, members: Mapping[str, frozenset[str]]) -> bool:
    """Whether ``who`` may listen to ``call`` (CC-MON-1, 4): ``monitor.calls`` for all calls,
    or for one of the call's teams among those ``who`` is assigned to."""
    return allowed_for_call(who, Permission.MONITOR_CALLS, call, members)


def allowed_for_call(
    who: Principal,
    permission: Permission,
    call: CallRecord,
    members: Mapping[str, frozenset[str]],
) -> bool:
    """Whether ``who`` holds ``permission`` for ``call``: for every call, or for one of the
    call's teams among those ``who`` is assigned to."""
    scope = who.grants.get(permission)
    if scope is None:
        return False
    if scope is Scope.ALL:
        return True
    return bool(who.teams & call_teams(call, members))


def require_live(call: CallRecord) -> MonitoringPage:
    """The page of a call that can still be ended; :class:`Conflict` once it has ended."""
    page = monitoring_page(call)
    if page is None:
        raise Conflict(f"call {call.call_id} has already ended")
    return page
