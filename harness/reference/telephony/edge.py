"""The reference's SIP edge: a registrar for agents' phones and a B2BUA for inbound calls.

A thin translator: every decision (who rings, whether an answer counts, what the call log says)
is the :class:`~harness.reference.service.ContactCenter`'s.

The edge answers the same way whoever a request names, so that it cannot be used to find out
which SIP usernames exist (H-SEC-1): a REGISTER is always challenged, OPTIONS always gets the
same capabilities, and an INVITE to anything that is not one of our numbers gets the same
404 as an unknown number. Password-guessing lockouts (H-SEC-2) run on the loop's monotonic
time; their start and end are published to the locked user's account as
``sip.lockout.started`` / ``sip.lockout.ended`` events, so an administrator (or a test) sees
them without polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol
from urllib.parse import unquote

from harness.media.transport import RtpRelay
from harness.reference.clock import iso_utc
from harness.reference.domain.errors import NotFound
from harness.reference.domain.inbound import InboundPlan, RingTarget
from harness.reference.service import ContactCenter
from harness.reference.telephony import reserved
from harness.reference.telephony.app_outbound import AppDialer
from harness.reference.telephony.app_phones import AppPhones
from harness.reference.telephony.guard import Lockout, LockoutGuard, LockoutPolicy
from harness.reference.telephony.inbound import InboundCall
from harness.reference.telephony.ivr import IvrSession
from harness.reference.telephony.offers import review_caller_offer
from harness.reference.telephony.outbound import OutboundDialer
from harness.reference.telephony.registrar import Registrar
from harness.sip import events as sip_events
from harness.sip import sdp
from harness.sip.grammar import SipParseError
from harness.sip.message import parse_message
from harness.sip.offer import OfferReview, warning_value
from harness.sip.transaction import Address
from harness.sip.transport import IncomingCall, IncomingSipRequest, OutgoingCall, SipEndpoint

LOG = logging.getLogger("callproof.reference.edge")


class LegOwner(Protocol):
    """What owns the edge's outgoing legs: an inbound call's agent legs, an outbound call."""

    @property
    def call_id(self) -> str: ...

    def on_agent_event(self, call: OutgoingCall, event: sip_events.UaEvent) -> None: ...
    def fail(self, reason: str) -> None: ...
    def finish(self) -> None: ...


CODECS = ("PCMU", "PCMA")
# Exactly what the edge accepts (RFC 3261 section 20.5): INFO in a dialog, REGISTER for phones.
# MESSAGE, NOTIFY and the rest are answered 501 by the SIP core, so they are not listed.
ALLOW = ("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO", "REGISTER")


class SipEdge:
    """The reference's one SIP socket: REGISTER to the registrar, INVITE to inbound calls."""

    def __init__(
        self, center: ContactCenter, sip: SipEndpoint, lockout: LockoutPolicy | None = None
    ) -> None:
        self.center = center
        self.sip = sip
        self.guard = LockoutGuard(lockout or LockoutPolicy())
        self.registrar = Registrar(
            center,
            asyncio.get_running_loop().time(),
            guard=self.guard,
            on_lockout=self._lockout_started,
        )
        self._calls: dict[str, InboundCall] = {}  # caller's SIP Call-ID -> call
        self._legs: dict[OutgoingCall, LegOwner] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._guard_timer: asyncio.TimerHandle | None = None
        self.outbound: OutboundDialer | None = None
        self.app_dialer: AppDialer | None = None
        # Called for each agent a call is offered to (the SMS notifications of offers).
        self.offer_hooks: list[Callable[[InboundCall, RingTarget], None]] = []
        # Signed-in agent apps are reached beside the registered phones.
        self.apps = AppPhones(self._guarded)
        center.app_contacts = self.apps.contacts

    @classmethod
    async def open(
        cls,
        center: ContactCenter,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        lockout: LockoutPolicy | None = None,
    ) -> SipEdge:
        """Bind the edge; ``lockout`` overrides the default password-guessing policy."""
        sip = await SipEndpoint.open(host, port, user_agent="callproof-reference", allow=ALLOW)
        edge = cls(center, sip, lockout)
        edge.outbound = OutboundDialer(edge, center.tickets)
        center.tickets.dialer = edge.outbound  # agents' outbound calls (ZT-TKT-2, 7)
        edge.app_dialer = AppDialer(center)  # ... placed in the agent app, over WebRTC
        edge.outbound.app_legs = edge.app_dialer
        edge.apps.outbound = edge.app_dialer
        center.tickets.background = edge.in_background  # notification emails (ZT-TKT-15)
        sip.on_invite = edge._on_invite
        sip.on_request = edge._on_request
        sip.on_call_event = edge._on_call_event
        sip.inbound_filter = edge._let_in
        return edge

    @property
    def local_address(self) -> Address:
        return self.sip.local_address

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            LOG.warning("edge task failed: %r", task.exception())

    def in_background(self, work: Callable[[], None]) -> None:
        """Run blocking ``work`` (an SMTP exchange) on a thread, tracked like any edge task."""
        self.spawn(asyncio.to_thread(work))

    def route(self, leg: OutgoingCall, call: LegOwner) -> None:
        self._legs[leg] = call

    # -- requests --------------------------------------------------------------------------
    def _on_request(self, request: IncomingSipRequest) -> None:
        if request.request.method == "REGISTER":
            self.registrar.handle(request, asyncio.get_running_loop().time())
            self._arm_guard_timer()

    def _let_in(self, data: bytes, _peer: Address) -> bool:
        """False for a caller's BYE on a call of an account under the "ignore hang-ups" fault."""
        if not data.startswith(b"BYE "):
            return True
        try:
            call_id = parse_message(data).call_id
        except SipParseError:
            return True  # the core answers malformed messages itself
        call = self._calls.get(call_id)
        return call is None or not self.center.hangups_ignored(call.plan.account_id)

    # -- lockouts --------------------------------------------------------------------------
    def _lockout_started(self, lockout: Lockout) -> None:
        self._publish_lockout("sip.lockout.started", lockout)

    def _arm_guard_timer(self) -> None:
        due = self.guard.next_timer()
        if self._guard_timer is not None:
            if due is not None and self._guard_timer.when() == due:
                return
            self._guard_timer.cancel()
            self._guard_timer = None
        if due is not None:
            self._guard_timer = asyncio.get_running_loop().call_at(due, self._on_guard_timer)

    def _on_guard_timer(self) -> None:
        assert self._guard_timer is not None
        # Like the SIP timers: never pass a time before the deadline the loop woke us for.
        now = max(asyncio.get_running_loop().time(), self._guard_timer.when())
        self._guard_timer = None
        for lockout in self.guard.handle_timer(now):
            self._publish_lockout("sip.lockout.ended", lockout)
        self._arm_guard_timer()

    def _publish_lockout(self, kind: str, lockout: Lockout) -> None:
        account = self.center.sip_account(lockout.user)
        if account is None:  # a name that is nobody's: there is no account to tell
            return
        at = iso_utc(self.center.clock.now(account.account_id))
        event = {
            "type": kind,
            "at": at,
            "user_id": account.user_id,
            "source": lockout.source,
            "seconds": lockout.seconds,
        }
        self.center.bus.publish(account.account_id, event)

    def _on_invite(self, incoming: IncomingCall) -> None:
        self.spawn(self._start_inbound(incoming))

    async def _start_inbound(self, incoming: IncomingCall) -> None:
        request = incoming.request
        # RFC 3261 section 19.1.4: URIs are compared after unescaping, so sip:+%33%33... is
        # the same number as sip:+33...
        called = unquote(request.uri.user or "", errors="replace")
        # Everything the answer to the caller depends on is checked before anyone rings: a
        # problem found while answering would leave an agent who answered a call nobody joins.
        review: OfferReview | None = None  # None: a late offer (an INVITE without SDP)
        codec, host_a = CODECS[0], None
        if incoming.remote_sdp:
            try:
                offer = sdp.SessionDescription.parse(incoming.remote_sdp)
            except SipParseError as exc:
                self._refuse_offer(incoming, 307, f"the SDP offer does not parse: {exc.reason}")
                return
            review = review_caller_offer(offer, CODECS)
            accepted = review.accepted
            if accepted is None or accepted.codec is None:
                refusal = review.refusal()
                self._refuse_offer(incoming, refusal.warning, refusal.reason)
                return
            codec = accepted.codec.name
            host_a = "::1" if ":" in (accepted.address or "") else None  # the caller's family
        number = self.center.number_by_e164(called)
        if number is None:
            incoming.reject(404, "Not Found")
            return
        flags = reserved.read_headers(incoming, self.local_address)
        if flags is None:  # a reserved-flag header that is not a boolean: 400, nothing rings
            return
        caller = unquote(request.from_.uri.user or "", errors="replace") or "anonymous"
        root = self.center.routing.entry_queue(number)
        if root is not None:  # the number enters the queue tree: the IVR answers (seed 004)
            routed = self.center.routing.start_routed_call(number, caller, incoming.call_id)
            plan = InboundPlan(routed.call_id, number.account_id, number.id, [], 0)
        else:
            try:
                plan = self.center.start_inbound_call(called, caller, incoming.call_id)
            except NotFound:
                incoming.reject(404, "Not Found")
                return
            if not plan.targets and not plan.stages:
                incoming.reject(480, "Temporarily Unavailable")  # nobody assigned (AC-IN-1)
                return
        reserved.keep(self.center, plan.account_id, plan.call_id, flags)  # CC-RSV-2
        pt = 0 if codec == "PCMU" else 8
        relay = await RtpRelay.open(
            "127.0.0.1", payload_type_a=pt, payload_type_b=pt, host_a=host_a
        )
        call = InboundCall(self, self.center, incoming, plan, codec, relay, review)
        call.on_finished = self._finished
        if root is not None:
            event_pt = sdp.dtmf_payload_type(review.offer) if review is not None else None
            call.ivr = IvrSession(call, root, event_pt)
        self._calls[incoming.call_id] = call
        if not incoming.session.live:  # the caller gave up while we were setting up
            call.on_caller_event(
                sip_events.CallEnded(incoming.session.handle, "remote", "cancelled")
            )
            return
        self._guarded(call, "start", call.start)

    def _refuse_offer(self, incoming: IncomingCall, warning: int, reason: str) -> None:
        """488 with a Warning naming the problem (RFC 3261 sections 13.3.1.3 and 20.43).

        The call log keeps the refused call, with the reason the caller is given; it is
        logged before the 488 leaves, so a caller who looks at the log once refused finds it.
        """
        LOG.info("INVITE %s refused before ringing: %s", incoming.call_id, reason)
        host, port = self.local_address
        agent = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        try:
            self.center.refuse_inbound_call(
                unquote(incoming.request.uri.user or "", errors="replace"),
                unquote(incoming.request.from_.uri.user or "", errors="replace") or "anonymous",
                incoming.call_id,
                reason,
            )
        finally:  # the caller gets the 488 even if the log could not be written
            incoming.reject(
                488,
                "Not Acceptable Here",
                extra=[("Warning", warning_value(warning, agent, reason))],
            )

    def _on_call_event(self, call: object, event: sip_events.UaEvent) -> None:
        if isinstance(call, OutgoingCall):
            owner = self._legs.get(call)
            if owner is not None:
                self._guarded(owner, event, lambda: owner.on_agent_event(call, event))
            if isinstance(event, sip_events.CallEnded):
                self._legs.pop(call, None)
        elif isinstance(call, IncomingCall):
            inbound = self._calls.get(call.call_id)
            if inbound is not None:
                self._guarded(inbound, event, lambda: inbound.on_caller_event(event))

    @staticmethod
    def _guarded(call: LegOwner, event: object, action: Callable[[], None]) -> None:
        """Run ``action``; if it raises, end that call cleanly instead of half-answering it.

        These run from the SIP socket's callback: an exception left to escape there would
        leave the call's legs and its log entry as they were at that moment.
        """
        try:
            action()
        except Exception as exc:
            LOG.exception("call %s failed on %s", call.call_id, type(event).__name__)
            try:
                call.fail(f"{type(exc).__name__}: {exc}")
            except Exception:
                LOG.exception("call %s could not be ended cleanly", call.call_id)
                call.finish()

    def live_call(self, call_id: str) -> InboundCall | None:
        """The live inbound call whose Call ID (the contact center's, not SIP's) is ``call_id``."""
        return next((c for c in self._calls.values() if c.call_id == call_id), None)

    def _finished(self, call: InboundCall) -> None:
        self._calls.pop(call.caller.call_id, None)

    async def close(self) -> None:
        if self._guard_timer is not None:
            self._guard_timer.cancel()
            self._guard_timer = None
        for call in list(self._calls.values()):
            call.finish()
        if self.outbound is not None:
            self.outbound.close()
            self.center.tickets.dialer = None
        await self.apps.close()
        if self.app_dialer is not None:
            await self.app_dialer.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.sip.close()
