"""The caller's side of a call: :class:`ClientInviteSession` (RFC 3261 sections 9, 13.2, 15).

Created by :meth:`UserAgent.invite`. It reacts to the INVITE's responses (the client
transaction has already filtered retransmissions and reordering), ACKs every 2xx,
follows 301/302 redirects (8.1.3.4), cancels and hangs up. Its outcome is one of the
distinct classes in :mod:`harness.sip.events`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from harness.sip.auth import Credentials
from harness.sip.dialog import Dialog
from harness.sip.events import (
    Answered,
    CallAnswered,
    CallOutcome,
    CallProgress,
    Cancelled,
    Failed,
    Redirected,
    Rejected,
    TimedOut,
)
from harness.sip.grammar import SipParseError
from harness.sip.headers import Headers
from harness.sip.message import SipRequest, SipResponse
from harness.sip.redirect import (
    MAX_REDIRECTS,
    REDIRECT_STATUSES,
    UriKey,
    redirect_targets,
    redirected_request,
    uri_key,
)
from harness.sip.session import CallState, InviteSession

__all__ = ["ClientInviteSession"]


@dataclass(eq=False)
class ClientInviteSession(InviteSession):
    """Our outgoing call. ``outcome`` is set once the INVITE has its answer."""

    outcome: CallOutcome | None = None
    provisional: list[SipResponse] = field(default_factory=list)
    credentials: Credentials | None = None
    cancel_requested: bool = False
    cancel_sent: bool = False
    ack: SipRequest | None = None  # kept to answer 2xx retransmissions (13.2.2.4)
    withhold_ack: bool = False  # a fault tests play: never acknowledge the 2xx (a lost ACK)
    answer_offer: Callable[[bytes], bytes | None] | None = field(default=None, repr=False)
    """Late offer (an INVITE without SDP): makes our answer to the offer in the 2xx, which
    goes in the ACK (RFC 3261 section 13.2.1, RFC 3264 section 5)."""
    auth_attempts: int = 0
    redirects: list[str] = field(default_factory=list)  # Request-URIs that redirected us
    _tried: set[UriKey] = field(default_factory=set, repr=False)
    _cancel_deadline: float | None = None

    # --- actions ------------------------------------------------------------------------

    def cancel(self, now: float) -> bool:
        """Cancel the call if not answered yet (9.1); False when it is too late."""
        if not self.pre_answer or self.cancel_requested:
            return False
        self.cancel_requested = True
        # 9.1: a CANCEL must wait for a provisional response; it goes out when one arrives.
        if self.state is not CallState.CALLING:
            self._send_cancel(now)
        return True

    def hangup(self, now: float, *, reason: str = "hangup") -> None:
        """BYE once confirmed, CANCEL before; nothing once terminated (15.1.1)."""
        if self.pre_answer:
            self.cancel(now)
        elif self._move("bye", now):
            self._send_bye(now)
            self._end("local", reason, now)

    def _send_cancel(self, now: float) -> None:
        invite = self.invite
        items = [
            ("Via", invite.headers.get_all("Via")[0]),  # same branch as the INVITE (9.1)
            ("Max-Forwards", "70"),
            ("From", invite.headers.get("From") or ""),
            ("To", invite.headers.get("To") or ""),
            ("Call-ID", invite.call_id),
            ("CSeq", f"{invite.cseq.seq} CANCEL"),
        ]
        items += [("Route", r) for r in invite.headers.get_all("Route")]
        cancel = SipRequest("CANCEL", invite.uri, Headers(items))
        self.cancel_sent = True
        self._core.start_transaction(cancel, self.peer, self, now)
        # 9.1: no final response within 64*T1 of the CANCEL: consider the INVITE cancelled.
        self._cancel_deadline = now + 64 * self._core.timers.t1
        self._core.reschedule(self)

    def next_timer(self) -> float | None:
        """The CANCEL guard, while one runs."""
        return self._cancel_deadline

    def handle_timer(self, now: float) -> None:
        """Give up on an INVITE that never answered our CANCEL."""
        if self._cancel_deadline is not None and self._cancel_deadline <= now:
            self._give_up(now, "no final response after CANCEL")

    def _give_up(self, now: float, reason: str) -> None:
        """Consider the INVITE cancelled without its final response (9.1)."""
        self._cancel_deadline = None
        if self._move("timeout", now):
            self._core.drop_invite_transaction(self)
            self.outcome = Cancelled()
            self._end("network", reason, now)

    # --- inputs from the core -----------------------------------------------------------

    def _on_response(self, response: SipResponse, now: float) -> None:
        if response.cseq.method == "CANCEL" and response.status == 481 and self.pre_answer:
            # The peer knows no such INVITE (it restarted, or lost it): no final response
            # will ever come, so waiting 64*T1 for one (9.1) would only hold the call open.
            self._give_up(now, "481 to CANCEL: the peer has no such call")
            return
        if response.cseq.method != "INVITE":
            return  # answers to our CANCEL or BYE only matter to the trace
        if response.status < 200:
            self._on_provisional(response, now)
        elif response.status < 300:
            self._on_2xx(response, now)
        else:
            self._on_failure_response(response, now)

    def _on_provisional(self, response: SipResponse, now: float) -> None:
        tagged = response.to.tag is not None and response.status > 100
        if not self._move("1xx_tag" if tagged else "1xx", now):
            return
        self.provisional.append(response)
        if tagged and self.dialog is None:
            self.dialog = self._core.bind_dialog(Dialog.from_uac(self.invite, response), self)
        self._core.report(CallProgress(self.handle, response))
        if self.cancel_requested and not self.cancel_sent:
            self._send_cancel(now)

    def _on_2xx(self, response: SipResponse, now: float) -> None:
        ua = self._core
        if self.pre_answer:
            try:
                dialog = Dialog.from_uac(self.invite, response, local_contact=ua.contact())
            except SipParseError as exc:
                if self._move("failure", now):
                    self.outcome = Failed(f"unusable {response.status}: {exc.reason}")
                    self._end("remote", self.outcome.reason, now)
                return
            if self.dialog is not None:
                ua.unbind_dialog(self.dialog)
            self.dialog = ua.bind_dialog(dialog, self)
            self.remote_sdp = response.body or None
            self._move("2xx", now)
            self._cancel_deadline = None
            self.outcome = Answered(response, tuple(self.redirects))
            body = b""
            if not self.invite.body and response.body and self.answer_offer is not None:
                body = self.answer_offer(response.body) or b""
                self.local_sdp = body or None
            content_type = "application/sdp" if body else None
            self.ack = ua.stamp(dialog.create_ack(self.invite.cseq.seq, body, content_type))
            if not self.withhold_ack:
                ua.send_stateless(self.ack, dialog.next_hop(), now)
            ua.report(CallAnswered(self.handle, response))
            if self.cancel_requested:  # our CANCEL crossed the 200: end the unwanted call
                self.hangup(now, reason="answered after CANCEL")
            return
        current = self.dialog
        if current is not None and response.to.tag == current.remote_tag and self.ack is not None:
            if self.withhold_ack:
                return
            ua.send_stateless(self.ack, current.next_hop(), now)  # 13.2.2.4 re-ACK
            return
        # A 2xx from another fork: acknowledge it, then end that dialog at once (13.2.2.4).
        try:
            other = Dialog.from_uac(self.invite, response, local_contact=ua.contact())
        except SipParseError:
            return
        ack = ua.stamp(other.create_ack(self.invite.cseq.seq))
        ua.send_stateless(ack, other.next_hop(), now)
        bye = ua.stamp(other.create_bye())
        other.terminate()
        ua.send_unreported(bye, other.next_hop(), now)

    def _on_failure_response(self, response: SipResponse, now: float) -> None:
        redirect = response.status in REDIRECT_STATUSES and not self.cancel_requested
        if redirect and self._follow_redirect(response, now):
            return
        retry = None
        if not self.cancel_requested:
            retry = self._core.auth_retry(
                self.invite, response, self.credentials, self.auth_attempts
            )
        if retry is not None:
            self.auth_attempts += 1
            self.invite = retry
            self._core.start_transaction(retry, self.peer, self, now)
            return
        if self._move("failure", now):
            status = response.status
            cancelled = self.cancel_requested and status == 487
            self.outcome = (
                Cancelled(response)
                if cancelled
                else Rejected(status, response.reason, response, tuple(self.redirects))
            )
            self._cancel_deadline = None
            if self.dialog is not None:
                # RFC 3261 section 12.3: a non-2xx final response ends every early dialog.
                self.dialog.terminate()
            self._end("remote", f"{status} {response.reason}", now)

    def _follow_redirect(self, response: SipResponse, now: float) -> bool:
        """Retry at the best untried Contact of a 301/302; False when there is none."""
        ua = self._core
        self._tried.add(uri_key(self.invite.uri))
        targets = redirect_targets(response, self._tried)
        if not targets or len(self.redirects) >= MAX_REDIRECTS:
            return False  # a loop, no usable Contact, or too many hops: the 3xx is final
        target = targets[0]
        if not self._move("redirect", now):
            return False
        if self.dialog is not None:  # an early dialog of the redirected attempt
            ua.unbind_dialog(self.dialog)
            self.dialog.terminate()
            self.dialog = None
        self.redirects.append(str(self.invite.uri))
        self.peer = ua.outbound_proxy or target.address
        self.invite = ua.stamp(redirected_request(self.invite, target), self.peer)
        self.auth_attempts, self.cancel_sent = 0, False
        ua.report(Redirected(self.handle, response, str(target)))
        ua.start_transaction(self.invite, self.peer, self, now)
        return True

    def _on_transaction_failure(
        self, request: SipRequest, reason: str, now: float, *, timed_out: bool
    ) -> None:
        if request is self.invite and self._move("timeout", now):
            if self.cancel_requested:
                self.outcome = Cancelled()
            else:
                self.outcome = TimedOut(reason) if timed_out else Failed(reason)
            self._cancel_deadline = None
            self._end("network", reason, now)
