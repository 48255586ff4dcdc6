"""Outbound calls an agent places in the agent app (seed 001, ZT-TKT-2, 7, 10).

The same calls as :mod:`harness.scenario.outbound`, placed from the app's dialer (the console)
or from a ticket opened in the app instead of through the API; the agent's audio goes over the
app's WebRTC leg instead of her SIP phone. The customer's phone, the checks on the call and on
its ticket are the :class:`~harness.scenario.outbound.Dialler`'s, so a rule holds the same way
whichever way the call was placed. Talks to the app only through the ``desktop`` capability's
:class:`~harness.sut.contract.DialingApp`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import pytest

from harness.endpoints.events import PhoneRinging
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, UnexpectedEvent
from harness.scenario.calls import CallFlows, PlacedCall
from harness.scenario.cast import CapabilityMissing
from harness.scenario.desktop import DesktopAgents
from harness.scenario.outbound import NO_RING_WINDOW_S, Dialler
from harness.sut.contract import DialingApp, SutRefused


@dataclass
class AppDialler:
    """The scenario's calls placed in the agent app, and what the app refused."""

    dialler: Dialler
    desktop: DesktopAgents
    flows: CallFlows
    refusal: SutRefused | None = None
    refused_at: int | None = None
    tickets_before: int | None = None

    def app(self, agent: str) -> DialingApp:
        """``agent``'s agent app, signed in (she signs in the first time)."""
        if agent not in self.desktop.apps:
            self.desktop.sign_in(agent)
            self.desktop.expect_signed_in(agent)
        app = self.desktop.app(agent)
        if not isinstance(app, DialingApp):
            raise CapabilityMissing("this adapter's agent app does not place calls")
        return app

    # -- placing calls -----------------------------------------------------------------------------
    def place(self, agent: str, line: str) -> PlacedCall:
        """``agent`` dials the customer from ``line`` in the app's dialer."""
        cast = self.dialler.cast
        app = self.app(agent)
        ring = self.dialler.ring_time_s
        return self._placed(
            agent,
            line,
            lambda: app.place_call(cast.customer.number, cast.number(line), ring_time_s=ring),
        )

    def place_from_ticket_of(self, agent: str, line: str, earlier: PlacedCall) -> PlacedCall:
        """``agent`` opens the ticket of an earlier call in the app and clicks its Call."""
        cast, desk = self.dialler.cast, self.dialler.desk
        ticket = desk.by_call.get(earlier.sip_call_id) or desk.ticket_made(earlier)
        self.dialler.tickets_before = len(cast.portal.run(desk.tickets.tickets()))
        app = self.app(agent)
        offered = cast.portal.run(app.open_ticket(ticket.id))
        if offered != cast.customer.number:
            raise ConformanceFailure(
                (),
                f"ticket {ticket.id} offering to call the customer's {cast.customer.number}",
                f"it offers {offered!r}",
            )
        ring = self.dialler.ring_time_s
        return self._placed(
            agent, line, lambda: app.call_from_ticket(cast.number(line), ring_time_s=ring)
        )

    def _placed(
        self, agent: str, line: str, place: Callable[[], Coroutine[Any, Any, str]]
    ) -> PlacedCall:
        cast = self.dialler.cast
        if self.dialler.callee is None:
            raise LookupError("the customer's phone is not reachable: add the carrier step first")
        position = cast.journal.position
        key = cast.portal.run(place())
        cast.portal.run(self.desktop.phone(agent).placed(key))
        placed = PlacedCall(line, "", position, call_id=key)
        placed.agent_legs[agent] = key
        self.dialler.customer_rings(placed)
        self.flows.placed.append(placed)
        return placed

    def hang_up(self, agent: str) -> None:
        """``agent`` hangs up in the app."""
        self.dialler.cast.portal.run(self.desktop.calling_app(agent).hang_up())

    # -- what the app refuses ------------------------------------------------------------------
    def place_customer_refused(self, agent: str, line: str) -> None:
        """``agent`` dials the customer from ``line`` in the app, which is to refuse it."""
        self.place_refused(agent, line, self.dialler.cast.customer.number)

    def place_refused(self, agent: str, line: str, number: str) -> None:
        """``agent`` dials ``number`` in the app; its refusal is kept for the checks."""
        cast, desk = self.dialler.cast, self.dialler.desk
        app = self.app(agent)
        self.tickets_before = len(cast.portal.run(desk.tickets.tickets()))
        self.refused_at = cast.journal.position
        self.refusal = None
        try:
            key = cast.portal.run(app.place_call(number, cast.number(line)))
        except SutRefused as refusal:
            self.refusal = refusal
            return
        raise ConformanceFailure(
            (), f"the app to refuse to call {number!r}", f"it placed call {key}"
        )

    def open_refused(self, agent: str, ticket_id: str) -> None:
        """``agent`` opens ticket ``ticket_id`` in the app; its refusal is kept for the checks."""
        app = self.app(agent)
        self.refused_at = self.dialler.cast.journal.position
        self.refusal = None
        try:
            offered = self.dialler.cast.portal.run(app.open_ticket(ticket_id))
        except SutRefused as refusal:
            self.refusal = refusal
            return
        raise ConformanceFailure(
            (),
            f"the app to say ticket {ticket_id} cannot be opened",
            f"it offers to call {offered}",
        )

    def expect_refused(self, *named: str) -> None:
        """The app said why, naming each of ``named``; no phone rang and no ticket was made."""
        wanted = f"the app's message naming {' and '.join(named)}"
        if self.refusal is None:
            raise ConformanceFailure((), wanted, "the app refused nothing")
        said = str(self.refusal).lower()
        if not all(word.lower() in said for word in named):
            raise ConformanceFailure((), wanted, f"the app said: {self.refusal}")
        cast = self.dialler.cast
        try:
            cast.journal.expect_absent(
                Match(PhoneRinging), within=NO_RING_WINDOW_S, after=self.refused_at
            )
        except UnexpectedEvent as rang:
            raise ConformanceFailure((), "no phone ringing", str(rang)) from None
        if self.tickets_before is not None:
            count = len(cast.portal.run(self.dialler.desk.tickets.tickets()))
            if count != self.tickets_before:
                raise ConformanceFailure(
                    (), f"still {self.tickets_before} tickets", f"{count} tickets"
                )


@pytest.fixture
def app_dialler(dialler: Dialler, desktop_agents: DesktopAgents, flows: CallFlows) -> AppDialler:
    """The scenario's calls placed in the agent app."""
    return AppDialler(dialler, desktop_agents, flows)
