"""Outbound calls an agent places (ZT-TKT-2, 7): the agent's phone first, then the callee.

Like a click-to-call console: the reference rings the agent's registered phone; once the agent
picks up, it calls the callee through the account's carrier (a SIP address on loopback). When
the callee answers, one RTP relay bridges the two (leg A: the callee, leg B: the agent). The
callee refusing, or ringing out after the call's ring time, ends the agent's leg too; either
side hanging up after the answer ends the other. Every decision about tickets is the
:class:`~harness.reference.tickets.Tickets` part's; this module only moves SIP and media.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from harness.media.relay import Leg
from harness.media.transport import RtpRelay
from harness.reference.domain.talk import OutboundCall
from harness.reference.store_call_out import CallOutTables
from harness.reference.telephony.call_out_watch import SignallingLog, SilenceWatch, publish_ringing
from harness.reference.telephony.recorder import CallRecorder
from harness.reference.tickets import Tickets
from harness.sip import events as sip_events
from harness.sip import sdp
from harness.sip.transport import OutgoingCall

if TYPE_CHECKING:
    from harness.reference.telephony.edge import SipEdge

LOG = logging.getLogger("callproof.reference.outbound")


@dataclass(eq=False)
class OutboundBridge:
    """One outbound call's two legs and their relay."""

    edge: SipEdge
    tickets: Tickets
    call: OutboundCall
    relay: RtpRelay
    carrier: tuple[str, int]
    agent: OutgoingCall | None = None
    callee: OutgoingCall | None = None
    answered: bool = False
    finished: bool = False
    on_finished: Callable[[OutboundBridge], None] | None = None
    recorder: CallRecorder | None = None
    on_callee_answered: Callable[[], None] | None = None  # an agent app is told (app_outbound)
    ended_reason: str = ""  # why the call ended, once it has
    signalling: SignallingLog | None = None  # where the call's SIP messages are kept (SG-ERR-12)
    watch: SilenceWatch | None = None  # ends the call if the agent's side goes silent (SG-ERR-9)
    _ring_timer: asyncio.TimerHandle | None = field(default=None, repr=False)

    @property
    def call_id(self) -> str:
        return self.call.call_id

    def start(self, agent_contact: str) -> None:
        """Ring the agent's phone with an offer for leg B of the relay."""
        host, port = self.relay.leg_b.local_address
        offer = sdp.make_offer(host, port, codecs=("PCMU",))
        self.agent = self.edge.sip.invite(
            agent_contact, f"sip:{self.call.line}@{host}", bytes(offer)
        )
        self.edge.route(self.agent, self)

    def on_agent_event(self, leg: OutgoingCall, event: sip_events.UaEvent) -> None:
        """Events of either leg (the edge routes both here)."""
        if self.finished:
            return
        if leg is self.agent:
            self._agent_event(event)
        elif leg is self.callee:
            self._callee_event(event)

    def _agent_event(self, event: sip_events.UaEvent) -> None:
        assert self.agent is not None
        if isinstance(event, sip_events.CallAnswered):
            answer = sdp.SessionDescription.parse(event.response.body or b"")
            self.relay.leg_b.set_remote(*sdp.remote_rtp_address(answer))
            timeout = CallOutTables(self.tickets.store).settings(self.call.account_id)
            self.watch = SilenceWatch(self.relay, Leg.B, timeout.stuck_call_timeout_s, self._stuck)
            if self.call.mode == "app":  # SG-ERR-13: an internal call rings no customer
                publish_ringing(self.tickets, self.call)
                loop = asyncio.get_running_loop()
                self._ring_timer = loop.call_later(self.call.ring_time_s, self._app_ring_over)
                return
            self._dial_callee()
        elif isinstance(event, sip_events.CallEnded):
            reason = "the agent hung up" if self.answered else "the agent's phone did not connect"
            self._end("failed" if not self.answered else "answered", reason, hang_up=self.callee)

    def _dial_callee(self) -> None:
        host, port = self.relay.leg_a.local_address
        offer = sdp.make_offer(host, port, codecs=("PCMU",))
        c_host, c_port = self.carrier
        target_host = f"[{c_host}]" if ":" in c_host else c_host
        self.callee = self.edge.sip.invite(
            f"sip:{self.call.to}@{target_host}:{c_port}",
            f"sip:{self.call.line}@{host}",
            bytes(offer),
        )
        self.edge.route(self.callee, self)
        loop = asyncio.get_running_loop()
        self._ring_timer = loop.call_later(self.call.ring_time_s, self._ring_time_over)

    def _stuck(self, silent_s: float) -> None:
        self.fail(f"the call was stuck: nothing from the agent's side for {silent_s:.1f} s")

    def _app_ring_over(self) -> None:
        self._ring_timer = None
        # The outcome first: ending the agent's leg reports it, which alone would say "failed".
        self.tickets.outbound_ended(self.call_id, "unanswered", "nobody answered in the app")
        if self.agent is not None and self.agent.session.live:
            self.agent.end()
        self.finish()

    def _callee_event(self, event: sip_events.UaEvent) -> None:
        assert self.callee is not None
        ringing = isinstance(event, sip_events.CallProgress) and event.response.status in (180, 183)
        if ringing and not self.answered:
            publish_ringing(self.tickets, self.call)
        if isinstance(event, sip_events.CallAnswered):
            self._cancel_timer()
            answer = sdp.SessionDescription.parse(event.response.body or b"")
            self.relay.leg_a.set_remote(*sdp.remote_rtp_address(answer))
            if self.tickets.recording_on(self.call.account_id):
                self.recorder = CallRecorder()
                self.relay.forwarded_tap = self.recorder
            self.relay.connect()
            self.answered = True
            self.tickets.outbound_answered(self.call_id)
            if self.on_callee_answered is not None:
                self.on_callee_answered()
        elif isinstance(event, sip_events.CallEnded):
            if self.answered:
                self._end("answered", "the callee hung up", hang_up=self.agent)
                return
            outcome = self.callee.outcome
            if isinstance(outcome, sip_events.Rejected):
                reason = f"the callee refused ({outcome.status} {outcome.reason})"
                self._end("rejected", reason, hang_up=self.agent)
            elif isinstance(outcome, sip_events.Cancelled):
                self._end("unanswered", "the callee did not answer", hang_up=self.agent)
            else:
                self._end("failed", f"the call to the callee failed ({outcome})", self.agent)

    def _ring_time_over(self) -> None:
        self._ring_timer = None
        if self.callee is not None and not self.answered and self.callee.session.live:
            self.callee.end()  # a CANCEL: the callee's phone stops ringing

    def fail(self, reason: str) -> None:
        """Something broke while handling this call: end both legs."""
        if self.finished:
            return
        for leg in (self.agent, self.callee):
            if leg is not None and leg.session.live:
                leg.end()
        self._end("failed", f"failed: {reason}", hang_up=None)

    def agent_leg_connected(self, host: str, port: int) -> None:
        """An agent leg other than a SIP phone (the agent app's WebRTC leg) is up and takes
        leg B's audio at ``host:port``: call the customer now."""
        if self.finished:
            return
        self.relay.leg_b.set_remote(host, port)
        self._dial_callee()

    def agent_hung_up(self) -> None:
        """The agent ended the call from an agent leg other than a SIP phone."""
        if self.finished:
            return
        self._cancel_timer()
        reason = "the agent hung up" if self.answered else "the agent hung up before the answer"
        self._end("answered" if self.answered else "unanswered", reason, hang_up=self.callee)

    def _end(self, outcome: str, reason: str, hang_up: OutgoingCall | None) -> None:
        self.ended_reason = reason
        if hang_up is not None and hang_up.session.live:
            hang_up.end()
        self.tickets.outbound_ended(self.call_id, outcome, reason)
        self.finish()

    def _cancel_timer(self) -> None:
        if self._ring_timer is not None:
            self._ring_timer.cancel()
            self._ring_timer = None

    def finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        self._cancel_timer()
        if self.watch is not None:
            self.watch.stop()
        if self.signalling is not None:
            legs = [leg.call_id for leg in (self.agent, self.callee) if leg is not None]
            messages = self.signalling.take(legs)
            CallOutTables(self.tickets.store).save_signalling(
                self.call.account_id, self.call_id, messages
            )
        self.relay.close()
        recording = self.recorder.samples() if self.recorder is not None else None
        self.tickets.call_finished(self.call.account_id, self.call_id, recording)
        if self.on_finished is not None:
            self.on_finished(self)


