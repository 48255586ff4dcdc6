"""What the user agent core reports: call outcomes and events (sans-IO, plain data).

Outcome types are distinct classes so callers can ``match`` on them::

    match call.outcome:
        case Answered(response): ...
        case Rejected(status=486): ...
        case TimedOut() | Cancelled() | Failed(): ...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from harness.sip.message import SipResponse

if TYPE_CHECKING:
    from harness.sip.handles import ClientRequest, ServerRequest
    from harness.sip.session import InviteSession
    from harness.sip.uac import ClientInviteSession
    from harness.sip.uas import ServerInviteSession

__all__ = [
    "Answered",
    "CallAnswered",
    "CallConfirmed",
    "CallEnded",
    "CallOutcome",
    "CallProgress",
    "Cancelled",
    "EndedBy",
    "Failed",
    "IncomingCall",
    "IncomingRequest",
    "Rejected",
    "RequestCompleted",
    "TimedOut",
    "UaEvent",
]

EndedBy = Literal["local", "remote", "network"]

# --- outcomes of an outgoing call ---------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    """The callee answered with this 2xx."""

    response: SipResponse


@dataclass(frozen=True)
class Rejected:
    """A final 3xx-6xx response ended the attempt."""

    status: int
    reason: str
    response: SipResponse | None = None


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

# --- events -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class IncomingCall:
    """A new INVITE arrived; ``session`` awaits ring/answer/reject."""

    session: ServerInviteSession


@dataclass(frozen=True, eq=False)
class CallProgress:
    """A provisional response to our INVITE."""

    session: ClientInviteSession
    response: SipResponse


@dataclass(frozen=True, eq=False)
class CallAnswered:
    """A 2xx to our INVITE; the ACK has been sent."""

    session: ClientInviteSession
    response: SipResponse


@dataclass(frozen=True, eq=False)
class CallConfirmed:
    """The ACK for our 2xx arrived."""

    session: ServerInviteSession


@dataclass(frozen=True, eq=False)
class CallEnded:
    """A session reached terminated; ``by`` says which side (or the network) ended it."""

    session: InviteSession
    by: EndedBy
    reason: str


@dataclass(frozen=True, eq=False)
class IncomingRequest:
    """A non-INVITE request for the application (OPTIONS, REGISTER, INFO, ...).

    ``session`` is set for in-dialog requests. Answer with ``handle.respond(...)``.
    """

    handle: ServerRequest
    session: InviteSession | None


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
)
