"""Plain data of tickets made from calls, as a help desk's API shows them (seed 001, ZT-TKT).

What any contact center that turns calls into tickets has; not the reference's internals.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TicketCall:
    """One call as a ticket holds it (a help desk's "voice comment").

    ``duration_s`` is what the ticket shows: talk time plus holds, transfers and time in queue;
    ``talk_s`` and ``hold_s`` are its parts, when the SUT tells them. Times are ISO 8601.
    """

    call_id: str
    direction: str  # "inbound" or "outbound"
    from_number: str
    to_number: str
    started_at: str
    placed_by: str  # the name of who placed the call
    answered_by: str | None  # the name of who answered it
    location: str | None = None  # the caller's location, when the number tells it
    ended_at: str | None = None
    duration_s: float | None = None
    talk_s: float | None = None
    hold_s: float | None = None
    voicemail_id: str | None = None  # the voicemail the caller left on this call
    transfer_s: float | None = None  # time spent being transferred, when the SUT tells it


@dataclass(frozen=True)
class TicketComment:
    """A comment; ``during_call`` is the Call ID of the call live when it was made, if any."""

    id: str
    author_name: str
    body: str
    public: bool
    created_at: str
    during_call: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A ticket with the calls it came from or that were added to it, and its comments.

    ``requester`` is the requester's name and ``requester_id`` the end user (or an unknown
    caller's own ID) the SUT linked to the call that made the ticket. ``shown_number`` is the
    number at the top of the ticket; ``merged_into`` the ticket this one was merged into.
    """

    id: str
    subject: str
    status: str
    priority: str
    requester: str
    requester_id: str | None = None
    calls: tuple[TicketCall, ...] = ()
    comments: tuple[TicketComment, ...] = ()
    shown_number: str | None = None
    merged_into: str | None = None

    def call(self, call_id: str) -> TicketCall | None:
        """The ticket's call ``call_id``, if it holds it."""
        return next((c for c in self.calls if c.call_id == call_id), None)


@dataclass(frozen=True)
class Recording:
    """A call recording kept in a ticket; ``url`` plays it (relative to the SUT's API, or
    absolute), ``deleted`` once it was deleted from the ticket."""

    id: str
    ticket_id: str
    call_id: str
    url: str
    seconds: float
    deleted: bool = False
