"""Calls become tickets (seed 001, ZT-TKT): when a ticket is made, and what it holds.

Pure rules, one in one place:

* :func:`opens_ticket` says which calls make a ticket: an accepted inbound call (ZT-TKT-1), an
  outbound call the callee answered (ZT-TKT-2, none when unanswered: a reference choice), and
  no new ticket for an outbound call placed from an existing ticket (ZT-TKT-7: its details go
  to that ticket).
* :func:`call_times` splits a call's time: waiting before the answer (ringing, queue), talk,
  hold. :func:`call_duration` is the ticket's duration: talk time plus the unrecorded events,
  holds, transfers and time in queue (ZT-TKT-9).
* :func:`caller_location` is where a number is, as libphonenumber describes it (ZT-TKT-11).
* :func:`add_comment` and :func:`update_properties` change a ticket, also during its call
  (ZT-TKT-13); a comment made while a call of the ticket is live says which call.

* :func:`ticket_requester` is who a ticket is for: the requester end-user identity linked to
  the call that made it (ZT-ID-1, 3, 6).
* :func:`shown_number` is the number at the top of a ticket: the customer's number of the call
  that created it (ZT-MRG-3); merges keep it in :mod:`.ticket_merges`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from .errors import Conflict, InvalidField

_E = TypeVar("_E", bound=enum.StrEnum)
MAX_COMMENT_CHARS = 16_000
MAX_SUBJECT_CHARS = 200


class Direction(enum.StrEnum):
    """Which way a call went."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class TicketStatus(enum.StrEnum):
    """A ticket's status, as a help desk names them."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    HOLD = "hold"
    SOLVED = "solved"
    CLOSED = "closed"


class Priority(enum.StrEnum):
    """A ticket's priority."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


@dataclass(frozen=True)
class CallTimes:
    """Where a call's seconds went. ``waited_s`` is before the answer (ringing, queue)."""

    waited_s: float
    talk_s: float
    hold_s: float
    transfer_s: float = 0.0


@dataclass(frozen=True)
class TicketCall:
    """One call as the ticket holds it (a "voice comment")."""

    call_id: str
    direction: Direction
    from_number: str  # the number the call was placed from
    to_number: str  # the number that received it
    started_at: datetime
    placed_by: str  # the name of the person who placed the call
    answered_by: str | None  # the name of the person who answered it
    location: str | None  # the caller's location, when the number tells it
    ended_at: datetime | None = None
    times: CallTimes | None = None  # once the call has ended
    voicemail_id: str | None = None  # the message the caller left (ZT-TKT-3)

    @property
    def duration_s(self) -> float | None:
        """The duration the ticket shows; ``None`` while the call is live."""
        return None if self.times is None else call_duration(self.times)


@dataclass(frozen=True)
class Comment:
    """A comment on a ticket; ``during_call`` is the call that was live when it was made."""

    id: str
    author_id: str | None
    author_name: str
    body: str
    public: bool
    at: datetime
    during_call: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A ticket, with the calls it came from or that were added to it."""

    id: str
    account_id: str
    subject: str
    requester: str  # the requester's name (a profile's name, or "Unknown caller")
    created_at: datetime
    status: TicketStatus = TicketStatus.NEW
    priority: Priority = Priority.NORMAL
    requester_id: str | None = None  # the end user's profile, or an unknown caller's own ID
    calls: tuple[TicketCall, ...] = ()
    comments: tuple[Comment, ...] = ()
    shown_number: str = ""  # the number at the top: the one whose call created it (ZT-MRG-3)
    merged_into: str | None = None  # the ticket this one was merged into (ZT-MRG-4, 6)

    def call(self, call_id: str) -> TicketCall | None:
        """The ticket's call ``call_id``, if it holds it."""
        return next((c for c in self.calls if c.call_id == call_id), None)

    @property
    def live_call(self) -> str | None:
        """The ticket's call in progress, if any."""
        return next((c.call_id for c in reversed(self.calls) if c.ended_at is None), None)


# --- which calls make tickets ------------------------------------------------------------------


def opens_ticket(*, answered: bool, from_ticket: str | None, voicemail: bool = False) -> bool:
    """Whether a call makes a new ticket.

    An inbound call does once an agent accepted it, or once its caller left a voicemail; an
    outbound call once its callee answered (an unanswered one makes none); a call placed from
    an existing ticket never does, its details go to that ticket instead.
    """
    if from_ticket is not None:
        return False
    return answered or voicemail


# --- what a ticket's call holds ------------------------------------------------------------------


def call_times(
    started_at: datetime,
    answered_at: datetime | None,
    ended_at: datetime,
    hold_s: float,
    transfer_s: float = 0.0,
) -> CallTimes:
    """Split a call's life into waiting, talk, hold and transfers (an unanswered call only
    waited)."""
    if answered_at is None:
        return CallTimes(_seconds(started_at, ended_at), 0.0, 0.0)
    waited = _seconds(started_at, answered_at)
    connected = _seconds(answered_at, ended_at)
    hold = min(max(hold_s, 0.0), connected)
    transfer = min(max(transfer_s, 0.0), connected - hold)
    talk = round(connected - hold - transfer, 3)
    return CallTimes(waited, talk, round(hold, 3), round(transfer, 3))


