"""One inbound call through the reference's B2BUA: ring the planned agents, bridge the answer.

The caller's leg and every agent leg are separate SIP dialogs; media goes through one RTP relay
per call (leg A: the caller, leg B: whichever agent's answer is registered). An answer that the
service does not register (an out-of-sync assignment, AC-ANS-3) still completes that agent's
SIP dialog and answers the caller, but the relay stays disconnected: both sides hear silence,
exactly the "stuck answered call" the seed describes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from harness.media.relay import Leg
from harness.media.transport import RtpRelay
from harness.reference.domain.inbound import InboundPlan, RingStagePlan, RingTarget
from harness.reference.domain.plans import DEFAULT_PLAN, Plan, PlanName
from harness.reference.domain.routed_calls import last_ivr_branch
from harness.reference.service import ContactCenter
from harness.reference.telephony import reserved
from harness.reference.telephony.app_phones import APP_SCHEME, AppCall
from harness.reference.telephony.deflection import at_leaf
from harness.reference.telephony.hold_audio import HoldAudio, line_plays_hold_audio
from harness.reference.telephony.insight import share_insight
from harness.reference.telephony.ivr import IvrSession
from harness.reference.telephony.offers import review_caller_offer
from harness.reference.telephony.recorder import CallRecorder
from harness.reference.telephony.whisper import put_through
from harness.sip import events as sip_events
from harness.sip import sdp
from harness.sip.grammar import SipParseError
from harness.sip.offer import OfferReview
from harness.sip.transport import IncomingCall, OutgoingCall

if TYPE_CHECKING:
    from harness.reference.telephony.edge import SipEdge

LOG = logging.getLogger("callproof.reference.inbound")


@dataclass(eq=False)
class AgentLeg:
    """One agent being rung: a SIP phone's INVITE, or an offer to a signed-in agent app."""

    target: RingTarget
    call: OutgoingCall | AppCall
    answered: bool = False
    registered: bool = False
    sdp: bytes = b""  # the agent's answer, kept until the customer's leg is connected

    @property
    def live(self) -> bool:
        """Whether this leg still rings or talks."""
        return self.call.session.live

    @property
    def declined(self) -> bool:
        """Whether the agent turned the call down (a SIP rejection, or Reject in the app)."""
        if isinstance(self.call, AppCall):
            return self.call.declined
        return isinstance(self.call.outcome, sip_events.Rejected)


