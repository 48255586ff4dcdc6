"""Supervisors acting on live calls (CC-END-1): ending a queued or connected call.

The reference is a B2BUA, so ending a call is ending its legs: the customer gets a BYE (or, on
a call nobody has answered yet, a 480 to the INVITE that waits in the queue), every agent leg
ends, and the call log closes the entry as ended by the system with the supervisor named in
the reason. Who may end which call is decided before anything changes
(:mod:`harness.reference.domain.supervision`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.reference.domain import supervision as rules
from harness.reference.domain.calls import CallRecord
from harness.reference.domain.errors import Conflict
from harness.reference.service import ContactCenter

if TYPE_CHECKING:
    from harness.reference.telephony.edge import SipEdge


class CallSupervision:
    """What supervisors do to the live calls of one SIP edge, asked for over the API."""

    def __init__(self, edge: SipEdge) -> None:
        self._edge = edge

    @property
    def center(self) -> ContactCenter:
        return self._edge.center

    def team_members(self, account_id: str) -> dict[str, frozenset[str]]:
        """Each team of the account and its members' user ids (whose calls a manager may end)."""
        return {
            t.id: frozenset(m.user_id for m in t.members)
            for t in self.center.store.list_teams(account_id)
        }

    def end_call(self, account_id: str, call_id: str, by: str) -> CallRecord:
        """``by`` (a name) ends the live call ``call_id`` from a monitoring page; the call as
        logged. Whether ``by`` may is the API's to check first (:func:`rules.may_end`).

        Refused with nothing changed: another account's or an unknown call (``NotFound``), a
        call that has ended or that this process does not carry (:class:`Conflict`).
        """
        center = self.center
        call = center.get_call(account_id, call_id)
        rules.require_live(call)
        live = self._edge.live_call(call_id)
        if live is None or live.finished:
            raise Conflict(f"call {call_id} is not carried by this contact center's SIP edge")
        reason = f"ended by {by} from monitoring"
        # The entry is closed first: the customer's leg, once ended, reports its own end, which
        # must find the call finished rather than log it as the customer hanging up.
        live.end_everything("system", reason)
        if live.caller.session.live:
            if live.caller_answered:
                live.caller.end()
            else:  # still an INVITE waiting in the queue: it gets its final answer
                live.caller.reject(480, "Temporarily Unavailable")
        return center.get_call(account_id, call_id)
