"""Signed-in agent apps as phones: calls are offered to them over their WebSocket.

An agent app that is signed in keeps a WebSocket open (``GET /me/calls``). While it is open the
user can be reached at the contact ``app:<session>``, beside any SIP phone she registered; an
inbound call that rings her sends the app a ``call.offered`` message (the ringing pop-up), and
the app answers with ``ringing``, ``accept`` (carrying its WebRTC offer), ``reject`` or, in the
call, ``hangup``, ``hold`` and ``resume``.

Each offer is one :class:`AppCall`, which stands where a SIP phone's outgoing INVITE stands in
:class:`~harness.reference.telephony.inbound.InboundCall`: the call's rules (who answered first,
what the call log says) stay there. An offer the app acts on too late (the call was answered on
another device, the caller hung up) is refused with a message the app shows, and changes
nothing.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from harness.media.relay import Leg
from harness.reference.telephony.webrtc import WebRtcBridge, WebRtcRefused
from harness.sip import sdp

if TYPE_CHECKING:
    from harness.reference.telephony.inbound import AgentLeg, InboundCall

LOG = logging.getLogger("callproof.reference.app_phones")
APP_SCHEME = "app:"
KINDS = ("ringing", "prepare", "accept", "reject", "hangup", "hold", "resume", "keypad")
KEYPAD_KEYS = frozenset("0123456789*#")

Message = dict[str, Any]


@dataclass(eq=False)
class AppSession:
    """One agent app connected over its WebSocket."""

    account_id: str
    user_id: str
    send: Callable[[Message], None]
    id: str = field(default_factory=lambda: secrets.token_hex(8))
    offers: dict[str, AppCall] = field(default_factory=dict)

    @property
    def contact(self) -> str:
        return f"{APP_SCHEME}{self.id}"


@dataclass
class _Liveness:
    """What :class:`InboundCall` asks of a leg's session: whether it is still going."""

    live: bool = True


@dataclass(eq=False)
class AppCall:
    """One call offered to one agent app: ringing, then maybe accepted and bridged."""

    phones: AppPhones
    app: AppSession
    inbound: InboundCall
    call_id: str = field(default_factory=lambda: f"app-{secrets.token_hex(10)}")
    session: _Liveness = field(default_factory=_Liveness)
    declined: bool = False
    accepted: bool = False
    prepared: asyncio.Future[WebRtcBridge | None] | None = None
    bridge: WebRtcBridge | None = None
    leg: AgentLeg | None = None

    def end(self) -> None:
        """The contact center ends this leg (answered elsewhere, the caller left, ring time)."""
        if not self.session.live:
            return
        self.session.live = False
        inbound = self.inbound
        if (
            inbound.transfer_to is not None
            and self.leg is not None
            and self.leg not in inbound.legs
        ):
            reason = "transferred"  # this agent handed the call on (telephony.transfer)
        elif inbound.bridged is not None and inbound.bridged is not self.leg:
            reason = "answered on another device"
        elif not inbound.caller.session.live:
            reason = "the caller hung up"
        elif inbound.bridged is self.leg:
            reason = "the call ended"
        else:
            reason = "no longer ringing"
        self.app.send({"type": "call.ended", "offer": self.call_id, "reason": reason})
        self.phones.forget(self)

    def abandon(self) -> None:
        """The app let go of a call it had not (yet) been bridged to: rejected, gone, failed."""
        if not self.session.live:
            return
        self.session.live = False
        self.phones.forget(self)
        if self.leg is not None:
            self.inbound.agent_leg_ended(self.leg)

    def hang_up_from_app(self) -> None:
        """The agent hung up in the app."""
        if not self.session.live or self.leg is None:
            return
        self.session.live = False
        self.phones.forget(self)
        self.inbound.agent_leg_ended(self.leg)


class AppOutbound(Protocol):
    """The outbound calls agents place in their apps (:mod:`.app_outbound`)."""

    def handle(self, session: AppSession, message: Message) -> bool: ...
    def detached(self, session: AppSession) -> None: ...


