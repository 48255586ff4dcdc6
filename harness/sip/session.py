"""Invite sessions: one object per call on each side, with its state machine as data.

- UAC (:class:`~harness.sip.uac.ClientInviteSession`):
  calling -> proceeding / early -> confirmed -> terminated
- UAS (:class:`~harness.sip.uas.ServerInviteSession`):
  incoming -> ringing -> answered -> confirmed -> terminated
  ("answered" = 2xx sent, waiting for the ACK, RFC 3261 13.3.1.4)

An input with no entry in :data:`SESSION_TRANSITIONS` is ignored, not an error: that is
what makes a 180 arriving after the 200 (reordered by a stateful proxy) harmless. A
session decides what to send; the user agent core it belongs to does the sending.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from harness.sip.dialog import Dialog
from harness.sip.events import EndedBy
from harness.sip.message import SipRequest, SipResponse

if TYPE_CHECKING:
    from harness.sip.useragent import UserAgent

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

    ``peer`` is where the INVITE went (UAC) or where responses to it go (UAS).
    """

    _ua: UserAgent = field(repr=False)
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
        self._ua._session_ended(self, by, reason, now)

    def _send_bye(self, now: float) -> None:
        assert self.dialog is not None
        bye = self._ua._stamp(self.dialog.create_bye())
        self.dialog.terminate()
        self._ua._start_client(bye, self.dialog.next_hop(), self, now)

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