@dataclass(eq=False)
class InboundCall:
    edge: SipEdge
    center: ContactCenter
    caller: IncomingCall
    plan: InboundPlan
    codec: str
    relay: RtpRelay
    review: OfferReview | None  # the caller's offer, checked before anyone rang; None: late offer
    legs: list[AgentLeg] = field(default_factory=list)
    stage_index: int = -1
    caller_answered: bool = False  # 200 sent to the caller
    caller_connected: bool = False  # ... and acknowledged: the customer is connected
    connecting: list[AgentLeg] = field(default_factory=list)  # answers waiting for that ACK
    bridged: AgentLeg | None = None
    finished: bool = False
    _ring_timer: asyncio.TimerHandle | None = None
    on_finished: Callable[[InboundCall], None] | None = None
    recorder: CallRecorder | None = None  # when the account records calls (ZT-TKT-12)
    ivr: IvrSession | None = None  # a call entering the queue tree: its menus and prompts
    closing: list[Callable[[], None]] = field(default_factory=list)  # run once as it finishes
    external: OutgoingCall | None = None  # the leg to a number the call was redirected to
    external_number: str = ""
    external_answered: bool = False
    insight: asyncio.Future[dict[str, Any] | None] | None = None  # the CRM lookup, once per call
    transfer_to: str | None = None  # the user a blind transfer rings (telephony.transfer)
    hold: HoldAudio | None = None  # the line's hold audio while the caller waits (hold_audio)

    @property
    def call_id(self) -> str:
        return self.plan.call_id

    @property
    def stages(self) -> tuple[RingStagePlan, ...]:
        if self.plan.stages:
            return self.plan.stages
        return (RingStagePlan(self.plan.ring_time_s, tuple(self.plan.targets)),)

    # -- ringing ---------------------------------------------------------------------------
    def start(self) -> None:
        if self.ivr is not None:  # the IVR answers; its menus start once the caller is connected
            self.answer_caller()
            return
        if line_plays_hold_audio(self):  # answered at once: the melody starts on the ACK
            self.hold = HoldAudio(self)
            self.answer_caller()
        self.next_stage()

    def reached_leaf(self, queue_id: str) -> None:
        """The caller chose a leaf queue in the IVR: ring it, or deflect after hours."""
        at_leaf(self, queue_id)

    def ring_plan(self, plan: InboundPlan) -> None:
        """Ring ``plan`` from its first stage (a queue reached through the IVR)."""
        self.plan = plan
        self.stage_index = -1
        if self.caller_connected and self.bridged is None and line_plays_hold_audio(self):
            self.hold = self.hold or HoldAudio(self)
            self.hold.start()
        self.next_stage()

    def caller_number(self) -> str:
        """The caller's number as its From URI gives it ("anonymous" when hidden)."""
        return self.caller.request.from_.uri.user or ""

    def redirect_to(self, e164: str) -> None:
        """Redirect the call to another number (CC-AH-17): see :mod:`.redirect`."""
        from harness.reference.telephony.redirect import redirect

        redirect(self, e164)

    def hang_up_after_message(self) -> None:
        """A message-only deflection has played: the call ends (CC-AH-19)."""
        if self.finished:
            return
        # The entry is closed first: the caller's leg, ended by us, must not read as a hang-up.
        self.end_everything("system", "after hours: message played")
        self.caller.end()

    def next_stage(self) -> None:
        """Ring the next stage of the plan, or give up when none is left."""
        while not self.finished:
            self.stage_index += 1
            if self.stage_index >= len(self.stages):
                self.no_one_answered()
                return
            stage = self.stages[self.stage_index]
            rung = [self.ring(target) for target in stage.targets]
            if any(rung):
                loop = asyncio.get_running_loop()
                self._ring_timer = loop.call_later(stage.ring_time_s, self.ring_time_over)
                return

    def ring(self, target: RingTarget) -> bool:
        """Ring every agent app ``target`` has signed in, and her first SIP phone."""
        apps = [c for c in target.contacts if c.startswith(APP_SCHEME)]
        phones = [c for c in target.contacts if not c.startswith(APP_SCHEME)]
        offered = [self.ring_app(target, contact) for contact in apps]
        if not phones and not any(offered):
            self.center.ring_timeout(self.call_id, target.user_id)  # no phone to ring
            return False
        for notify in self.edge.offer_hooks:  # SMS notifications of the offer (CC-NTF-6)
            notify(self, target)
        host, port = self.relay.leg_b.local_address
        offer = sdp.make_offer(host, port, codecs=(self.codec,))
        caller_uri = self.caller.request.from_.uri
        for contact in phones[:1]:
            call = self.edge.sip.invite(contact, f"sip:{caller_uri.user}@{host}", bytes(offer))
            leg = AgentLeg(target, call)
            self.legs.append(leg)
            self.edge.route(call, self)
            self.center.record_sip_call_id(self.call_id, call.call_id)
        return True

    def ring_app(self, target: RingTarget, contact: str) -> bool:
        """Offer the call to a signed-in agent app (its ringing pop-up)."""
        from_ = self.caller.request.from_
        number = self.center.get_number(self.plan.account_id, self.plan.number_id)
        caller = unquote(from_.uri.user or "", errors="replace") or "anonymous"
        details = {
            "call_id": self.call_id,
            "caller": caller,
            "caller_name": from_.display or "",
            "line": {"name": number.name, "e164": number.e164, "id": number.id},
            "history": self.history(caller),
            "plan": self.account_plan().as_dict(),
            "crm": self.center.store.crm_settings(self.plan.account_id) is not None,
            "ivr_branch": last_ivr_branch(self.center.get_call(self.plan.account_id, self.call_id)),
            # The caller's user profile flags (CC-RSV-3): its reserved data, label and meaning.
            **reserved.offer_details(self.center, self.plan.account_id, self.call_id),
        }
        call = self.edge.apps.offer(contact, self, details)
        if call is None:
            return False
        share_insight(self, call, caller)
        leg = AgentLeg(target, call)
        call.leg = leg
        self.legs.append(leg)
        return True

    def account_plan(self) -> Plan:
        """The account's plan: which conversation sections the app shows (AC-IN-15)."""
        stored = self.center.store.plan(self.plan.account_id)
        return Plan(PlanName(stored[0]), stored[1]) if stored else DEFAULT_PLAN

    def history(self, caller: str) -> list[dict[str, str]]:
        """The earlier calls between this caller and this line, newest first (the conversation
        the app opens from the pop-up)."""
        account_id = self.plan.account_id
        names = {u.id: u.name for u in self.center.list_users(account_id)}
        earlier = [
            c
            for c in self.center.list_calls(account_id, self.plan.number_id)
            if c.caller == caller and c.call_id != self.call_id
        ]
        earlier.sort(key=lambda c: c.started_at, reverse=True)
        return [
            {
                "call_id": c.call_id,
                "channel": "voice",
                "started_at": c.started_at.isoformat(timespec="seconds"),
                "status": c.status.value if c.status is not None else "in progress",
                "answered_by": names.get(c.answered_by or "", ""),
            }
            for c in earlier
        ]

    def app_ringing(self, call: AppCall) -> None:
        """The app shows the ringing pop-up: for the caller, as a phone's 180."""
        leg = call.leg
        if leg is None or self.finished or not leg.live:
            return
        self.center.agent_ringing(self.call_id, leg.target.user_id)
        if not self.caller_answered:
            self.caller.ring()

    def app_hold(self, leg: AgentLeg, held: bool) -> None:
        """The agent put the call on hold in the app, or took it back (as a phone's re-INVITE)."""
        if leg is not self.bridged:
            return
        host, port = self.relay.leg_b.local_address
        direction = "sendonly" if held else "sendrecv"
        self.hold_changed(bytes(sdp.make_offer(host, port, direction=direction)), by="agent")

    def ring_time_over(self) -> None:
        self._ring_timer = None
        for leg in self.legs:
            if not leg.answered and leg.live:
                self.center.ring_timeout(self.call_id, leg.target.user_id)
                leg.call.end()  # a CANCEL while it rings
        if self.bridged is None:
            self.next_stage()

    def arm_ring_timer(self, timer: asyncio.TimerHandle) -> None:
        """Ring the current legs until ``timer`` fires (a transfer's target, say)."""
        if self._ring_timer is not None:
            self._ring_timer.cancel()
        self._ring_timer = timer

    def no_one_answered(self) -> None:
        """Every stage rang out. A stuck caller stays in silence until hanging up."""
        if self.transfer_to is not None:
            from harness.reference.telephony.transfer import transfer_failed

            transfer_failed(self, "the target did not answer")
            return
        if self.hold is not None:
            self.hold.stop()
        if not self.caller_answered:
            self.caller.reject(480, "Temporarily Unavailable")
            self.center.call_ended(self.call_id, "system", "no answer")
            self.finish()
        elif self.hold is not None and self.ivr is None:  # answered only to play hold audio
            self.center.call_ended(self.call_id, "system", "no answer")
            self.caller.end()
            self.finish()

    # -- events from the legs ------------------------------------------------------------------
    def on_agent_event(self, call: OutgoingCall, event: sip_events.UaEvent) -> None:
        if call is self.external:
            from harness.reference.telephony.redirect import on_external_event

            on_external_event(self, event)
            return
        leg = next((x for x in self.legs if x.call is call), None)
        if leg is None or self.finished:
            return
        if isinstance(event, sip_events.CallProgress) and event.response.status in (180, 183):
            self.center.agent_ringing(self.call_id, leg.target.user_id)
            if not self.caller_answered:
                self.caller.ring()
        elif isinstance(event, sip_events.CallAnswered):
            self.agent_answered(leg, event.response.body)
        elif isinstance(event, sip_events.CallEnded):
            self.agent_leg_ended(leg)
        elif isinstance(event, sip_events.ReinviteReceived) and leg is self.bridged:
            self.hold_changed(event.offer, by="agent")

    def agent_answered(self, leg: AgentLeg, agent_sdp: bytes) -> None:
        """An agent picked up: answer the caller; the answer counts once the caller's ACK is in.

        Registering the answer before the customer's leg is connected would log as Answered a
        call whose customer never joined (a 200 that is never acknowledged, a BYE before the
        ACK): the answer is held in ``connecting`` until :meth:`caller_confirmed`.
        """
        leg.answered = True
        leg.sdp = agent_sdp
        if self.bridged is not None:  # someone else's answer was registered first
            leg.call.end()
            return
        self.answer_caller()
        # An answer that would not count anyway (AC-ANS-3) is logged at once, as an attempt.
        if self.caller_connected or not self.center.answer_would_register(
            self.call_id, leg.target.user_id
        ):
            self.register_answer(leg)
        else:
            self.connecting.append(leg)

    def caller_confirmed(self) -> None:
        """The caller acknowledged our 200: the answers waiting for it are registered now."""
        if self.review is None:  # late offer: the caller's answer is in the ACK
            problem = self.use_answer_from_ack()
            if problem is not None:
                self.caller.end()
                self.end_everything("system", f"failed while answering: {problem}")
                return
        self.caller_connected = True
        if self.ivr is not None:
            self.ivr.begin()
        if self.hold is not None and self.bridged is None and not self.connecting:
            self.hold.start()
        waiting, self.connecting = self.connecting, []
        for leg in waiting:
            if leg.live and not self.finished:
                self.register_answer(leg)

    def use_answer_from_ack(self) -> str | None:
        """Send the caller's media where its answer says; or say why that answer is unusable."""
        if not self.caller.remote_sdp:
            return "the ACK carries no answer to our offer"
        try:
            answer = sdp.SessionDescription.parse(self.caller.remote_sdp)
        except SipParseError as exc:
            return f"the answer in the ACK does not parse: {exc.reason}"
        review = review_caller_offer(answer, (self.codec,))
        if review.accepted is None:
            return f"the answer in the ACK is unusable: {review.refusal().reason}"
        host, port = review.remote
        if (":" in host) != (":" in self.relay.leg_a.local_address[0]):
            return f"the answer in the ACK puts media on {host}, another family than our offer's"
        self.relay.leg_a.set_remote(host, port)
        assert review.accepted is not None
        self.relay.set_direction(Leg.A, answer.direction(review.accepted.media))
        return None

    def register_answer(self, leg: AgentLeg) -> None:
        if self.bridged is not None:  # someone else's answer was registered first
            leg.call.end()
            return
        decision = self.center.answer_attempt(self.call_id, leg.target.user_id)
        if not decision.registered:
            LOG.info(
                "call %s: answer by %s not registered (%s)",
                self.call_id,
                leg.target.user_id,
                decision.refusal,
            )
            return
        leg.registered = True
        self.bridged = leg
        self.transfer_to = None
        if self.ivr is not None:
            self.ivr.stop()
        if self.hold is not None:
            self.hold.stop()
        agent_answer = sdp.SessionDescription.parse(leg.sdp)
        host, port = sdp.remote_rtp_address(agent_answer)
        self.relay.leg_b.set_remote(host, port)
        self.relay.set_direction(Leg.B, agent_answer.direction())
        if self.recorder is None and self.center.tickets.recording_on(self.plan.account_id):
            self.recorder = CallRecorder()
            self.relay.forwarded_tap = self.recorder
        put_through(self, leg)  # after the agent's whisper and countdown, when they are on
        if self._ring_timer is not None:
            self._ring_timer.cancel()
            self._ring_timer = None
        # The other phones stop ringing. Their users did not fail to answer: the call was
        # answered by someone else, so nothing is logged for them (and the call, now
        # answered, could not take a "did not answer" anyway).
        for other in self.legs:
            if other is not leg and other.live:
                other.call.end()

    def answer_caller(self) -> None:
        if self.caller_answered:
            return
        a_host, a_port = self.relay.leg_a.local_address
        if self.review is None:  # late offer: we offer in the 200, the answer comes in the ACK
            self.caller.answer(bytes(sdp.make_offer(a_host, a_port, codecs=(self.codec,))))
        else:
            self.relay.leg_a.set_remote(*self.review.remote)
            # RFC 3264 section 6.1: a customer who offered sendonly is heard but hears nothing
            # (recvonly the reverse, inactive neither); the answer mirrors it, the relay obeys it.
            accepted = self.review.require()
            self.relay.set_direction(Leg.A, self.review.offer.direction(accepted.media))
            self.caller.answer(bytes(self.review.answer(a_host, a_port)))
        self.caller_answered = True

    def agent_leg_ended(self, leg: AgentLeg) -> None:
        if leg in self.connecting:  # the agent left before the customer was connected
            self.connecting.remove(leg)
            reason = "the agent hung up before the customer was connected"
            self.center.answer_not_connected(self.call_id, leg.target.user_id, reason)
            if not self.connecting and self.bridged is None:
                self.caller.end()
                self.end_everything("agent", reason)
            return
        if leg is self.bridged:
            self.center.call_ended(self.call_id, "agent", "agent hung up")
            self.caller.end()
            self.finish()
        elif not leg.answered and self.bridged is None and not self.finished:
            if leg.declined:  # declined or busy: that user did not answer
                self.center.ring_timeout(self.call_id, leg.target.user_id)
            if (
                self._ring_timer is not None
                and not any(x.live and not x.answered for x in self.legs)
                and not any(x.answered for x in self.legs)
            ):
                self._ring_timer.cancel()
                self.ring_time_over()

    def hold_changed(self, offer: bytes | None, by: str) -> None:
        """A re-INVITE from a bridged party: sendonly/inactive holds the call, sendrecv resumes.

        The re-INVITE itself is answered by the SIP layer (its direction mirrored, RFC 3264
        section 6.1); here the relay learns the party's new direction and the call log learns
        of the hold. Holding silences the call both ways, as a contact center's hold does (the
        holder is not heard either), so a hold closes that party's side of the relay; a resume
        reopens it, and any direction the other party declared still applies. A recvonly
        re-offer is no hold: that party just stops being heard.
        """
        if offer is None or self.bridged is None:
            return  # an offerless re-INVITE changes nothing we track
        direction = sdp.SessionDescription.parse(offer).direction()
        leg = Leg.A if by == "caller" else Leg.B
        if direction in ("sendonly", "inactive"):
            self.relay.set_direction(leg, "inactive")
            self.center.call_held(self.call_id, by)
        elif direction == "sendrecv":
            self.relay.set_direction(leg, "sendrecv")
            self.center.call_resumed(self.call_id, by)
        else:
            self.relay.set_direction(leg, direction)

    def on_caller_event(self, event: sip_events.UaEvent) -> None:
        if isinstance(event, sip_events.ReinviteReceived):
            self.hold_changed(event.offer, by="caller")
            return
        if isinstance(event, sip_events.CallConfirmed) and not self.finished:
            self.caller_confirmed()
        elif isinstance(event, sip_events.CallEnded) and not self.finished:
            by = "caller" if event.by == "remote" else "system"
            if self.caller_connected:
                reason = "caller hung up"
            elif self.caller_answered:
                reason = (
                    f"failed while answering: the customer was never connected ({event.reason})"
                )
            elif event.by == "remote" and event.reason == "cancelled":
                reason = "caller cancelled"
            else:
                reason = f"the caller's leg ended before the answer ({event.reason})"
            self.end_everything(by, reason)

    def fail(self, reason: str) -> None:
        """Something broke while handling this call: end both legs and close its log entry."""
        if self.finished:
            return
        if self.caller.session.live:
            if self.caller_answered:
                self.caller.end()
            else:
                self.caller.reject(500, "Server Internal Error")
        self.end_everything("system", f"failed: {reason}")

    def run_closing(self) -> None:
        """Run the closing steps (a voicemail to keep) once, before the call's entry closes."""
        closers, self.closing = self.closing, []
        for closer in closers:
            try:
                closer()
            except Exception:
                LOG.exception("call %s: a closing step failed", self.call_id)

    def end_everything(self, by: str, reason: str) -> None:
        """End every leg, log the answers that never reached the customer, close the entry."""
        self.run_closing()
        waiting, self.connecting = self.connecting, []
        for leg in waiting:
            self.center.answer_not_connected(self.call_id, leg.target.user_id, reason)
        self.center.call_ended(self.call_id, by, reason)
        for leg in self.legs:
            if leg.live:
                leg.call.end()
        if self.external is not None and self.external.session.live:
            self.external.end()
        self.finish()

    def finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        self.run_closing()
        if self.ivr is not None:
            self.ivr.stop()
        if self.hold is not None:
            self.hold.stop()
        if self._ring_timer is not None:
            self._ring_timer.cancel()
            self._ring_timer = None
        self.relay.close()
        recording = self.recorder.samples() if self.recorder is not None else None
        self.center.tickets.call_finished(self.plan.account_id, self.call_id, recording)
        if self.on_finished is not None:
            self.on_finished(self)
