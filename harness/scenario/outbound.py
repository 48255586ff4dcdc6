"""Outbound calls an agent places through the SUT (seed 001, ZT-TKT-2, 7, 10).

The harness plays the callee: a SIP phone that registers nowhere, reached through the carrier
the SUT is told to use, that answers, refuses or never answers. The SUT rings the agent's phone
first (the agent picks up, as in a click-to-call console), then the callee. Talks to the SUT
only through the ``outbound`` and ``tickets`` capabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.endpoints.events import PhoneRinging
from harness.endpoints.sip_phone import SipPhone
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, UnexpectedEvent, WaitTimeout
from harness.scenario.calls import LOG_TIMEOUT, RING_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER, CapabilityMissing, Cast
from harness.scenario.tickets import TicketDesk
from harness.sut.contract import OutboundCalls, SutRefused
from harness.sut.events import SutEvent

#: How long the scenario watches for a phone that must not ring.
NO_RING_WINDOW_S = 1.0


@dataclass
class Dialler:
    """The scenario's outbound calls and the customer's phone the carrier reaches."""

    cast: Cast
    flows: CallFlows
    desk: TicketDesk
    callee: SipPhone | None = None
    ring_time_s: int = 30
    refusal: SutRefused | None = None
    refused_at: int | None = None  # journal position when the refused call was asked for
    tickets_before: int | None = None

    @property
    def outbound(self) -> OutboundCalls:
        found = self.cast.tenant.outbound
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'outbound'")
        return found

    def reachable_through_carrier(self) -> None:
        """The customer's phone answers calls the SUT sends through its carrier."""
        cast = self.cast
        phone = cast.portal.run(SipPhone.open_unregistered(CUSTOMER, cast.stage))
        cast.cleanup.push("customer's phone", phone.close)
        self.callee = phone
        cast.portal.run(self.outbound.use_carrier(*phone.address))

    def _callee(self) -> SipPhone:
        if self.callee is None:
            raise LookupError("the customer's phone is not reachable: add the carrier step first")
        return self.callee

    # -- placing calls -----------------------------------------------------------------------------
    def place(self, agent: str, line: str, *, ticket_id: str | None = None) -> PlacedCall:
        """``agent`` calls the customer from ``line``; the agent's phone rings and the agent
        picks up; then the customer's phone rings. The call, as ``flows.last``."""
        cast = self.cast
        self._callee()
        position = cast.journal.position
        call_id = cast.portal.run(
            self.outbound.place_call(
                cast.agent(agent),
                cast.customer.number,
                line=cast.number(line),
                ticket_id=ticket_id,
                ring_time_s=self.ring_time_s,
            )
        )
        placed = PlacedCall(line, "", position, call_id=call_id)
        self.flows.answer(placed, agent)
        self.customer_rings(placed)
        self.flows.placed.append(placed)
        return placed

    def customer_rings(self, placed: PlacedCall) -> None:
        """Wait for the customer's phone to ring for ``placed`` (dialled at its journal
        position) and keep the Call-ID of her leg."""
        try:
            ringing = self.cast.journal.wait_for(
                Match(PhoneRinging, party=CUSTOMER), RING_TIMEOUT, after=placed.dialled_at
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"the customer's phone to ring within {RING_TIMEOUT:g} s", "it did not"
            ) from None
        placed.sip_call_id = ringing.sip_call_id

    def place_from_ticket_of(self, agent: str, line: str, earlier: PlacedCall) -> PlacedCall:
        """``agent`` calls the customer back from the ticket of an earlier call."""
        ticket = self.desk.by_call.get(earlier.sip_call_id) or self.desk.ticket_made(earlier)
        self.tickets_before = len(self.cast.portal.run(self.desk.tickets.tickets()))
        return self.place(agent, line, ticket_id=ticket.id)

    def place_refused(self, agent: str, line: str, ticket_id: str) -> None:
        """Ask for a call from ``ticket_id``; the SUT's refusal is kept for the checks."""
        cast = self.cast
        self.tickets_before = len(cast.portal.run(self.desk.tickets.tickets()))
        self.refused_at = cast.journal.position
        try:
            cast.portal.run(
                self.outbound.place_call(
                    cast.agent(agent),
                    cast.customer.number,
                    line=cast.number(line),
                    ticket_id=ticket_id,
                    ring_time_s=self.ring_time_s,
                )
            )
        except SutRefused as refusal:
            self.refusal = refusal

    # -- the customer's phone ----------------------------------------------------------------------
    def customer_answers(self, call: PlacedCall) -> None:
        call.answered_at = self.cast.journal.position
        self.cast.portal.run(self._callee().answer(call.sip_call_id))

    def customer_rejects(self, call: PlacedCall) -> None:
        self.cast.portal.run(self._callee().reject(call.sip_call_id))

    def agent_hangs_up(self, call: PlacedCall, agent: str) -> None:
        self.cast.portal.run(self.cast.phone(agent).hangup(call.agent_legs[agent]))

    # -- checks ----------------------------------------------------------------------------
    def expect_two_way_after_answer(self, call: PlacedCall, agent: str, bound_ms: int) -> None:
        """The customer and ``agent`` hear each other within ``bound_ms`` of the customer's
        answer (the agent's leg was up before it, so its own latency would count the ringing)."""
        since = call.answered_at if call.answered_at is not None else call.dialled_at
        problems = self.flows.hearing_problems(call, agent, since, bound_ms)
        if problems:
            raise ConformanceFailure(
                (), f"two-way audio within {bound_ms} ms of the answer", "; ".join(problems)
            )

    def expect_ended(self, call: PlacedCall, status: str) -> None:
        """The SUT reports the call ended with ``status`` (``unanswered``, ``rejected``...)."""
        timeout = self.ring_time_s + LOG_TIMEOUT
        try:
            ended = self.cast.journal.wait_for(
                Match(SutEvent, kind="call.ended", call_id=call.call_id),
                timeout,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure((), f"the call to end within {timeout:g} s", "no") from None
        got = ended.data.get("status")
        if got != status:
            raise ConformanceFailure((), f"the call ended {status}", f"ended {got}")

    def expect_added_to_ticket_of(self, call: PlacedCall, earlier: PlacedCall) -> None:
        """No new ticket: the call's details are in the earlier call's ticket (ZT-TKT-7)."""
        first = self.desk.by_call.get(earlier.sip_call_id) or self.desk.ticket_made(earlier)
        self.desk.expect_none_created(call)
        holder = self.cast.portal.run(self.desk.tickets.ticket_for_call(call.call_id or ""))
        count = len(self.cast.portal.run(self.desk.tickets.tickets()))
        if holder is None or holder.id != first.id or count != self.tickets_before:
            raise ConformanceFailure(
                (),
                f"the call in ticket {first.id} and still {self.tickets_before} tickets",
                f"the call in ticket {holder.id if holder else 'none'}, {count} tickets",
            )
        self.desk.by_call[call.sip_call_id] = holder

    def expect_refused(self, *named: str) -> None:
        """The call was refused, its reason naming each of ``named``; no phone rang, no ticket
        was made."""
        wanted = f"a refusal naming {' and '.join(named)}"
        if self.refusal is None:
            raise ConformanceFailure((), wanted, "the call was placed")
        said = str(self.refusal).lower()
        if not all(word.lower() in said for word in named):
            raise ConformanceFailure((), wanted, f"the refusal said: {self.refusal}")
        try:
            self.cast.journal.expect_absent(
                Match(PhoneRinging), within=NO_RING_WINDOW_S, after=self.refused_at
            )
        except UnexpectedEvent as rang:
            raise ConformanceFailure((), "no phone ringing", str(rang)) from None
        count = len(self.cast.portal.run(self.desk.tickets.tickets()))
        if count != self.tickets_before:
            raise ConformanceFailure((), f"still {self.tickets_before} tickets", f"{count} tickets")
