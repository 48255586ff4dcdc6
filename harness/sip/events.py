"""What the user agent core reports: call outcomes and events (sans-IO, plain data).

Outcome types are distinct classes so callers can ``match`` on them::

    match call.outcome:
        case Answered(response): ...
        case Rejected(status=486): ...
        case TimedOut() | Cancelled() | Failed(): ...

A re-INVITE (RFC 3261 section 14) has its own outcomes: :class:`ReinviteAccepted`,
:class:`ReinviteRejected`, or the shared :class:`TimedOut` / :class:`Failed`.

Events are plain data, as h11's and aioquic's are: a call is named by its
:class:`CallHandle` (the way aioquic names a stream by its id), never by the live session
object; ``UserAgent.session(handle)`` finds the session while the core still tracks it.
Request events carry the request handles the application answers or reads.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from harness.sip.message import SipRequest, SipResponse

if TYPE_CHECKING:
    from harness.sip.handles import ClientRequest, ServerRequest

__all__ = [
    "Answered",
    "CallAnswered",
    "CallConfirmed",
    "CallEnded",
    "CallHandle",
    "CallOutcome",
    "CallProgress",
    "Cancelled",
    "EndedBy",
    "Failed",
    "IncomingCall",
    "IncomingRequest",
    "Redirected",
    "ReinviteAccepted",
    "ReinviteCompleted",
    "ReinviteOutcome",
    "ReinviteReceived",
    "ReinviteRejected",
    "Rejected",
    "RequestCompleted",
    "TimedOut",
    "UaEvent",
]

EndedBy = Literal["local", "remote", "network"]

_serials = itertools.count(1)


@dataclass(frozen=True)
class CallHandle:
    """Names one call of one user agent: its Call-ID, our role in it, and a serial.

    The serial tells apart two sessions with the same Call-ID (a call to ourselves, or
    copies of one INVITE by different paths); it is unique within the process.
    """

    call_id: str
    role: Literal["uac", "uas"]
    serial: int

    @classmethod
    def new(cls, call_id: str, role: Literal["uac", "uas"]) -> CallHandle:
        """A handle no other call of this process has."""
        return cls(call_id, role, next(_serials))


# --- outcomes of an outgoing call ---------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    """The callee answered with this 2xx.

    ``redirected_from`` lists the Request-URIs that answered 301/302 before this one
    (RFC 3261 section 8.1.3.4), oldest first; empty when the first target answered.
    """

    response: SipResponse
    redirected_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejected:
    """A final 3xx-6xx response ended the attempt (``redirected_from`` as for Answered)."""

    status: int
    reason: str
    response: SipResponse | None = None
    redirected_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimedOut:
    """No final response (Timer B), or no answer within the caller's own limit."""

    detail: str = "no final response"


@dataclass(frozen=True)
class Cancelled:
    """We cancelled the call before it was answered (RFC 3261 section 9)."""

    response: SipResponse | None = None


@dataclass(frozen=True)
class Failed:
    """Anything else: transport error, unusable answer."""

    reason: str


CallOutcome = Answered | Rejected | TimedOut | Cancelled | Failed

# --- outcomes of a re-INVITE we sent (section 14.1) ---------------------------------------


@dataclass(frozen=True)
class ReinviteAccepted:
    """A 2xx: the offer/answer exchange took effect; ``glare_retries`` counts 491 retries."""

    response: SipResponse
    glare_retries: int = 0


@dataclass(frozen=True)
class ReinviteRejected:
    """A non-2xx final response: the session is unchanged (14.1), the call goes on.

    After a 408 or 481 the dialog is gone too (12.2.1.2) and the call has ended.
    """

    status: int
    reason: str
    response: SipResponse | None = None


ReinviteOutcome = ReinviteAccepted | ReinviteRejected | TimedOut | Failed

# --- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingCall:
    """A new INVITE arrived; the call ``call`` awaits ring/answer/reject."""

    call: CallHandle
    request: SipRequest


@dataclass(frozen=True)
class CallProgress:
    """A provisional response to our INVITE."""

    call: CallHandle
    response: SipResponse


@dataclass(frozen=True)
class CallAnswered:
    """A 2xx to our INVITE; the ACK has been sent."""

    call: CallHandle
    response: SipResponse


@dataclass(frozen=True)
class CallConfirmed:
    """The ACK for our 2xx arrived."""

    call: CallHandle


@dataclass(frozen=True)
class Redirected:
    """A 301/302 to our INVITE: the call goes on to ``target`` (8.1.3.4)."""

    call: CallHandle
    response: SipResponse
    target: str


@dataclass(frozen=True)
class ReinviteReceived:
    """The peer sent a re-INVITE in an established call (section 14.2).

    ``offer`` is its SDP (None for an offerless re-INVITE, whose answer comes in the
    ACK). Answer on the call's session with ``answer_reinvite(sdp, now)`` or
    ``reject_reinvite(488, now)``; ``answer_reinvite_automatically(now)`` mirrors the
    offered direction over our last SDP (RFC 3264 section 6.1).
    """

    call: CallHandle
    request: SipRequest
    offer: bytes | None


@dataclass(frozen=True)
class ReinviteCompleted:
    """A re-INVITE we sent has its outcome."""

    call: CallHandle
    outcome: ReinviteOutcome


@dataclass(frozen=True)
class CallEnded:
    """A session reached terminated; ``by`` says which side (or the network) ended it."""

    call: CallHandle
    by: EndedBy
    reason: str


@dataclass(frozen=True, eq=False)
class IncomingRequest:
    """A non-INVITE request for the application (OPTIONS, REGISTER, INFO, ...).

    ``call`` is set for in-dialog requests. Answer with ``handle.respond(...)``.
    """

    handle: ServerRequest
    call: CallHandle | None


@dataclass(frozen=True, eq=False)
class RequestCompleted:
    """A non-INVITE request we sent got its final response, or failed (``handle.error``)."""

    handle: ClientRequest


UaEvent = (
    IncomingCall
    | CallProgress
    | CallAnswered
    | CallConfirmed
    | CallEnded
    | IncomingRequest
    | RequestCompleted
    | Redirected
    | ReinviteReceived
    | ReinviteCompleted
)
