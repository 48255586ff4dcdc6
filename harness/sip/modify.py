"""Changing an established call with a re-INVITE (RFC 3261 section 14, RFC 3264 section 8).

Both roles of a call may modify it (hold, resume, new media): :class:`ClientReinvite` is a
re-INVITE we send, :class:`ServerReinvite` one we received. At most one INVITE transaction
runs in a dialog at a time (14.1); what happens when both sides try at once is settled
here:

- we receive a re-INVITE while ours is in progress: 491 Request Pending (14.2);
- ours gets 491: wait 2.1-4 s if we own the Call-ID, else 0-2 s, then try once more (14.1);
- ours is asked for while theirs is unanswered (or its 2xx unacknowledged): it waits and
  leaves as soon as the dialog is free;
- 408, 481 or no answer at all to ours: the dialog is gone, the call ends (12.2.1.2).

A received re-INVITE the application does not answer itself can be answered with
:meth:`ServerReinvite.answer_automatically`: our last SDP, its direction mirrored.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from harness.sip.auth import Credentials
from harness.sip.events import (
    Failed,
    ReinviteAccepted,
    ReinviteCompleted,
    ReinviteOutcome,
    ReinviteRejected,
    TimedOut,
)
from harness.sip.grammar import SipParseError
from harness.sip.message import SipRequest, SipResponse, build_response
from harness.sip.sdp import SdpNegotiationError, SessionDescription, mirror_answer, next_offer

if TYPE_CHECKING:
    from harness.sip.session import InviteSession
    from harness.sip.transaction import Address

__all__ = [
    "GLARE_NOT_OWNER",
    "GLARE_OWNER",
    "MAX_GLARE_RETRIES",
    "ClientReinvite",
    "Refusable",
    "ServerReinvite",
    "glare_delay",
    "restamp_offer",
]

GLARE_OWNER = (2.1, 4.0)  # 14.1: the UAC that generated the Call-ID waits longer...
GLARE_NOT_OWNER = (0.0, 2.0)  # ...than the other one, so the two retries do not collide
MAX_GLARE_RETRIES = 4


def glare_delay(owner: bool, rng: random.Random | None = None) -> float:
    """A retry delay after 491, in units of 10 ms as section 14.1 asks."""
    low, high = GLARE_OWNER if owner else GLARE_NOT_OWNER
    draw = (rng or random).randint(round(low * 100), round(high * 100))
    return draw / 100


def restamp_offer(offer: bytes, previous: bytes | None) -> bytes:
    """``offer`` carrying the origin of ``previous`` with the next version (RFC 3264 8).

    Bodies that are not SDP we can read are sent as given.
    """
    if previous is None:
        return offer
    try:
        return bytes(
            next_offer(SessionDescription.parse(offer), SessionDescription.parse(previous))
        )
    except SipParseError:
        return offer


@dataclass(eq=False)
class ClientReinvite:
    """A re-INVITE we send; ``outcome`` is set once it is settled.

    ``state`` is "waiting" (for the dialog to be free, or for the glare timer), "sent"
    (its transaction runs) or "done".
    """

    session: InviteSession
    offer: bytes
    credentials: Credentials | None = None
    state: Literal["waiting", "sent", "done"] = "waiting"
    request: SipRequest | None = None
    response: SipResponse | None = None
    ack: SipRequest | None = field(default=None, repr=False)
    outcome: ReinviteOutcome | None = None
    glare_retries: int = 0
    auth_attempts: int = 0
    retry_at: float | None = None

    # --- timers -------------------------------------------------------------------------

    def next_timer(self) -> float | None:
        """When the glare retry is due."""
        return self.retry_at

    def handle_timer(self, now: float) -> None:
        """Try again after a 491, as soon as the dialog allows."""
        if self.retry_at is not None and self.retry_at <= now:
            self.retry_at = None
            self.flush(now)

    # --- sending ------------------------------------------------------------------------

    def flush(self, now: float) -> None:
        """Send the re-INVITE if it is waiting and nothing else holds the dialog."""
        s = self.session
        if self.state != "waiting" or self.retry_at is not None or not s.dialog_free:
            return
        assert s.dialog is not None
        ua = s._core
        self.offer = restamp_offer(self.offer, s.local_sdp)
        hop = s.dialog.next_hop()
        request = ua.stamp(s.dialog.create_reinvite(self.offer), hop)
        self.request, self.state = request, "sent"
        ua.start_transaction(request, hop, self, now)

    # --- inputs from the core -----------------------------------------------------------

    def _on_response(self, response: SipResponse, now: float) -> None:
        s = self.session
        if response.status < 200 or s.dialog is None:
            return
        if response.status >= 300:
            self._on_failure(response, now)
        elif self.ack is not None:  # a 2xx retransmission: our ACK was lost (13.2.2.4)
            s._core.send_stateless(self.ack, s.dialog.next_hop(), now)
        else:
            assert self.request is not None
            s.dialog.refresh_target(response)  # 12.2.1.2: a target refresh
            self.ack = s._core.stamp(s.dialog.create_ack(self.request.cseq.seq))
            s._core.send_stateless(self.ack, s.dialog.next_hop(), now)
            self.response = response
            if response.body:
                s.local_sdp, s.remote_sdp = self.offer, response.body
                self._finish(ReinviteAccepted(response, self.glare_retries), now)
            else:  # the ACK is sent all the same; the session stays as it was (14.1)
                self._finish(Failed("2xx to re-INVITE without an SDP answer"), now)

    def _on_failure(self, response: SipResponse, now: float) -> None:
        s, status = self.session, response.status
        assert self.request is not None
        self.response = response
        retry = s._core.auth_retry(self.request, response, self.credentials, self.auth_attempts)
        if retry is not None and s.dialog is not None:
            self.auth_attempts += 1
            s.dialog.local_cseq = retry.cseq.seq
            self.request = retry
            s._core.start_transaction(retry, s.dialog.next_hop(), self, now)
            return
        if status == 491 and self.glare_retries < MAX_GLARE_RETRIES and s.live:
            self.glare_retries += 1
            self.state = "waiting"
            self.retry_at = now + glare_delay(owner=s.role == "uac", rng=s._core.rng)
            s._core.reschedule(self)
            return
        self._finish(ReinviteRejected(status, response.reason, response), now)
        if status in (408, 481):  # 12.2.1.2: the dialog is gone
            s._lose_dialog(f"{status} to re-INVITE", now, by="remote", send_bye=status == 408)

    def _on_transaction_failure(self, reason: str, timed_out: bool, now: float) -> None:
        self._finish(TimedOut(reason) if timed_out else Failed(reason), now)
        self.session._lose_dialog(f"re-INVITE failed: {reason}", now, by="network", send_bye=True)

    def _finish(self, outcome: ReinviteOutcome, now: float) -> None:
        if self.outcome is not None:
            return
        self.outcome, self.state, self.retry_at = outcome, "done", None
        self.session._core.report(ReinviteCompleted(self.session.handle, outcome))

    def _abandon(self, now: float) -> None:
        """The call ended first."""
        self._finish(Failed("the call ended before the re-INVITE completed"), now)


class Refusable:
    """The one ``reject`` of an INVITE we received, a new call's or a re-INVITE's.

    A subclass checks that it may still refuse and builds the response (`_refusal`), then
    sends it and does what follows (`_refused`).
    """

    def reject(
        self,
        status: int,
        now: float,
        *,
        reason: str | None = None,
        extra: Iterable[tuple[str, str]] = (),
    ) -> SipResponse:
        """Refuse the INVITE with a 3xx-6xx final response; a refused re-INVITE leaves the
        session as it was (14.2)."""
        if status < 300:
            raise ValueError("reject needs a 3xx-6xx status")
        response = self._refusal(status, reason, extra, now)
        self._refused(response, now)
        return response

    def _refusal(
        self, status: int, reason: str | None, extra: Iterable[tuple[str, str]], now: float
    ) -> SipResponse:
        """The final response, once checked that the INVITE may still be refused."""
        raise NotImplementedError

    def _refused(self, response: SipResponse, now: float) -> None:
        """Send ``response`` and end what it refuses."""
        raise NotImplementedError


@dataclass(eq=False)
class ServerReinvite(Refusable):
    """A re-INVITE we received: answer, reject, or let :meth:`answer_automatically` do it."""

    session: InviteSession
    request: SipRequest
    peer: Address
    response: SipResponse | None = None
    confirmed: bool = False  # the ACK for our 2xx arrived
    _retransmit_at: float | None = None
    _interval: float = 0.0
    _give_up: float = 0.0

    @property
    def offer(self) -> bytes | None:
        """The SDP offer, or None for an offerless re-INVITE (the answer comes in the ACK)."""
        return self.request.body or None

    @property
    def pending(self) -> bool:
        """True until answered with a failure, or answered 2xx and acknowledged."""
        if self.response is None:
            return True
        return self.response.status < 300 and not self.confirmed and self.session.live

    @property
    def answered(self) -> bool:
        """True once a final response was sent."""
        return self.response is not None

    # --- actions ------------------------------------------------------------------------

    def answer(self, sdp: bytes, now: float) -> SipResponse:
        """200 OK with ``sdp``: the answer, or our offer when the re-INVITE had none."""
        s = self.session
        if self.answered or not s.live or s.dialog is None:
            raise ValueError("this re-INVITE is already answered or its call has ended")
        if not sdp:
            raise ValueError("a 2xx to a re-INVITE carries SDP (RFC 3264 section 8)")
        s.dialog.refresh_target(self.request)  # 12.2.2: a target refresh request
        ua = s._core
        response = build_response(
            self.request,
            200,
            contact=ua.contact(),
            body=sdp,
            content_type="application/sdp",
            extra=[("Allow", ", ".join(ua.allow))],
        )
        self.response = response
        s.local_sdp = sdp
        if self.offer is not None:
            s.remote_sdp = self.offer
        ua.respond_to(self.request, self.peer, response, now)
        # 13.3.1.4 applies to every 2xx to an INVITE: retransmit until the ACK arrives.
        self._interval = ua.timers.t1
        self._retransmit_at = now + self._interval
        self._give_up = now + 64 * ua.timers.t1
        ua.reschedule(self)
        return response

    def _refusal(
        self, status: int, reason: str | None, extra: Iterable[tuple[str, str]], now: float
    ) -> SipResponse:
        if self.answered:
            raise ValueError("this re-INVITE is already answered")
        return build_response(self.request, status, reason, extra=extra)

    def _refused(self, response: SipResponse, now: float) -> None:
        # 14.2: the session stays as it was.
        self.response = response
        self.session._core.respond_to(self.request, self.peer, response, now)
        self.session._dialog_freed(now)

    def answer_automatically(self, now: float) -> SipResponse:
        """Answer with our last SDP, direction mirrored (RFC 3264 6.1); 488 if impossible.

        sendonly is answered recvonly, inactive inactive, sendrecv sendrecv. An offerless
        re-INVITE gets our last SDP as the offer, version one higher.
        """
        local = self.session.local_sdp
        try:
            if local is None:
                raise SdpNegotiationError("we never sent a session description")
            previous = SessionDescription.parse(local)
            if self.offer is None:
                sdp = previous.next_version()
            else:
                sdp = mirror_answer(SessionDescription.parse(self.offer), previous)
        except (SipParseError, SdpNegotiationError) as exc:
            return self.reject(488, now, reason=f"Not Acceptable Here ({exc})"[:100])
        return self.answer(bytes(sdp), now)

    # --- timers -------------------------------------------------------------------------

    def next_timer(self) -> float | None:
        """When our 2xx must be sent again."""
        return self._retransmit_at

    def handle_timer(self, now: float) -> None:
        """Retransmit the 2xx (T1 doubling up to T2); after 64*T1 end the call with BYE."""
        if self._retransmit_at is None or self._retransmit_at > now:
            return
        s = self.session
        if now >= self._give_up or not s.live:
            self._retransmit_at = None
            if s.live:
                s._lose_dialog("no ACK for 2xx to re-INVITE", now, by="network", send_bye=True)
            return
        assert self.response is not None
        s._core.respond_to(self.request, self.peer, self.response, now)
        self._interval = min(2 * self._interval, s._core.timers.t2)
        self._retransmit_at = now + self._interval

    # --- inputs from the core -----------------------------------------------------------

    def _on_ack(self, ack: SipRequest, now: float) -> None:
        if self.confirmed or self.response is None or self.response.status >= 300:
            return
        self.confirmed, self._retransmit_at = True, None
        if self.offer is None and ack.body:  # our offer was in the 2xx, the answer is here
            self.session.remote_sdp = ack.body
        self.session._dialog_freed(now)

    def _terminate(self, now: float) -> None:
        """The call ended with this re-INVITE unanswered: 487 (RFC 3261 section 15.1.2)."""
        if self.response is None:
            self.response = build_response(self.request, 487)
            self.session._core.respond_to(self.request, self.peer, self.response, now)
        self._retransmit_at = None

    def _supersede(self) -> None:
        """A newer re-INVITE arrived: the peer must have had our 2xx; stop resending it."""
        self.confirmed, self._retransmit_at = True, None
