"""Supervisors acting on live calls from the monitoring pages (CC-END-1 and 2).

Ending a call is asked of the SUT through the adapter contract's ``supervision`` capability, as
the supervising user; what it does is observed the way the parties meet it: the customer's call
is ended by the contact center (a BYE, or a final answer to a call still queued), the agent's
phone stops ringing or its call ends, and the call log says who ended it. A refusal must leave
the call exactly as it was: the customer and the agent go on hearing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from harness.endpoints.events import CallEnded
from harness.errors import ConformanceFailure
from harness.runtime.journal import Journal, Match, UnexpectedEvent, WaitTimeout
from harness.runtime.portal import Portal
from harness.scenario.calls import CallFlows, PlacedCall
from harness.scenario.capabilities import need
from harness.scenario.cast import CUSTOMER
from harness.sut.contract import AccessControl, Dashboard, Supervision, SutRefused
from harness.sut.model import CallLogEntry

#: How long a refused request is watched for a leg it must not end: the SUT answered the
#: refusal first, so a leg it ended anyway would end at once.
REFUSAL_SETTLE = 1.0


@dataclass
class EndRequest:
    """One request to end a call, and what the SUT said."""

    by: str
    asked_at: int  # journal position when it was asked
    refusal: str | None = None
    before: CallLogEntry | None = None  # the call log entry before a refused request


@dataclass
class SupervisionDesk:
    """What the scenario's supervisors do to its live calls."""

    flows: CallFlows
    portal: Portal
    journal: Journal
    done: list[EndRequest] = field(default_factory=list)

    @property
    def supervision(self) -> Supervision:
        return need(getattr(self.flows.tenant, "supervision", None), "supervision")

    @property
    def last(self) -> EndRequest:
        if not self.done:
            raise LookupError("no call has been ended in this scenario yet")
        return self.done[-1]

    # -- set-up --------------------------------------------------------------------------------
    def add_user(self, name: str, role: str) -> None:
        """A user ``name`` of the built-in or custom ``role``."""
        self.flows.cast.add_agent(name, role=role)

    def add_custom_role(self, name: str, base: str, permissions: Sequence[str]) -> None:
        """A custom role: the built-in ``base`` role plus ``permissions`` (the SUT's names)."""
        access: AccessControl = need(getattr(self.flows.tenant, "access", None), "access")
        self.portal.run(access.create_role(name, base, permissions))

    # -- actions -------------------------------------------------------------------------------
    def end_call(self, call: PlacedCall, by: str, *, expect_refusal: bool = False) -> None:
        """``by`` ends ``call`` (Actions > End call, Confirm); a refusal fails the step unless
        expected, and an expected refusal that is not one fails it too."""
        call_id = self.flows.sut_call_id(call)
        request = EndRequest(by, self.journal.position)
        if expect_refusal:
            request.before = self.flows.log_entry(call, final=False)
        self.done.append(request)
        user = self.flows.cast.agent(by)
        try:
            self.portal.run(self.supervision.end_call(user, call_id))
        except SutRefused as exc:
            if not expect_refusal:
                raise ConformanceFailure((), f"{by} ends the call", f"refused: {exc}") from None
            request.refusal = str(exc)
            return
        if expect_refusal:
            raise ConformanceFailure((), f"ending the call by {by} refused", "the SUT took it")

    def end_call_on_page(
        self,
        dashboard: Dashboard,
        call: PlacedCall,
        by: str,
        page: str,
        *,
        expect_refusal: bool = False,
    ) -> None:
        """``by``, signed in to ``dashboard``, finds ``call`` on the monitoring page ``page``
        (``queued`` or ``connected``) and ends it: Actions > End call, Confirm. The page's
        refusal fails the step unless expected."""
        call_id = self.flows.sut_call_id(call)
        pages = self.supervision.monitoring_pages(dashboard)
        listed = self.portal.run(pages.live_calls(page))
        if call_id not in listed:
            raise ConformanceFailure(
                (), f"call {call_id} listed on the {page} page", f"listed: {listed or 'none'}"
            )
        request = EndRequest(by, self.journal.position)
        if expect_refusal:
            request.before = self.flows.log_entry(call, final=False)
        self.done.append(request)
        outcome = self.portal.run(pages.end_call(call_id, page))
        if outcome.done and expect_refusal:
            raise ConformanceFailure(
                (), f"ending the call by {by} refused", f"the page said {outcome.message!r}"
            )
        if not outcome.done:
            if not expect_refusal:
                raise ConformanceFailure((), f"{by} ends the call", f"refused: {outcome.message}")
            request.refusal = outcome.message

    # -- verdicts ------------------------------------------------------------------------------
    def expect_ended(self, call: PlacedCall, agents: Sequence[str], bound_ms: int) -> None:
        """The customer's call and each of ``agents``' legs are ended by the contact center
        (not by the party) within ``bound_ms`` of the request."""
        since = self.last.asked_at
        timeout = bound_ms / 1000
        legs = [(CUSTOMER, call.sip_call_id)] + [(a, call.agent_legs[a]) for a in agents]
        problems = []
        for party, leg in legs:
            try:
                ev = self.journal.wait_for(
                    Match(CallEnded, party=party, sip_call_id=leg), timeout, after=since
                )
            except WaitTimeout:
                problems.append(f"the call of {party} goes on")
                continue
            if ev.by != "remote":
                problems.append(f"{party} ended the call herself, not the contact center")
        if problems:
            raise ConformanceFailure(
                (),
                f"the call ended by the contact center within {bound_ms} ms",
                "; ".join(problems),
            )

    def expect_logged_end(self, call: PlacedCall, by: str, status: str) -> None:
        """The call log says the call ended with ``status`` and names ``by`` as who ended it."""
        entry = self.flows.log_entry(call, final=True)
        name = self.flows.cast.agent(by).name
        said = " ".join([entry.end_reason or "", *(t.text for t in entry.timeline)])
        if entry.status != status or name not in said:
            raise ConformanceFailure(
                (),
                f"status {status}, ended by {name}",
                f"status {entry.status!r}, end reason {entry.end_reason!r}",
            )

    def expect_refusal_named(self, words: str) -> None:
        """The last request was refused with a message naming ``words``."""
        refusal = self.last.refusal
        if refusal is None or words not in refusal:
            raise ConformanceFailure((), f"a refusal naming {words!r}", str(refusal))

    def expect_refused(self, call: PlacedCall, words: str) -> None:
        """The last request was refused naming ``words``; the call goes on untouched: no leg
        ends and the call log entry is as it was."""
        request = self.last
        self.expect_refusal_named(words)
        legs = {call.sip_call_id, *call.agent_legs.values()}
        try:
            self.journal.expect_absent(
                Match(CallEnded, sip_call_id=lambda s: s in legs),
                REFUSAL_SETTLE,
                after=request.asked_at,
            )
        except UnexpectedEvent as exc:
            raise ConformanceFailure((), "the call goes on after the refusal", str(exc)) from None
        after = self.flows.log_entry(call, final=False)
        before = request.before
        if before is not None and (after.status, after.ended_at) != (
            before.status,
            before.ended_at,
        ):
            raise ConformanceFailure(
                (), "the call log entry unchanged by the refusal", f"{before} -> {after}"
            )


@pytest.fixture
def supervision_desk(flows: CallFlows, portal: Portal, journal: Journal) -> SupervisionDesk:
    """What the scenario's supervisors do to its live calls (CC-END)."""
    return SupervisionDesk(flows, portal, journal)
