"""Tickets meet end users in the reference: merging tickets (ZT-MRG-4, 6) and setting a
ticket's requester afterwards (ZT-ID-10).

The rules are in :mod:`harness.reference.domain.ticket_merges` (and
:func:`harness.reference.domain.end_users.matched_to`); here they meet the store and the event
bus. Every change is committed in one transaction before anything is published.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from .clock import iso_utc
from .domain import end_users as identity
from .domain import ticket_merges as rules
from .domain.end_users import CallRequester
from .domain.errors import NotFound
from .domain.ticket_merges import TicketMerge
from .domain.tickets import Comment, Ticket, TicketRequester
from .end_users import EndUsers
from .tickets import Tickets


class TicketRequesters:
    """Merges of tickets, and a ticket's requester matched to an end user later."""

    def __init__(self, tickets: Tickets, end_users: EndUsers) -> None:
        self.tickets = tickets
        self.end_users = end_users
        self.store = tickets.store

    # --- merges (ZT-MRG-4, 6) --------------------------------------------------------------

    def merge(
        self, account_id: str, ticket_id: str, into: str, *, author_id: str | None, author: str
    ) -> TicketMerge:
        """Merge the ticket ``ticket_id`` into the ticket ``into``; refused, naming the ticket
        at fault, when it cannot be (itself, unknown, merged already, closed)."""
        source = self.tickets.get(account_id, ticket_id)
        target = self.store.get_ticket(account_id, into)
        if target is None:
            raise NotFound("ticket", into, field="into")
        rules.check_merge(source, target)
        at = self.tickets.clock.now(account_id)
        source_note = Comment(
            f"cmt_{secrets.token_hex(6)}",
            author_id,
            author,
            f"Request #{source.id} was closed and merged into request #{target.id}.",
            False,
            at,
        )
        target_note = Comment(
            f"cmt_{secrets.token_hex(6)}",
            author_id,
            author,
            f"Request #{source.id} was merged into this request.",
            False,
            at,
        )
        merged = rules.merge(source, target, source_note, target_note)
        self.store.save_ticket_merge(merged.source, merged.target)
        self._publish(merged.source, change="merged", merged_into=target.id)
        self._publish(merged.target, change="merge.received", merged_id=source.id)
        return merged

    # --- a ticket's requester (ZT-ID-10) -----------------------------------------------------

    def set_requester(self, account_id: str, ticket_id: str, end_user_id: str) -> Ticket:
        """The ticket's requester becomes the end user ``end_user_id``; the unknown callers of
        its calls are linked to that profile from then on."""
        ticket = self.tickets.get(account_id, ticket_id)
        user = self.store.get_end_user(account_id, end_user_id)
        if user is None:
            raise NotFound("end user", end_user_id, field="end_user_id")
        updated = rules.with_requester(ticket, TicketRequester(user.id, user.name))
        links: list[CallRequester] = []
        for call in ticket.calls:
            link = self.store.call_requester(account_id, call.call_id)
            matched = None if link is None else identity.matched_to(link, user)
            if matched is not None:
                links.append(matched)
        with self.store.transaction():
            self.store.save_ticket(updated)
            self.store.relink_call_requesters(account_id, links)
        self._publish(updated, change="requester", requester_id=user.id)
        return updated

    def new_requester(
        self, account_id: str, ticket_id: str, name: str, phones: Sequence[str]
    ) -> Ticket:
        """A new end user made from the ticket's information becomes its requester. The
        ticket is checked first: a ticket that does not exist or was merged creates nobody."""
        rules.with_requester(self.tickets.get(account_id, ticket_id), TicketRequester(None, "-"))
        user = self.end_users.create(account_id, name, phones)
        return self.set_requester(account_id, ticket_id, user.id)

    def _publish(self, ticket: Ticket, **fields: object) -> None:
        at = iso_utc(self.tickets.clock.now(ticket.account_id))
        self.tickets.bus.publish(
            ticket.account_id,
            {"type": "ticket.updated", "at": at, "ticket_id": ticket.id, **fields},
        )


__all__ = ["TicketRequesters"]
