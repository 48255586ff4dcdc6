"""Outbound calls placed in the agent app (ZT-TKT-2, 7): the agent's leg is the app's WebRTC leg.

The app's "New call" dialer and a ticket's Call button send, over the app's call channel
(``GET /me/calls``), a ``dial`` message with the number, the line, the ticket if any, and the
app's WebRTC offer. Everything the API checks for ``POST /calls/outbound`` is checked the same
way, by the same :meth:`~harness.reference.tickets.Tickets.place_outbound`, before anything is
stored or dialled, and the line's call-out rules (:mod:`harness.reference.call_out`, SG-ERR)
decide as for the API; a refusal goes back to the app as ``dial.refused`` naming the problem
(with the error code and the Call ID for support when a call-out rule refused it).

Once placed, the call is an :class:`~harness.reference.telephony.outbound.OutboundBridge` like
one placed through the API, except for its agent leg: instead of ringing the agent's SIP phone,
the reference answers the app's offer (a :class:`~.webrtc.WebRtcBridge` on leg B of the call's
relay) and, once that leg is connected, calls the customer. The app is told ``dial.placed``
(with the Call ID, which is also the key of its call), ``call.answer`` (the WebRTC answer),
``call.connected`` when the customer answers and ``call.ended`` with the reason when the call
is over; a ``hangup`` from the app ends the call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.media.relay import Leg
from harness.reference.call_out import CallOut
from harness.reference.domain.call_out import CallMode
from harness.reference.domain.distribution import validate_e164
from harness.reference.domain.errors import DomainError, NotFound
from harness.reference.telephony.app_phones import APP_SCHEME, AppSession
from harness.reference.telephony.outbound import OutboundBridge
from harness.reference.telephony.webrtc import WebRtcBridge, WebRtcRefused

if TYPE_CHECKING:
    from harness.reference.service import ContactCenter

LOG = logging.getLogger("callproof.reference.app_outbound")
DIAL_FIELDS = ("to", "number_id", "ticket_id", "ring_time", "sdp")
DEFAULT_RING_TIME_S = 30

Message = dict[str, Any]


@dataclass(frozen=True)
class _Dial:
    """A ``dial`` message's fields, checked."""

    to: str
    number_id: str
    ticket_id: str | None
    ring_time: int
    offer: str


@dataclass(eq=False)
class AppOutboundCall:
    """One outbound call placed in one app: its WebRTC leg and its bridge."""

    session: AppSession
    call_id: str
    offer_sdp: str
    bridge: OutboundBridge | None = None
    leg: WebRtcBridge | None = None
    connected_told: bool = False


