"""Tickets meet end users (seed 001: ZT-ID-1, 3, 6, 10, ZT-MRG-3, 4, 6), for the steps.

The scenario names tickets ("the first ticket") after the call that made them; each name is
bound to the SUT's ticket id when the ticket is made, since a merge moves calls between
tickets. Tickets are read through the ``tickets`` capability, merged through
``ticket_merges`` and given a requester through ``ticket_requesters``; people and numbers are
the :class:`~harness.scenario.profiles.CallerBook`'s, the calls' tickets the
:class:`~harness.scenario.tickets.TicketDesk`'s.

A merge the scenario expects the SUT to refuse is *tried*: the refusal is kept with every
ticket as stored just before, so that a Then step can check the message and that nothing
stored changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from harness.errors import ConformanceFailure
from harness.scenario.calls import PlacedCall
from harness.scenario.cast import CapabilityMissing
from harness.scenario.profiles import CallerBook
from harness.scenario.tickets import TicketDesk
from harness.sut.contract import SutRefused, TicketMerges, TicketRequesters
from harness.sut.tickets_model import Ticket

#: How a closed ticket shows its status.
CLOSED = "closed"


@dataclass
class TicketRefusal:
    """An action on tickets the SUT refused, and every ticket as stored just before it."""

    action: str
    message: str
    before: list[Ticket]


@dataclass
class TicketBook:
    """The scenario's named tickets, and what the last tried merge left."""

    book: CallerBook
    desk: TicketDesk
    named: dict[str, str] = field(default_factory=dict)  # scenario name -> the SUT's ticket id
    refusal: TicketRefusal | None = None

    @property
    def merges(self) -> TicketMerges:
        found = getattr(self.book.cast.tenant, "ticket_merges", None)
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'ticket_merges'")
        merges: TicketMerges = found
        return merges

    @property
    def requesters(self) -> TicketRequesters:
        found = getattr(self.book.cast.tenant, "ticket_requesters", None)
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'ticket_requesters'")
        requesters: TicketRequesters = found
        return requesters

    # -- names -------------------------------------------------------------------------------------
    def name_ticket(self, label: str, name: str) -> None:
        """The last call from ``label`` made a ticket; the scenario calls it ``name``."""
        self.named[name] = self._ticket_of(self.book.last_call(label)).id

    def ticket_id(self, name: str) -> str:
        try:
            return self.named[name]
        except KeyError:
            known = ", ".join(sorted(self.named)) or "none"
            raise KeyError(f"no ticket named {name!r} in this scenario (known: {known})") from None

    def ticket(self, name: str) -> Ticket:
        """The ticket ``name`` as the SUT shows it now."""
        portal = self.book.cast.portal
        return portal.run(self.desk.tickets.ticket(self.ticket_id(name)))

    def _ticket_of(self, call: PlacedCall) -> Ticket:
        """The ticket the call made (waiting for it once, reading it afresh afterwards)."""
        if call.sip_call_id in self.desk.by_call:
            return self.desk.current(call)
        return self.desk.ticket_made(call)

    # -- actions -----------------------------------------------------------------------------------
    def comment(self, agent: str, name: str, body: str) -> None:
        tickets = self.desk.tickets
        cast = self.book.cast
        cast.portal.run(tickets.add_comment(self.ticket_id(name), body, author=cast.agent(agent)))

    def merge(self, agent: str, name: str, into: str) -> None:
        """``agent`` merges the ticket ``name`` into the ticket ``into`` (a refusal fails)."""
        cast = self.book.cast
        attempt = self.merges.merge_ticket(
            self.ticket_id(name), into=self.ticket_id(into), author=cast.agent(agent)
        )
        cast.portal.run(attempt)

    def try_merge(self, agent: str, name: str, into: str) -> None:
        """``agent`` tries to merge ``name`` into ``into`` (a scenario name, or a ticket id the
        SUT never made); a refusal is kept with every ticket as stored before."""
        cast = self.book.cast
        target = self.named.get(into, into)
        before = cast.portal.run(self.desk.tickets.tickets())
        try:
            cast.portal.run(
                self.merges.merge_ticket(
                    self.ticket_id(name), into=target, author=cast.agent(agent)
                )
            )
        except SutRefused as refused:
            self.refusal = TicketRefusal(f"merging {name} into {into}", str(refused), before)
        else:
            self.refusal = None

    def set_requester(self, agent: str, name: str, user: str) -> None:
        """``agent`` sets the requester of the ticket ``name`` to the end user ``user``."""
        cast = self.book.cast
        attempt = self.requesters.set_requester(
            self.ticket_id(name), self.book.user_id(user), author=cast.agent(agent)
        )
        cast.portal.run(attempt)

    def new_requester(self, agent: str, name: str, user: str, label: str) -> None:
        """``agent`` makes a new end user ``user`` with the number ``label`` the requester of
        the ticket ``name``."""
        cast = self.book.cast
        attempt = self.requesters.new_requester(
            self.ticket_id(name), user, [self.book.number(label)], author=cast.agent(agent)
        )
        ticket = cast.portal.run(attempt)
        if ticket.requester_id is None:
            raise ConformanceFailure((), f"ticket {ticket.id} with a new requester", "none")
        self.book.users[user] = ticket.requester_id

    # -- verdicts ----------------------------------------------------------------------------------
    def expect_call_ticket_requester(self, name: str) -> None:
        """The last call's ticket has ``name``'s profile as requester, as the call has."""
        self._expect_requester(self._ticket_of(self.book.flows.last), name)

    def expect_requester(self, ticket: str, name: str) -> None:
        self._expect_requester(self.ticket(ticket), name)

    def _expect_requester(self, ticket: Ticket, name: str) -> None:
        wanted = self.book.user_id(name)
        profile = self.book.profile(name)
        if (ticket.requester_id, ticket.requester) != (wanted, profile.name):
            raise ConformanceFailure(
                (),
                f"ticket {ticket.id} requested by {name} ({wanted}, {profile.name!r})",
                f"requested by {ticket.requester!r} ({ticket.requester_id})",
            )

    def expect_unknown_requester(self, line: str) -> None:
        """The ticket of the last call from ``line`` has that call's unknown caller (its own
        ID, no profile) as requester."""
        call = self.book.last_call(line)
        found = self.book.requester(call)
        ticket = self._ticket_of(call)
        if found.profile is not None or ticket.requester_id != found.requester_id:
            raise ConformanceFailure(
                (),
                f"ticket {ticket.id} requested by the unknown caller {found.requester_id}",
                f"requested by {ticket.requester!r} ({ticket.requester_id});"
                f" the call's requester: {found.identified} {found.requester_id}",
            )

    def expect_top(self, name: str, label: str) -> None:
        """The top of the ticket ``name`` shows the number ``label``."""
        ticket = self.ticket(name)
        number = self.book.number(label)
        if ticket.shown_number != number:
            raise ConformanceFailure(
                (),
                f"the top of ticket {ticket.id} ({name}) showing {label} ({number})",
                f"{self.book.label_of(ticket.shown_number or '')!r} ({ticket.shown_number})",
            )

    def expect_calls_of(self, name: str, labels: list[str]) -> None:
        """The ticket ``name`` holds exactly the calls placed from ``labels``, in that order."""
        ticket = self.ticket(name)
        wanted = [self.book.flows.sut_call_id(self.book.last_call(label)) for label in labels]
        held = [c.call_id for c in ticket.calls]
        if held != wanted:
            raise ConformanceFailure(
                (), f"ticket {ticket.id} ({name}) holding the calls {wanted}", f"{held}"
            )

    def expect_merged(self, name: str, into: str) -> None:
        """The ticket ``name`` is closed, holds no call, and says it went into ``into``."""
        ticket = self.ticket(name)
        target = self.ticket_id(into)
        if (ticket.status, ticket.merged_into, ticket.calls) != (CLOSED, target, ()):
            raise ConformanceFailure(
                (),
                f"ticket {ticket.id} ({name}) closed and merged into {target}, with no call",
                f"status {ticket.status}, merged into {ticket.merged_into},"
                f" {len(ticket.calls)} calls",
            )

    def expect_comment(self, name: str, body: str) -> None:
        ticket = self.ticket(name)
        if all(c.body != body for c in ticket.comments):
            raise ConformanceFailure(
                (),
                f"ticket {ticket.id} ({name}) holding the comment {body!r}",
                f"{[c.body for c in ticket.comments]}",
            )

    def expect_refused(self, words: str) -> None:
        """The last tried merge was refused saying ``words``, and no ticket changed."""
        refusal = self.refusal
        if refusal is None:
            raise ConformanceFailure((), "the merge refused", "the SUT merged the tickets")
        if words.lower() not in refusal.message.lower():
            raise ConformanceFailure(
                (), f"a refusal saying {words!r}", f"{refusal.action}: {refusal.message}"
            )
        after = self.book.cast.portal.run(self.desk.tickets.tickets())
        if after != refusal.before:
            raise ConformanceFailure(
                (), f"no ticket changed by {refusal.action}", f"{refusal.before} -> {after}"
            )


@pytest.fixture
def ticket_book(caller_book: CallerBook, desk: TicketDesk) -> TicketBook:
    """The scenario's named tickets of end users' calls (ZT-ID-10, ZT-MRG-3, 4, 6)."""
    return TicketBook(caller_book, desk)
