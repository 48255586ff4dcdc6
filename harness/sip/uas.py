"""The callee's side of a call: :class:`ServerInviteSession` (RFC 3261 sections 9.2, 13.3, 15).

Created by the user agent core for each new INVITE and announced with an
:class:`~harness.sip.events.IncomingCall` event. The application rings, answers or rejects;
the session retransmits its 2xx until the ACK arrives (13.3.1.4) and sends BYE if none
arrives within 64*T1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from harness.sip.dialog import Dialog
from harness.sip.events import CallConfirmed
from harness.sip.message import SipRequest, SipResponse, build_response
from harness.sip.modify import Refusable
from harness.sip.session import CallState, InviteSession

__all__ = ["ServerInviteSession"]


@dataclass(eq=False)
class ServerInviteSession(InviteSession, Refusable):
    """A call we received."""

    local_tag: str = ""
    final_response: SipResponse | None = None
    bye_pending: bool = False  # hang-up asked before the ACK (section 15)
    _retransmit_at: float | None = None
    _interval: float = 0.0
    _give_up: float = 0.0

    # --- actions ------------------------------------------------------------------------

    def ring(self, now: float, *, status: int = 180, sdp: bytes | None = None) -> None:
        """Send a provisional response: 180 Ringing, or 183 with early-media SDP."""
        if not 100 < status < 200:
            raise ValueError("ring sends a 101-199 response")
        if not self._move("ring", now):
            raise ValueError(f"cannot ring a call in state {self.state.value}")
        self._core.respond_to(self.invite, self.peer, self._response(status, sdp), now)

    def answer(self, sdp: bytes | None, now: float) -> None:
        """Send 200 OK and keep retransmitting it until the ACK arrives (13.3.1.4)."""
        if not self._move("answer", now):
            raise ValueError(f"cannot answer a call in state {self.state.value}")
        response = self._response(200, sdp)
        self.local_sdp, self.final_response = sdp, response
        dialog = Dialog.from_uas(self.invite, self.local_tag, local_contact=self._core.contact())
        dialog.confirm()  # 12.1.1: the UAS dialog is confirmed when the 2xx is sent
        self.dialog = self._core.bind_dialog(dialog, self)
        self._core.respond_to(self.invite, self.peer, response, now)
        self._interval = self._core.timers.t1
        self._retransmit_at = now + self._interval
        self._give_up = now + 64 * self._core.timers.t1
        self._core.reschedule(self)

    def _refusal(
        self, status: int, reason: str | None, extra: Iterable[tuple[str, str]], now: float
    ) -> SipResponse:
        if not self._move("reject", now):
            raise ValueError(f"cannot reject a call in state {self.state.value}")
        return build_response(self.invite, status, reason, to_tag=self.local_tag, extra=extra)

    def _refused(self, response: SipResponse, now: float) -> None:
        self.final_response = response
        self._core.respond_to(self.invite, self.peer, response, now)
        self._end("local", f"{response.status} {response.reason}", now)

    def hangup(self, now: float, *, reason: str = "hangup") -> None:
        """Decline (603) before answering, BYE after; the BYE waits for the ACK (15)."""
        if self.pre_answer:
            self.reject(603, now)
        elif self.state is CallState.ANSWERED:
            self.bye_pending = True
        elif self._move("bye", now):
            self._send_bye(now)
            self._end("local", reason, now)

    def _response(self, status: int, sdp: bytes | None) -> SipResponse:
        return build_response(
            self.invite,
            status,
            to_tag=self.local_tag,
            contact=self._core.contact(),
            body=sdp or b"",
            content_type="application/sdp" if sdp else None,
            extra=[("Allow", ", ".join(self._core.allow))] if status >= 200 else (),
        )

    # --- timers -------------------------------------------------------------------------

    def next_timer(self) -> float | None:
        """When the 2xx must be sent again (or given up on)."""
        return self._retransmit_at

    def handle_timer(self, now: float) -> None:
        """Retransmit the 2xx (T1 doubling up to T2), or give up after 64*T1 with a BYE."""
        if self._retransmit_at is None or self._retransmit_at > now:
            return
        if now >= self._give_up:
            self._retransmit_at = None
            if self._move("timeout", now):
                self._send_bye(now)
                self._end("network", "no ACK for 2xx", now)
            return
        assert self.final_response is not None
        self._core.respond_to(self.invite, self.peer, self.final_response, now)
        self._interval = min(2 * self._interval, self._core.timers.t2)
        self._retransmit_at = now + self._interval

    # --- inputs from the core -----------------------------------------------------------

    def _on_ack(self, ack: SipRequest, now: float) -> None:
        if ack.cseq.seq != self.invite.cseq.seq:
            return  # an ACK for another INVITE of this dialog
        self._retransmit_at = None
        if not self.invite.body and ack.body and self.state is CallState.ANSWERED:
            self.remote_sdp = ack.body  # late offer: the answer to our 2xx's offer (13.3.1.4)
        if self._move("ack", now):
            self._core.report(CallConfirmed(self.handle))
            if self.bye_pending:
                self.hangup(now)

    def _on_cancel(self, now: float) -> bool:
        """CANCEL for our INVITE: 487 if not answered yet (9.2). False when too late."""
        if not self._move("cancel", now):
            return False
        response = build_response(self.invite, 487, to_tag=self.local_tag)
        self.final_response = response
        self._core.respond_to(self.invite, self.peer, response, now)
        self._end("remote", "cancelled", now)
        return True

    def _on_bye(self, now: float) -> None:
        self._retransmit_at = None
        super()._on_bye(now)