class AppPhones:
    """The agent apps connected now, and the calls offered to them."""

    def __init__(self, guarded: Callable[[InboundCall, object, Callable[[], None]], None]) -> None:
        self._sessions: dict[str, AppSession] = {}
        self._by_user: dict[str, list[AppSession]] = {}
        self._calls: dict[str, AppCall] = {}
        self._guarded = guarded
        self._tasks: set[asyncio.Task[Any]] = set()
        #: Outbound calls placed in the apps (:mod:`.app_outbound`), set by the edge.
        self.outbound: AppOutbound | None = None

    # -- sessions ------------------------------------------------------------------------------
    def attach(self, account_id: str, user_id: str, send: Callable[[Message], None]) -> AppSession:
        """A signed-in app connected: from now on calls ringing its user are offered to it."""
        session = AppSession(account_id, user_id, send)
        self._sessions[session.id] = session
        self._by_user.setdefault(user_id, []).append(session)
        return session

    def detach(self, session: AppSession) -> None:
        """The app went away: its ringing offers are unanswered, its call is hung up."""
        self._sessions.pop(session.id, None)
        sessions = self._by_user.get(session.user_id, [])
        if session in sessions:
            sessions.remove(session)
        if not sessions:
            self._by_user.pop(session.user_id, None)
        if self.outbound is not None:
            self.outbound.detached(session)
        for call in list(session.offers.values()):
            if call.leg is not None and call.leg is call.inbound.bridged:
                self._guarded(call.inbound, "app gone", call.hang_up_from_app)
            elif call.session.live:
                self._guarded(call.inbound, "app gone", call.abandon)

    def contacts(self, user_id: str) -> list[str]:
        """Where ``user_id``'s connected apps are reached."""
        return [s.contact for s in self._by_user.get(user_id, [])]

    def calls_of(self, call_id: str) -> list[AppCall]:
        """The offers of the contact center's call ``call_id`` to apps still connected."""
        return [c for c in self._calls.values() if c.inbound.call_id == call_id]

    def forget(self, call: AppCall) -> None:
        self._calls.pop(call.call_id, None)
        call.app.offers.pop(call.call_id, None)
        if call.prepared is not None and not call.prepared.done():
            call.prepared.add_done_callback(lambda _: self._spawn(_close_prepared(call)))
        elif call.bridge is not None:
            self._spawn(call.bridge.close())

    # -- offering ------------------------------------------------------------------------------
    def offer(self, contact: str, inbound: InboundCall, details: Message) -> AppCall | None:
        """Offer ``inbound`` to the app at ``contact``; None if it is no longer connected."""
        session = self._sessions.get(contact.removeprefix(APP_SCHEME))
        if session is None:
            return None
        call = AppCall(self, session, inbound)
        self._calls[call.call_id] = call
        session.offers[call.call_id] = call
        session.send({"type": "call.offered", "offer": call.call_id, **details})
        return call

    # -- what the app says -----------------------------------------------------------------------
    def handle(self, session: AppSession, message: Message) -> None:
        """One message from ``session``'s app; a refusal goes back to it as ``call.refused``."""
        if self.outbound is not None and self.outbound.handle(session, message):
            return  # a call this app placed
        kind = message.get("type")
        key = message.get("offer")
        call = session.offers.get(key) if isinstance(key, str) else None
        if kind not in KINDS:
            session.send({"type": "error", "message": f"unknown message type {kind!r}"})
            return
        if call is None or not call.session.live:
            session.send({"type": "call.refused", "offer": key, "message": _too_late(kind)})
            return
        inbound = call.inbound
        if kind == "ringing":
            self._guarded(inbound, "app ringing", lambda: inbound.app_ringing(call))
        elif kind == "prepare":
            offer_sdp = message.get("sdp")
            if not isinstance(offer_sdp, str) or not offer_sdp.strip():
                session.send({"type": "call.refused", "offer": key, "message": "no WebRTC offer"})
                return
            if call.prepared is None:
                call.prepared = asyncio.ensure_future(self._prepare(call, offer_sdp))
        elif kind == "reject":
            if call.accepted:
                session.send({"type": "call.refused", "offer": key, "message": "already accepted"})
                return
            call.declined = True
            self._guarded(inbound, "app reject", call.abandon)
        elif kind == "accept":
            if call.prepared is None:
                session.send(
                    {"type": "call.refused", "offer": key, "message": "the audio is not prepared"}
                )
                return
            if not call.accepted:
                call.accepted = True
                self._spawn(self._accept(call))
        elif kind == "hangup":
            self._guarded(inbound, "app hangup", call.hang_up_from_app)
        elif kind == "keypad":
            self._keypad(session, call, message.get("digits"))
        elif kind in ("hold", "resume") and call.leg is not None:
            if call.leg is not inbound.bridged:
                session.send({"type": "call.refused", "offer": key, "message": "not in this call"})
                return
            leg = call.leg
            held = kind == "hold"
            self._guarded(inbound, f"app {kind}", lambda: inbound.app_hold(leg, held))

    @staticmethod
    def _keypad(session: AppSession, call: AppCall, digits: object) -> None:
        """Keys pressed on the app's keypad go into the call; a bad key is refused, naming it,
        and none of the keys is sent."""
        if not isinstance(digits, str) or not digits:
            session.send({"type": "error", "message": "keypad: digits must be a non-empty text"})
            return
        bad = sorted(set(digits) - KEYPAD_KEYS)
        if bad:
            keys = ", ".join(repr(k) for k in bad)
            session.send({"type": "error", "message": f"keypad: {keys} is not a key of the keypad"})
            return
        if call.bridge is None or call.leg is None or call.leg is not call.inbound.bridged:
            session.send({"type": "error", "message": "keypad: this call is not connected"})
            return
        call.bridge.press_keys(digits)

    async def _prepare(self, call: AppCall, offer_sdp: str) -> WebRtcBridge | None:
        """Set up the WebRTC leg while the app rings, so that accepting connects at once.

        The leg carries nothing to or from the call until the agent's answer is registered:
        the bridge sends to the relay only from then on, and the relay sends to it only once
        it is bridged to this agent.
        """
        inbound = call.inbound
        bridge = WebRtcBridge(
            inbound.relay.core.payload_type(Leg.B), inbound.relay.leg_b.local_address
        )
        call.bridge = bridge
        try:
            answer = await bridge.answer(offer_sdp)
        except WebRtcRefused as exc:
            call.app.send({"type": "call.refused", "offer": call.call_id, "message": str(exc)})
            await bridge.close()
            call.bridge = None
            return None
        if call.session.live:
            call.app.send({"type": "call.answer", "offer": call.call_id, "sdp": answer})
        return bridge

    async def _accept(self, call: AppCall) -> None:
        inbound = call.inbound
        assert call.prepared is not None
        bridge = await call.prepared
        if not call.session.live:
            return  # the caller left, or someone else answered, meanwhile
        if bridge is None:
            call.accepted = False
            return  # refused while preparing: the app was told why
        try:
            await bridge.wait_connected()
        except (ConnectionError, TimeoutError) as exc:
            LOG.info("call %s: the WebRTC leg did not connect: %s", inbound.call_id, exc)
            if call.session.live and call.leg is not None:
                call.app.send(
                    {
                        "type": "call.refused",
                        "offer": call.call_id,
                        "message": f"audio could not be connected ({exc})",
                    }
                )
                self._guarded(inbound, "app audio failed", call.abandon)
            return
        if not call.session.live or call.leg is None:
            return
        host, port = bridge.rtp_address
        answer_for_relay = bytes(sdp.make_offer(host, port, codecs=(inbound.codec,)))
        bridge.sending = True
        leg = call.leg
        self._guarded(inbound, "app answer", lambda: inbound.agent_answered(leg, answer_for_relay))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            LOG.warning("agent app task failed: %r", task.exception())

    async def close(self) -> None:
        for call in list(self._calls.values()):
            if call.bridge is not None:
                await call.bridge.close()
        for task in list(self._tasks):
            task.cancel()


async def _close_prepared(call: AppCall) -> None:
    if call.bridge is not None:
        await call.bridge.close()


def _too_late(kind: object) -> str:
    if kind in ("accept", "prepare"):
        return "this call is no longer ringing: it was answered on another device or has ended"
    if kind == "reject":
        return "this call is no longer ringing: the caller has hung up or it was answered"
    return "this call has ended"
