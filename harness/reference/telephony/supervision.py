"""Supervisors acting on live calls: ending a queued or connected call (CC-END-1), listening to
a connected one (CC-MON-1 to 4, :mod:`harness.reference.telephony.monitor`).

The reference is a B2BUA, so ending a call is ending its legs: the customer gets a BYE (or, on
a call nobody has answered yet, a 480 to the INVITE that waits in the queue), every agent leg
ends, and the call log closes the entry as ended by the system with the supervisor named in
the reason. Who may end which call is decided before anything changes
(:mod:`harness.reference.domain.supervision`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.media.transport import RtpRelay
from harness.reference.domain import supervision as rules
from harness.reference.domain.calls import CallRecord
from harness.reference.domain.errors import Conflict
from harness.reference.service import ContactCenter
from harness.reference.telephony.monitor import CallMonitor, CallMonitors

if TYPE_CHECKING:
    from harness.reference.telephony.edge import SipEdge


class CallSupervision:
    """What supervisors do to the live calls of one SIP edge, asked for over the API."""

    def __init__(self, edge: SipEdge) -> None:
        self._edge = edge
        self._monitors: dict[str, CallMonitors] = {}  # Call ID -> who listens to that call

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

    # -- silent monitoring (CC-MON-1 to 4) -------------------------------------------------
    async def monitor(self, account_id: str, call_id: str, user_id: str) -> None:
        """The reference calls ``user_id``'s SIP phone and lets her listen to the connected
        call ``call_id``. Refused with nothing changed: a call nobody is connected to, a user
        already listening to it, a user with no SIP phone registered (:class:`Conflict`)."""
        center = self.center
        call = center.get_call(account_id, call_id)
        user = center.get_user(account_id, user_id)
        if rules.monitoring_page(call) is not rules.MonitoringPage.CONNECTED:
            raise Conflict(f"call {call_id} is not connected: only a connected call is monitored")
        live = self._edge.live_call(call_id)
        if live is None or live.finished or live.bridged is None:
            raise Conflict(f"call {call_id} has no agent connected to listen to")
        phones = center.registered_contacts(user_id)
        if not phones:
            raise Conflict(f"{user.name} has no SIP phone registered to listen on")
        monitors = self._monitors.get(call_id)
        if monitors is None:
            monitors = self._monitors[call_id] = CallMonitors(live)
            live.closing.append(lambda: self._forget(call_id))
        if monitors.by_user(user_id) is not None:
            raise Conflict(f"{user.name} is already listening to call {call_id}")
        pt = 0 if live.codec == "PCMU" else 8
        relay = await RtpRelay.open("127.0.0.1", payload_type_a=pt, payload_type_b=pt)
        if live.finished:  # the call ended while the relay opened
            relay.close()
            raise Conflict(f"call {call_id} has already ended")
        monitor = CallMonitor(live, user_id, relay, self._stopped)
        monitors.monitors.append(monitor)
        monitor.ring(phones[0])

    def stop_monitoring(self, account_id: str, call_id: str, user_id: str) -> None:
        """``user_id`` stops listening to ``call_id``: her leg ends, the call goes on."""
        self.center.get_call(account_id, call_id)  # another account's call is not found
        monitors = self._monitors.get(call_id)
        monitor = monitors.by_user(user_id) if monitors is not None else None
        if monitor is None:
            raise Conflict(f"nobody with this id is listening to call {call_id}")
        monitor.stop()

    def _forget(self, call_id: str) -> None:
        self._monitors.pop(call_id, None)

    def _stopped(self, monitor: CallMonitor) -> None:
        monitors = self._monitors.get(monitor.call_id)
        if monitors is not None and monitor in monitors.monitors:
            monitors.monitors.remove(monitor)