class AppDialer:
    """The ``dial`` and in-call messages of outbound calls placed in agent apps."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        # app contact -> the app and its offer, while the call is being placed
        self._pending: dict[str, tuple[AppSession, str]] = {}
        self._calls: dict[str, AppOutboundCall] = {}  # Call ID -> the call
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- from the app ------------------------------------------------------------------------
    def handle(self, session: AppSession, message: Message) -> bool:
        """Take ``message`` if it is about an outbound call of this app; True when taken."""
        kind = message.get("type")
        if kind == "dial":
            self._spawn(self.dial(session, message))
            return True
        key = message.get("offer")
        call = self._calls.get(key) if isinstance(key, str) else None
        if call is None or call.session is not session:
            return False
        if kind == "hangup":
            self._hang_up(call)
        else:  # an error, not a refusal: the call goes on (a refusal would end it in the app)
            message_text = f"{kind} is not available on a call placed in the app"
            session.send({"type": "error", "message": message_text})
        return True

    def detached(self, session: AppSession) -> None:
        """The app went away: its outbound calls end as if the agent hung up."""
        for call in [c for c in self._calls.values() if c.session is session]:
            self._hang_up(call)

    async def dial(self, session: AppSession, message: Message) -> None:
        """Place the call a ``dial`` message asks for, or tell the app why not."""
        key = message.get("dial")
        call_out = CallOut(self.center)
        try:
            dial = self._fields(session, message)
            refused = await self._call_out_refusal(call_out, session, dial)
            if refused is not None:
                session.send({"type": "dial.refused", "dial": key, **refused})
                return
            call_id = self._place(session, dial)
        except DomainError as refusal:
            session.send({"type": "dial.refused", "dial": key, "message": _explain(refusal)})
            return
        call_out.placed(
            session.account_id, call_id, session.user_id, dial.number_id, dial.to, CallMode.CALL_OUT
        )
        session.send({"type": "dial.placed", "dial": key, "offer": call_id, "call_id": call_id})

    def _fields(self, session: AppSession, message: Message) -> _Dial:
        """The ``dial`` message's fields, each checked; a bad one is refused, naming it."""
        unknown = sorted(set(message) - {"type", "dial", *DIAL_FIELDS})
        if unknown:
            raise DomainError(f"unknown field {unknown[0]!r}", field=unknown[0])
        to = validate_e164(_text(message, "to"), "to")
        number_id = _text(message, "number_id")
        ticket_id = message.get("ticket_id")
        if ticket_id is not None and (not isinstance(ticket_id, str) or not ticket_id.strip()):
            raise DomainError("ticket_id: must be a ticket's id", field="ticket_id")
        ring_time = message.get("ring_time", DEFAULT_RING_TIME_S)
        if not isinstance(ring_time, int) or isinstance(ring_time, bool):
            raise DomainError("ring_time: must be a whole number of seconds", field="ring_time")
        offer = message.get("sdp")
        if not isinstance(offer, str) or not offer.strip():
            raise DomainError("the app sent no WebRTC offer for its audio", field="sdp")
        account = session.account_id
        self.center.get_number(account, number_id)  # a line that does not exist is named
        if ticket_id is not None and self.center.store.get_ticket(account, ticket_id) is None:
            raise NotFound("ticket", ticket_id, field="ticket_id")
        return _Dial(to, number_id, ticket_id, ring_time, offer)

    async def _call_out_refusal(
        self, call_out: CallOut, session: AppSession, dial: _Dial
    ) -> Message | None:
        """The line's call-out rules, as for ``POST /calls/outbound``: what to tell the app
        when they refuse the call (its code and Call ID), else None."""
        failed = await call_out.check(
            session.account_id,
            agent_id=session.user_id,
            number_id=dial.number_id,
            to=dial.to,
            mode=CallMode.CALL_OUT,
            from_app=True,
        )
        if failed is None:
            return None
        return {
            "message": f"{failed.code}: {failed.message} (Call ID {failed.call_id})",
            "code": failed.code,
            "call_id": failed.call_id,
        }

    def _place(self, session: AppSession, dial: _Dial) -> str:
        center = self.center
        agent = center.get_user(session.account_id, session.user_id)
        number = center.get_number(session.account_id, dial.number_id)
        self._pending[session.contact] = (session, dial.offer)
        try:
            placed = center.tickets.place_outbound(
                session.account_id,
                agent_id=agent.id,
                agent_name=agent.name,
                agent_contacts=[session.contact],
                line=number.e164,
                to=dial.to,
                ticket_id=dial.ticket_id,
                ring_time_s=dial.ring_time,
            )
        finally:
            self._pending.pop(session.contact, None)
        return placed.call_id

    # -- from the outbound dialer ---------------------------------------------------------------
    def claim(self, agent_contact: str) -> Callable[[OutboundBridge], None] | None:
        """How to start the agent's leg of a call being placed, when it is an app's: the
        :class:`~.outbound.OutboundDialer` asks while the call is placed, starts it later."""
        if not agent_contact.startswith(APP_SCHEME) or agent_contact not in self._pending:
            return None
        session, offer = self._pending.pop(agent_contact)
        return lambda bridge: self._start(bridge, session, offer)

    def _start(self, bridge: OutboundBridge, session: AppSession, offer: str) -> None:
        """Answer the app's offer on leg B of ``bridge``'s relay; the customer is called once
        the app's audio is connected."""
        call = AppOutboundCall(session, bridge.call_id, offer, bridge)
        self._calls[call.call_id] = call
        previous = bridge.on_finished

        def finished(done: OutboundBridge) -> None:
            self._finished(call)
            if previous is not None:
                previous(done)

        bridge.on_finished = finished
        bridge.on_callee_answered = lambda: self._connected(call)
        self._spawn(self._connect(call))

    async def _connect(self, call: AppOutboundCall) -> None:
        bridge = call.bridge
        assert bridge is not None
        relay = bridge.relay
        leg = WebRtcBridge(relay.core.payload_type(Leg.B), relay.leg_b.local_address)
        call.leg = leg
        try:
            answer = await leg.answer(call.offer_sdp)
        except WebRtcRefused as refusal:
            bridge.fail(str(refusal))
            return
        if bridge.finished:
            return
        call.session.send({"type": "call.answer", "offer": call.call_id, "sdp": answer})
        try:
            await leg.wait_connected()
        except (ConnectionError, TimeoutError) as exc:
            bridge.fail(f"the agent app's audio could not be connected ({exc})")
            return
        if bridge.finished:
            return
        leg.sending = True
        bridge.agent_leg_connected(*leg.rtp_address)

    def _connected(self, call: AppOutboundCall) -> None:
        if not call.connected_told:
            call.connected_told = True
            call.session.send({"type": "call.connected", "offer": call.call_id})

    def _hang_up(self, call: AppOutboundCall) -> None:
        if call.bridge is not None:
            call.bridge.agent_hung_up()

    def _finished(self, call: AppOutboundCall) -> None:
        self._calls.pop(call.call_id, None)
        bridge = call.bridge
        reason = bridge.ended_reason if bridge is not None else "the call ended"
        call.session.send({"type": "call.ended", "offer": call.call_id, "reason": reason})
        if call.leg is not None:
            self._spawn(call.leg.close())

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            LOG.warning("an outbound call of the agent app failed: %r", task.exception())

    async def close(self) -> None:
        for call in list(self._calls.values()):
            if call.leg is not None:
                await call.leg.close()
        for task in list(self._tasks):
            task.cancel()


#: What the app calls the fields of a ``dial`` message, to name them in its messages.
FIELD_NAMES = {"to": "the number to call", "number_id": "the line", "ticket_id": "the ticket"}


def _explain(refusal: DomainError) -> str:
    """The refusal as the agent reads it: the field named as the app shows it."""
    text = str(refusal)
    field = refusal.field
    if field in FIELD_NAMES and text.startswith(f"{field}: "):
        return f"{FIELD_NAMES[field]} {text.removeprefix(f'{field}: ')}"
    return text


def _text(message: Message, name: str) -> str:
    value = message.get(name)
    if not isinstance(value, str) or not value.strip():
        raise DomainError(f"{name}: is missing", field=name)
    return value.strip()
