"""Invite sessions: one object per call on each side, with its state machine as data.

- UAC (:class:`~harness.sip.uac.ClientInviteSession`):
  calling -> proceeding / early -> confirmed -> terminated
- UAS (:class:`~harness.sip.uas.ServerInviteSession`):
  incoming -> ringing -> answered -> confirmed -> terminated
  ("answered" = 2xx sent, waiting for the ACK, RFC 3261 13.3.1.4)

An input with no entry in :data:`SESSION_TRANSITIONS` is ignored, not an error: that is
what makes a 180 arriving after the 200 (reordered by a stateful proxy) harmless. A
session decides what to send; the user agent core it belongs to does the sending.

Once confirmed, either side may modify the call with a re-INVITE (:mod:`harness.sip.modify`):
the state stays "confirmed"; ``local_direction`` / ``remote_direction`` tell a held call
from an active one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from harness.sip.auth import Credentials
from harness.sip.dialog import Dialog
from harness.sip.events import CallHandle, EndedBy
from harness.sip.grammar import SipParseError
from harness.sip.message import SipRequest, SipResponse
from harness.sip.modify import ClientReinvite, ServerReinvite
from harness.sip.sdp import SessionDescription

if TYPE_CHECKING:
    from harness.sip.core import CallCore

__all__ = ["SESSION_TRANSITIONS", "CallState", "InviteSession"]


class CallState(enum.Enum):
    """States of an invite session, both roles."""

    CALLING = "calling"
    PROCEEDING = "proceeding"
    EARLY = "early"
    INCOMING = "incoming"
    RINGING = "ringing"
    ANSWERED = "answered"
    CONFIRMED = "confirmed"
    TERMINATED = "terminated"


C = CallState
PRE_ANSWER_UAC = (C.CALLING, C.PROCEEDING, C.EARLY)
PRE_ANSWER_UAS = (C.INCOMING, C.RINGING)

# (role, state, input) -> next state. Inputs: "1xx" (no To tag), "1xx_tag" (early dialog),
# "2xx", "failure", "timeout", "ring", "answer", "reject", "cancel", "ack", "bye".
SESSION_TRANSITIONS: dict[tuple[str, CallState, str], CallState] = {
    **{("uac", s, "1xx"): (C.PROCEEDING if s is C.CALLING else s) for s in PRE_ANSWER_UAC},
    **{("uac", s, "1xx_tag"): C.EARLY for s in PRE_ANSWER_UAC},
    **{("uac", s, "2xx"): C.CONFIRMED for s in PRE_ANSWER_UAC},
    **{("uac", s, "redirect"): C.CALLING for s in PRE_ANSWER_UAC},  # 8.1.3.4: a new INVITE
    **{("uac", s, i): C.TERMINATED for s in PRE_ANSWER_UAC for i in ("failure", "timeout")},
    ("uac", C.CONFIRMED, "bye"): C.TERMINATED,
    ("uas", C.INCOMING, "ring"): C.RINGING,
    ("uas", C.RINGING, "ring"): C.RINGING,
    **{("uas", s, "answer"): C.ANSWERED for s in PRE_ANSWER_UAS},
    **{("uas", s, i): C.TERMINATED for s in PRE_ANSWER_UAS for i in ("reject", "cancel")},
    ("uas", C.ANSWERED, "ack"): C.CONFIRMED,
    ("uas", C.ANSWERED, "timeout"): C.TERMINATED,  # no ACK within 64*T1 (13.3.1.4)
    ("uas", C.ANSWERED, "bye"): C.TERMINATED,
    ("uas", C.CONFIRMED, "bye"): C.TERMINATED,
}


@dataclass(eq=False)
class InviteSession:
    """What both roles share. Sessions are created by the user agent core.

    ``peer`` is where the INVITE went (UAC) or where responses to it go (UAS). ``handle``
    names the call in the events the core reports.
    """

    _core: CallCore = field(repr=False)
    role: Literal["uac", "uas"]
    invite: SipRequest
    state: CallState
    peer: tuple[str, int]
    local_sdp: bytes | None = None
    remote_sdp: bytes | None = None
    dialog: Dialog | None = None
    ended_by: EndedBy | None = None
    end_reason: str | None = None
    bye_response: SipResponse | None = None  # the answer to our BYE, when we sent one
    bye_done: bool = False  # our BYE got its final response or failed
    history: list[tuple[float, CallState]] = field(default_factory=list)
    outgoing_reinvite: ClientReinvite | None = None  # the latest re-INVITE we sent
    incoming_reinvite: ServerReinvite | None = None  # the latest re-INVITE we received
    handle: CallHandle = field(init=False)

    def __post_init__(self) -> None:
        self.handle = CallHandle.new(self.invite.call_id, self.role)

    @property
    def call_id(self) -> str:
        """The SIP Call-ID of this call."""
        return self.invite.call_id

    @property
    def live(self) -> bool:
        """True until the session is terminated."""
        return self.state is not CallState.TERMINATED

    @property
    def pre_answer(self) -> bool:
        """True while the call has not been answered yet."""
        return self.state in PRE_ANSWER_UAC or self.state in PRE_ANSWER_UAS

    # --- media direction (RFC 3264 section 8.4) -------------------------------------------

    @property
    def local_direction(self) -> str | None:
        """Direction of the audio stream in our current SDP; None without readable SDP."""
        return _direction(self.local_sdp)

    @property
    def remote_direction(self) -> str | None:
        """Direction of the audio stream in the peer's current SDP."""
        return _direction(self.remote_sdp)

    @property
    def held(self) -> bool:
        """True when media no longer flows both ways (either side put the call on hold)."""
        return any(
            d not in (None, "sendrecv") for d in (self.local_direction, self.remote_direction)
        )

    # --- re-INVITE (section 14) -----------------------------------------------------------

    @property
    def dialog_free(self) -> bool:
        """True when a re-INVITE may start: confirmed, and no INVITE transaction running."""
        if self.state is not CallState.CONFIRMED or self.dialog is None:
            return False
        incoming, outgoing = self.incoming_reinvite, self.outgoing_reinvite
        return (incoming is None or not incoming.pending) and (
            outgoing is None or outgoing.state != "sent"
        )

    def reinvite(
        self, sdp: bytes, now: float, *, credentials: Credentials | None = None
    ) -> ClientReinvite:
        """Offer ``sdp`` in a re-INVITE (hold, resume, new media); see ``outcome``.

        It leaves at once when the dialog is free, else as soon as the transaction that
        holds it ends. Its o= line is set to follow our last SDP (RFC 3264 section 8).
        Raises ValueError when the call is not established or a re-INVITE of ours is
        still unsettled.
        """
        if not sdp:
            raise ValueError("a re-INVITE needs an SDP offer")
        if self.state not in (CallState.CONFIRMED, CallState.ANSWERED) or self.dialog is None:
            raise ValueError(f"cannot re-INVITE a call in state {self.state.value}")
        if self.outgoing_reinvite is not None and self.outgoing_reinvite.outcome is None:
            raise ValueError("a re-INVITE of this call is still in progress")
        creds = credentials or getattr(self, "credentials", None)
        handle = ClientReinvite(self, sdp, credentials=creds)
        self.outgoing_reinvite = handle
        handle.flush(now)
        return handle

    def _pending_incoming(self) -> ServerReinvite:
        incoming = self.incoming_reinvite
        if incoming is None or incoming.answered:
            raise ValueError("no re-INVITE is waiting for an answer")
        return incoming

    def answer_reinvite(self, sdp: bytes, now: float) -> SipResponse:
        """Answer the pending re-INVITE with 200 OK and ``sdp``."""
        return self._pending_incoming().answer(sdp, now)

    def reject_reinvite(self, status: int, now: float, *, reason: str | None = None) -> SipResponse:
        """Refuse the pending re-INVITE (488 Not Acceptable Here, typically)."""
        return self._pending_incoming().reject(status, now, reason=reason)

    def answer_reinvite_automatically(self, now: float) -> SipResponse:
        """Answer the pending re-INVITE by mirroring its direction over our last SDP."""
        return self._pending_incoming().answer_automatically(now)

    def _dialog_freed(self, now: float) -> None:
        """An INVITE transaction ended: a waiting re-INVITE of ours may go."""
        if self.outgoing_reinvite is not None:
            self.outgoing_reinvite.flush(now)

    def _lose_dialog(self, reason: str, now: float, *, by: EndedBy, send_bye: bool) -> None:
        """End the call because its dialog is gone or unusable (12.2.1.2, 13.3.1.4)."""
        if not self._move("bye", now):
            return
        if send_bye:
            self._send_bye(now)
        elif self.dialog is not None:
            self.dialog.terminate()
        self._end(by, reason, now)

    # --- state ----------------------------------------------------------------------------

    def _move(self, inp: str, now: float) -> bool:
        """Apply ``inp``; False (and no change) when the table has no entry."""
        nxt = SESSION_TRANSITIONS.get((self.role, self.state, inp))
        if nxt is None:
            return False
        if nxt is not self.state:
            self.history.append((now, nxt))
        self.state = nxt
        return True

    def _end(self, by: EndedBy, reason: str, now: float) -> None:
        self.ended_by, self.end_reason = by, reason
        self._core.session_ended(self, by, reason, now)

    def _send_bye(self, now: float) -> None:
        assert self.dialog is not None
        bye = self._core.stamp(self.dialog.create_bye())
        self.dialog.terminate()
        self._core.start_transaction(bye, self.dialog.next_hop(), self, now)

    def _on_bye(self, now: float) -> None:
        if self._move("bye", now):
            assert self.dialog is not None
            self.dialog.terminate()
            self._end("remote", "BYE", now)

    def _on_bye_result(self, response: SipResponse | None) -> None:
        if response is None or response.status >= 200:
            self.bye_response, self.bye_done = response, True

    def next_timer(self) -> float | None:
        """When this session's own timer is due (2xx retransmission, CANCEL guard)."""
        return None

    def handle_timer(self, now: float) -> None:
        """Run this session's due timers."""


def _direction(body: bytes | None) -> str | None:
    if not body:
        return None
    try:
        return SessionDescription.parse(body).direction()
    except SipParseError:
        return None