def call_duration(times: CallTimes) -> float:
    """The ticket's duration: talk time plus holds, transfers and time in queue (ZT-TKT-9)."""
    return round(times.talk_s + times.hold_s + times.transfer_s + times.waited_s, 3)


def caller_location(number: str) -> str | None:
    """Where ``number`` is, as libphonenumber describes it in English; None when it cannot tell
    (a withheld number, a number that is not valid E.164, a number with no geography)."""
    # Imported on first use: libphonenumber's metadata is large (the contact center loads it
    # once as it starts, see Tickets).
    import phonenumbers
    from phonenumbers import geocoder

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return geocoder.description_for_number(parsed, "en") or None


@dataclass(frozen=True)
class TicketRequester:
    """Who a ticket is for: ``id`` is an end user's profile or an unknown caller's own ID."""

    id: str | None
    name: str


def ticket_requester(linked: TicketRequester | None, call: TicketCall) -> TicketRequester:
    """The requester of the ticket ``call`` makes: the requester the contact center linked to
    the call as it arrived (the profile, by its name, or the unknown caller's own ID: ZT-ID-1,
    3, 6). A call linked to nobody (an outbound call) has the customer's number, and no id."""
    if linked is not None:
        return linked
    return TicketRequester(None, shown_number(call))


def shown_number(call: TicketCall) -> str:
    """The number at the top of the ticket ``call`` created (ZT-MRG-3): the customer's number
    of that call, the calling one of an inbound call, the called one of an outbound call."""
    return call.from_number if call.direction is Direction.INBOUND else call.to_number


def new_ticket(
    ticket_id: str, account_id: str, call: TicketCall, requester: TicketRequester, at: datetime
) -> Ticket:
    """A ticket made from ``call``; its subject says what kind of call it was, its top shows
    the call's customer number."""
    kind = "Call from" if call.direction is Direction.INBOUND else "Call to"
    other = shown_number(call)
    return Ticket(
        ticket_id,
        account_id,
        f"{kind} {other or 'an unknown caller'}",
        requester.name,
        at,
        requester_id=requester.id,
        calls=(call,),
        shown_number=other,
    )


def add_call(ticket: Ticket, call: TicketCall) -> Ticket:
    """Add a call's details to an existing ticket (an outbound call placed from it)."""
    if ticket.call(call.call_id) is not None:
        return ticket
    return replace(ticket, calls=(*ticket.calls, call))


def call_answered(ticket: Ticket, call_id: str, answered_by: str) -> Ticket:
    """Name who answered the ticket's call."""
    return _with_call(ticket, call_id, lambda c: replace(c, answered_by=answered_by))


def voicemail_left(ticket: Ticket, call_id: str, voicemail_id: str) -> Ticket:
    """The ticket's call left a voicemail: the ticket holds it."""
    return _with_call(ticket, call_id, lambda c: replace(c, voicemail_id=voicemail_id))


def call_ended(ticket: Ticket, call_id: str, ended_at: datetime, times: CallTimes) -> Ticket:
    """Fill in the ended call's times; ending an ended call changes nothing."""
    return _with_call(
        ticket,
        call_id,
        lambda c: c if c.ended_at is not None else replace(c, ended_at=ended_at, times=times),
    )


# --- changes made by people -----------------------------------------------------------------------


def add_comment(ticket: Ticket, comment: Comment) -> Ticket:
    """Add a comment; one made while a call of the ticket is live names that call."""
    body = comment.body.strip()
    if not body:
        raise InvalidField("body", "a comment needs some text")
    if len(comment.body) > MAX_COMMENT_CHARS:
        raise InvalidField("body", f"must be at most {MAX_COMMENT_CHARS} characters")
    if any(c.id == comment.id for c in ticket.comments):
        raise Conflict(f"comment {comment.id!r} already exists")
    made = replace(comment, body=body, during_call=ticket.live_call)
    return replace(ticket, comments=(*ticket.comments, made))


def update_properties(ticket: Ticket, changes: Mapping[str, str]) -> Ticket:
    """Change the ticket's status, priority or subject; a bad value names its field and
    changes nothing."""
    updated = ticket
    for name, value in changes.items():
        if name == "status":
            updated = replace(updated, status=_choice(TicketStatus, name, value))
        elif name == "priority":
            updated = replace(updated, priority=_choice(Priority, name, value))
        elif name == "subject":
            subject = value.strip()
            if not subject or len(subject) > MAX_SUBJECT_CHARS:
                raise InvalidField(name, f"must be 1 to {MAX_SUBJECT_CHARS} characters")
            updated = replace(updated, subject=subject)
        else:
            raise InvalidField(name, "is not a property of a ticket (status, priority, subject)")
    return updated


def _choice(kind: type[_E], field: str, value: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidField(field, f"must be one of {allowed}, not {value!r}") from None


def _with_call(ticket: Ticket, call_id: str, change: Callable[[TicketCall], TicketCall]) -> Ticket:
    if ticket.call(call_id) is None:
        raise InvalidField("call_id", f"ticket {ticket.id} holds no call {call_id!r}")
    return replace(
        ticket, calls=tuple(change(c) if c.call_id == call_id else c for c in ticket.calls)
    )


def _seconds(start: datetime, end: datetime) -> float:
    return round(max((end - start).total_seconds(), 0.0), 3)
