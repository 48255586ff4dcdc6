"""Tickets from calls in the reference (ZT-TKT): the service part that the API and calls use.

The rules are in :mod:`harness.reference.domain.tickets`; here they meet the store and the
event bus. The contact center tells this part when a call is answered and when it ends; each
change is committed before anything is published, and each publishes ``ticket.created`` or
``ticket.updated`` to the account (with the ticket's id and the call's Call ID).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from .clock import AccountClock, iso_utc
from .domain import tickets as rules
from .domain.calls import CallRecord
from .domain.errors import NotFound
from .domain.tickets import Comment, Direction, Ticket, TicketCall
from .events import EventBus
from .store import Store


class Tickets:
    """The account's tickets: made from calls, read, commented and updated."""

    def __init__(self, store: Store, clock: AccountClock, bus: EventBus) -> None:
        self.store = store
        self.clock = clock
        self.bus = bus

    # --- from calls ----------------------------------------------------------------------------

    def inbound_answered(self, call: CallRecord) -> Ticket | None:
        """An agent accepted an inbound call: it becomes a ticket (ZT-TKT-1).

        The ticket names the caller as who placed the call and the agent as who answered it,
        with the caller's location when the number tells it.
        """
        if self.store.ticket_of_call(call.account_id, call.call_id) is not None:
            return None  # a repeated answer (a retransmission) changes nothing
        if not rules.opens_ticket(answered=call.answered_by is not None, from_ticket=None):
            return None
        agent = next((o.user_name for o in call.offers if o.user_id == call.answered_by), None)
        details = TicketCall(
            call_id=call.call_id,
            direction=Direction.INBOUND,
            from_number=call.caller,
            to_number=call.called,
            started_at=call.started_at,
            placed_by=call.caller,
            answered_by=agent,
            location=rules.caller_location(call.caller),
        )
        return self._open(call.account_id, details, requester=call.caller)

    def call_ended(self, call: CallRecord) -> Ticket | None:
        """A call ended: its ticket, if it has one, gets the call's times (ZT-TKT-9)."""
        ticket_id = self.store.ticket_of_call(call.account_id, call.call_id)
        if ticket_id is None or call.ended_at is None:
            return None
        ticket = self.get(call.account_id, ticket_id)
        times = rules.call_times(call.started_at, call.answered_at, call.ended_at, call.hold_s)
        updated = rules.call_ended(ticket, call.call_id, call.ended_at, times)
        if updated == ticket:
            return ticket
        self.store.save_ticket(updated)
        self._publish(updated, "ticket.updated", call_id=call.call_id, change="call.ended")
        return updated

    def _open(self, account_id: str, details: TicketCall, *, requester: str) -> Ticket:
        with self.store.transaction():
            number = self.store.next_ticket_number(account_id)
            ticket = rules.new_ticket(
                str(number), account_id, details, requester, self.clock.now(account_id)
            )
            self.store.save_ticket(ticket)
        self._publish(ticket, "ticket.created", call_id=details.call_id)
        return ticket

    # --- read ----------------------------------------------------------------------------------

    def get(self, account_id: str, ticket_id: str) -> Ticket:
        """The account's ticket, or :class:`NotFound`."""
        ticket = self.store.get_ticket(account_id, ticket_id)
        if ticket is None:
            raise NotFound("ticket", ticket_id)
        return ticket

    def list(self, account_id: str, *, call_id: str | None = None) -> list[Ticket]:
        """The account's tickets, newest first; with ``call_id``, the one holding that call."""
        if call_id is None:
            return self.store.list_tickets(account_id)
        ticket_id = self.store.ticket_of_call(account_id, call_id)
        return [] if ticket_id is None else [self.get(account_id, ticket_id)]

    # --- changes by people ------------------------------------------------------------------------

    def comment(
        self,
        account_id: str,
        ticket_id: str,
        *,
        author_id: str | None,
        author_name: str,
        body: str,
        public: bool,
    ) -> Comment:
        """Add a comment (also while the ticket's call is live, ZT-TKT-13)."""
        ticket = self.get(account_id, ticket_id)
        draft = Comment(
            f"cmt_{secrets.token_hex(6)}",
            author_id,
            author_name,
            body,
            public,
            self.clock.now(account_id),
        )
        updated = rules.add_comment(ticket, draft)
        self.store.save_ticket(updated)
        made = updated.comments[-1]
        self._publish(updated, "ticket.updated", change="comment.added", comment_id=made.id)
        return made

    def update(self, account_id: str, ticket_id: str, changes: Mapping[str, str]) -> Ticket:
        """Change the ticket's properties; a bad value changes nothing."""
        ticket = self.get(account_id, ticket_id)
        updated = rules.update_properties(ticket, changes)
        if updated != ticket:
            self.store.save_ticket(updated)
            self._publish(updated, "ticket.updated", change="properties", fields=sorted(changes))
        return updated

    def _publish(self, ticket: Ticket, kind: str, **fields: Any) -> None:
        at = iso_utc(self.clock.now(ticket.account_id))
        self.bus.publish(
            ticket.account_id, {"type": kind, "at": at, "ticket_id": ticket.id, **fields}
        )
