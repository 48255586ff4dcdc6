"""Calls become tickets (seed 001, ZT-TKT): what the steps ask of the SUT's tickets, and the checks.

Talks to the SUT only through the ``tickets`` capability (and ``clock`` to let time pass on a
held call). Waiting is on the SUT's own events: ``ticket.created`` when a call makes a ticket,
``ticket.updated`` once an ended call's details are in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from harness.endpoints.events import PhoneRinging
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, UnexpectedEvent, WaitTimeout
from harness.scenario.calls import LOG_TIMEOUT, RING_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.cast import CapabilityMissing, Cast
from harness.sut.contract import Clock, SutRefused, Tickets
from harness.sut.events import SutEvent
from harness.sut.model import CallLogEntry
from harness.sut.tickets_model import Ticket, TicketCall

#: How far a duration the ticket shows may be from the call log's (rounding of both sides).
DURATION_TOLERANCE_S = 0.05
#: How long a call that must not make a ticket is watched for one.
NO_TICKET_WINDOW_S = 1.0
WITHHELD = "anonymous"


@dataclass
class TicketDesk:
    """The scenario's tickets: which call made which ticket, and what a refusal left."""

    cast: Cast
    flows: CallFlows
    by_call: dict[str, Ticket] = field(default_factory=dict)  # SIP Call-ID -> ticket
    refusal: SutRefused | None = None
    before_refusal: Ticket | None = None
    line_before: dict[str, bool | None] | None = None

    @property
    def tickets(self) -> Tickets:
        found = self.cast.tenant.tickets
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'tickets'")
        return found

    @property
    def clock(self) -> Clock:
        found = self.cast.tenant.clock
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'clock'")
        return found

    # -- the customer ------------------------------------------------------------------------------
    def customer_number(self, number: str) -> None:
        """The customer calls from ``number`` ("+33 1 45 67 89 01"; spaces are for reading)."""
        self.cast.customer.number = re.sub(r"[\s.()-]", "", number)

    def withhold_number(self) -> None:
        """The customer hides her number: the SUT sees an anonymous caller."""
        self.cast.customer.number = WITHHELD

    # -- tickets of calls --------------------------------------------------------------------------
    def ticket_made(self, call: PlacedCall) -> Ticket:
        """Wait for the SUT to make a ticket of ``call``; the ticket as the SUT shows it."""
        call_id = self.flows.sut_call_id(call)
        try:
            self.cast.journal.wait_for(
                Match(SutEvent, kind="ticket.created", call_id=call_id),
                LOG_TIMEOUT,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"a ticket for call {call_id} within {LOG_TIMEOUT:g} s", "no ticket"
            ) from None
        return self._read(call, call_id)

    def expect_no_ticket(self, call: PlacedCall, within: float = NO_TICKET_WINDOW_S) -> None:
        """No ticket holds ``call`` now, and none is made within ``within`` seconds."""
        call_id = self.expect_none_created(call, within)
        found = self.cast.portal.run(self.tickets.ticket_for_call(call_id))
        if found is not None:
            raise ConformanceFailure((), f"no ticket for call {call_id}", f"ticket {found.id}")

    def expect_none_created(self, call: PlacedCall, within: float = NO_TICKET_WINDOW_S) -> str:
        """The SUT makes no new ticket of ``call`` within ``within`` seconds; its Call ID."""
        call_id = self.flows.sut_call_id(call)
        try:
            self.cast.journal.expect_absent(
                Match(SutEvent, kind="ticket.created", call_id=call_id),
                within=within,
                after=call.dialled_at,
            )
        except UnexpectedEvent:
            raise ConformanceFailure(
                (), f"no new ticket for call {call_id}", "a ticket was created"
            ) from None
        return call_id

    def ticket_after_call(self, call: PlacedCall) -> tuple[Ticket, CallLogEntry]:
        """The call's ticket once the SUT has put the ended call's details in it, and the call
        log's entry of the ended call."""
        ticket = self.by_call.get(call.sip_call_id) or self.ticket_made(call)
        call_id = self.flows.sut_call_id(call)
        # The call log's wait for the end consumes that event: once is enough.
        entry = call.entry if call.entry and call.entry.is_final else None
        entry = entry or self.flows.log_entry(call, final=True)
        try:
            self.cast.journal.wait_for(
                Match(
                    SutEvent,
                    kind="ticket.updated",
                    data=lambda d: d.get("call_id") == call_id and d.get("ticket_id") == ticket.id,
                ),
                LOG_TIMEOUT,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"ticket {ticket.id} updated with the ended call {call_id}", "no update"
            ) from None
        return self._read(call, call_id), entry

    def current(self, call: PlacedCall) -> Ticket:
        """The call's ticket as the SUT shows it now."""
        return self._read(call, self.flows.sut_call_id(call))

    def _read(self, call: PlacedCall, call_id: str) -> Ticket:
        found = self.cast.portal.run(self.tickets.ticket_for_call(call_id))
        if found is None:
            raise ConformanceFailure((), f"a ticket holding call {call_id}", "none")
        self.by_call[call.sip_call_id] = found
        return found

    def _call_of(self, ticket: Ticket, call: PlacedCall) -> TicketCall:
        call_id = self.flows.sut_call_id(call)
        held = ticket.call(call_id)
        if held is None:
            raise ConformanceFailure(
                (), f"ticket {ticket.id} to hold call {call_id}", "the call is not in it"
            )
        return held

    # -- lines (ZT-TKT-4 to 6) ----------------------------------------------------------------
    def configure_line(
        self, number: str, *, omnichannel: bool | None = None, abandoned: bool | None = None
    ) -> None:
        """The admin changes a line's ticket settings; a refusal is kept for a check."""
        line = self.cast.number(number)
        self.refusal = None
        self.line_before = self.cast.portal.run(self.tickets.line_settings(line))
        try:
            self.cast.portal.run(
                self.tickets.configure_line(
                    line, omnichannel_routing=omnichannel, abandoned_call_tickets=abandoned
                )
            )
        except SutRefused as refusal:
            self.refusal = refusal

    def expect_line_refused(self, number: str, *named: str) -> None:
        """The line's setting was refused, its reason naming ``named``; the line unchanged."""
        wanted = f"a refusal naming {' and '.join(named)}"
        if self.refusal is None:
            raise ConformanceFailure((), wanted, "the setting was accepted")
        said = str(self.refusal).lower()
        if not all(word.lower() in said for word in named):
            raise ConformanceFailure((), wanted, f"the refusal said: {self.refusal}")
        after = self.cast.portal.run(self.tickets.line_settings(self.cast.number(number)))
        if after != self.line_before:
            raise ConformanceFailure((), "the line unchanged", f"{self.line_before} -> {after}")

    def abandon(self, number: str, where: str) -> PlacedCall:
        """The customer calls ``number`` and hangs up before anyone answers: ``in the queue``
        (once a phone rings for the call), ``in the IVR`` (once the IVR answered) or ``in
        voicemail`` (keying 1 in the IVR, once the SUT has sent the call to voicemail, while
        the greeting plays: no message is left)."""
        flows = self.flows
        call = flows.dial(number)
        if where == "in the queue":
            try:
                self.cast.journal.wait_for(Match(PhoneRinging), RING_TIMEOUT, after=call.dialled_at)
            except WaitTimeout:
                raise ConformanceFailure((), "the call queued: a phone ringing", "none") from None
        elif where == "in the IVR":
            flows.wait_connected(call, RING_TIMEOUT)
        elif where == "in voicemail":
            flows.wait_connected(call, RING_TIMEOUT)
            self.cast.portal.run(self.cast.customer.send_dtmf(call.sip_call_id, "1"))
            call_id = flows.sut_call_id(call)
            try:
                self.cast.journal.wait_for(
                    Match(SutEvent, kind="call.deflected", call_id=call_id),
                    LOG_TIMEOUT,
                    after=call.dialled_at,
                )
            except WaitTimeout:
                raise ConformanceFailure((), "the call sent to voicemail", "it was not") from None
        else:
            raise ValueError(f"abandon in the queue, the IVR or voicemail, not {where!r}")
        flows.hang_up(call)
        return call

    # -- time --------------------------------------------------------------------------------------
    def hold_for(self, call: PlacedCall, seconds: float) -> None:
        """Once the SUT has the call on hold, ``seconds`` pass on the tenant's clock."""
        call_id = self.flows.sut_call_id(call)
        since = call.held_at if call.held_at is not None else call.dialled_at
        self.cast.journal.wait_for(
            Match(SutEvent, kind="call.held", call_id=call_id), LOG_TIMEOUT, after=since
        )
        self.cast.portal.run(self.clock.advance(seconds))

    # -- checks of what the ticket holds -----------------------------------------------------------
    def expect_numbers(self, call: PlacedCall, calling: str, called: str) -> None:
        """The ticket holds the calling and the called number (ZT-TKT-8)."""
        held = self._call_of(self.current(call), call)
        got = (held.from_number, held.to_number)
        if got != (calling, called):
            raise ConformanceFailure(
                (), f"calling number {calling} and called number {called}", f"{got[0]}, {got[1]}"
            )

    def expect_names(self, call: PlacedCall, placed_by: str, answered_by: str) -> None:
        """The ticket names who placed the call and who answered it (ZT-TKT-10)."""
        held = self._call_of(self.current(call), call)
        if (held.placed_by, held.answered_by) != (placed_by, answered_by):
            raise ConformanceFailure(
                (),
                f"placed by {placed_by!r} and answered by {answered_by!r}",
                f"placed by {held.placed_by!r} and answered by {held.answered_by!r}",
            )

    def expect_location(self, call: PlacedCall, location: str | None) -> None:
        """The ticket holds the caller's location, or none when the number tells none."""
        held = self._call_of(self.current(call), call)
        if held.location != location:
            wanted = f"caller location {location!r}" if location else "no caller location"
            raise ConformanceFailure((), wanted, f"location {held.location!r}")

    def expect_voicemail(self, call: PlacedCall) -> None:
        """The ticket's call holds the voicemail its caller left, and nobody answered it."""
        held = self._call_of(self.current(call), call)
        if held.voicemail_id is None or held.answered_by is not None:
            raise ConformanceFailure(
                (),
                "the caller's voicemail in the ticket, the call answered by nobody",
                f"voicemail {held.voicemail_id}, answered by {held.answered_by}",
            )

    def expect_started_with_call(self, call: PlacedCall) -> None:
        """The ticket's call started when the call log says the call did (ZT-TKT-9)."""
        ticket, entry = self.ticket_after_call(call)
        held = self._call_of(ticket, call)
        if held.started_at != entry.started_at:
            raise ConformanceFailure(
                (), f"the call's start {entry.started_at}", f"the ticket says {held.started_at}"
            )

    def expect_duration(self, call: PlacedCall, held_s: float) -> None:
        """The ticket's duration is the whole call (ZT-TKT-9): the call log's duration, with at
        least ``held_s`` on hold counted in it besides the talk time."""
        ticket, entry = self.ticket_after_call(call)
        held = self._call_of(ticket, call)
        if held.duration_s is None or entry.duration_s is None:
            raise ConformanceFailure(
                (),
                "a duration on the ended call",
                f"ticket {held.duration_s}, log {entry.duration_s}",
            )
        shown = (
            f"duration {held.duration_s:g} s (talk {held.talk_s} s, hold {held.hold_s} s);"
            f" the call log says {entry.duration_s:g} s"
        )
        if abs(held.duration_s - entry.duration_s) > DURATION_TOLERANCE_S:
            raise ConformanceFailure(
                (), "the whole call's duration, holds and waiting included", shown
            )
        if held.hold_s is not None and held.hold_s < held_s:
            raise ConformanceFailure((), f"at least {held_s:g} s on hold", shown)
        if held.duration_s < held_s + (held.talk_s or 0.0) - DURATION_TOLERANCE_S:
            raise ConformanceFailure((), "a duration counting talk time and holds", shown)

    def expect_transfer_duration(self, call: PlacedCall, transfer_s: float) -> None:
        """The ticket's duration is the whole call with at least ``transfer_s`` of it spent
        being transferred (ZT-TKT-9): the call log's duration, transfers counted besides the
        talk time."""
        ticket, entry = self.ticket_after_call(call)
        held = self._call_of(ticket, call)
        shown = (
            f"duration {held.duration_s} s (talk {held.talk_s} s, hold {held.hold_s} s, "
            f"transfers {held.transfer_s} s); the call log says {entry.duration_s} s"
        )
        if held.duration_s is None or entry.duration_s is None:
            raise ConformanceFailure((), "a duration on the ended call", shown)
        if abs(held.duration_s - entry.duration_s) > DURATION_TOLERANCE_S:
            raise ConformanceFailure(
                (), "the whole call's duration, transfers and waiting included", shown
            )
        if held.transfer_s is not None and held.transfer_s < transfer_s:
            raise ConformanceFailure((), f"at least {transfer_s:g} s transferring", shown)
        if held.duration_s < transfer_s + (held.talk_s or 0.0) - DURATION_TOLERANCE_S:
            raise ConformanceFailure((), "a duration counting talk time and transfers", shown)

    # -- changes during the call -------------------------------------------------------------------
    def comment(self, call: PlacedCall, agent: str, body: str) -> None:
        """``agent`` comments on the call's ticket."""
        ticket = self.by_call.get(call.sip_call_id) or self.ticket_made(call)
        author = self.cast.agent(agent)
        self.cast.portal.run(self.tickets.add_comment(ticket.id, body, author=author))

    def set_property(self, call: PlacedCall, agent: str, name: str, value: str) -> None:
        """``agent`` changes one property of the call's ticket; a refusal is kept for a check."""
        ticket = self.by_call.get(call.sip_call_id) or self.ticket_made(call)
        author = self.cast.agent(agent)
        change: dict[str, str | None] = {"status": None, "priority": None, "subject": None}
        if name not in change:
            raise ValueError(f"unknown ticket property {name!r}; known: {', '.join(change)}")
        change[name] = value
        self.before_refusal, self.refusal = self.current(call), None
        try:
            self.cast.portal.run(self.tickets.update_ticket(ticket.id, author=author, **change))
        except SutRefused as refusal:
            self.refusal = refusal

    def expect_comment(self, call: PlacedCall, body: str, agent: str) -> None:
        """The ticket has ``body`` by ``agent``, made while the call was live (ZT-TKT-13)."""
        ticket = self.current(call)
        call_id = self.flows.sut_call_id(call)
        name = self.cast.agent(agent).name
        found = [c for c in ticket.comments if c.body == body]
        if not found:
            seen = "; ".join(f"{c.author_name}: {c.body!r}" for c in ticket.comments) or "none"
            raise ConformanceFailure((), f"the comment {body!r} on the ticket", f"comments: {seen}")
        comment = found[-1]
        if comment.author_name != name or comment.during_call != call_id:
            raise ConformanceFailure(
                (),
                f"the comment by {name} made during call {call_id}",
                f"by {comment.author_name}, during call {comment.during_call}",
            )

    def expect_property(self, call: PlacedCall, name: str, value: str) -> None:
        """The ticket's property ``name`` is ``value``."""
        ticket = self.current(call)
        got = getattr(ticket, name)
        if got != value:
            raise ConformanceFailure((), f"the ticket's {name} {value!r}", repr(got))

    def expect_refused_unchanged(self, call: PlacedCall, field_name: str) -> None:
        """The last change was refused naming ``field_name``, and the ticket is as before."""
        if self.refusal is None:
            raise ConformanceFailure((), f"a refusal naming {field_name!r}", "the change was made")
        if field_name not in str(self.refusal):
            raise ConformanceFailure(
                (), f"a refusal naming {field_name!r}", f"the refusal said: {self.refusal}"
            )
        after = self.current(call)
        if after != self.before_refusal:
            raise ConformanceFailure(
                (),
                "the ticket unchanged by the refused change",
                f"{self.before_refusal} -> {after}",
            )