class AppLegs(Protocol):
    """Where an agent leg other than a SIP phone starts (see :mod:`.app_outbound`)."""

    def claim(self, agent_contact: str) -> Callable[[OutboundBridge], None] | None: ...


class OutboundDialer:
    """What :class:`~harness.reference.tickets.Tickets` calls to place a call (its ``dialer``)."""

    def __init__(self, edge: SipEdge, tickets: Tickets) -> None:
        self.edge = edge
        self.tickets = tickets
        self.bridges: dict[str, OutboundBridge] = {}
        #: Agent legs that are not SIP phones (the agent app's: :mod:`.app_outbound`).
        self.app_legs: AppLegs | None = None
        self.signalling = SignallingLog()
        self.signalling.install(edge.sip.ua)

    def dial(self, call: OutboundCall, agent_contact: str, carrier: tuple[str, int]) -> None:
        starter = self.app_legs.claim(agent_contact) if self.app_legs is not None else None
        self.edge.spawn(self._dial(call, agent_contact, carrier, starter))

    async def _dial(
        self,
        call: OutboundCall,
        agent_contact: str,
        carrier: tuple[str, int],
        starter: Callable[[OutboundBridge], None] | None = None,
    ) -> None:
        try:
            relay = await RtpRelay.open("127.0.0.1")
        except OSError as exc:
            self.tickets.outbound_ended(call.call_id, "failed", f"no media port: {exc}")
            return
        bridge = OutboundBridge(self.edge, self.tickets, call, relay, carrier)
        bridge.on_finished = self._forget
        bridge.signalling = self.signalling
        self.bridges[call.call_id] = bridge
        try:
            if starter is not None:
                starter(bridge)
            else:
                bridge.start(agent_contact)
        except Exception as exc:
            LOG.exception("outbound call %s could not start", call.call_id)
            bridge.fail(f"{type(exc).__name__}: {exc}")

    def _forget(self, bridge: OutboundBridge) -> None:
        self.bridges.pop(bridge.call_id, None)

    def close(self) -> None:
        """End every outbound call (the edge is closing)."""
        for bridge in list(self.bridges.values()):
            bridge.fail("the contact center is stopping")
