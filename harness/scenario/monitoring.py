"""Silent monitoring of live calls (CC-MON-1 to 4): a supervisor listens from her SIP phone.

Monitoring is asked of the SUT through the ``supervision`` capability, as the supervisor; what
it does is observed the way the parties meet it: her phone rings and she answers; she hears the
customer's and the agent's signatures; they do not hear her and keep hearing each other; the
agent's phone and the customer's receive no SIP message at all while she listens, and the
SUT's event stream says nothing of her (CC-MON-2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from harness.endpoints.events import (
    AudioHeard,
    AudioLost,
    CallConnected,
    CallEnded,
    CallProgress,
    HoldChanged,
    PhoneRinging,
    SipTraced,
)
from harness.endpoints.sip_phone import SipPhone
from harness.errors import ConformanceFailure
from harness.runtime.journal import Journal, Match, UnexpectedEvent, WaitTimeout
from harness.runtime.portal import Portal
from harness.scenario.calls import AUDIO_GRACE, RING_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.capabilities import need
from harness.scenario.cast import CUSTOMER, CapabilityMissing
from harness.sut.contract import Dashboard, MonitoringPages, Supervision, SutRefused
from harness.sut.events import SutEvent

#: What the agent's phone or app, or the customer's, would see if monitoring touched their call:
#: a new ringing (a pop-up in the app), a hold, a re-connection or an end.
REVEALING = (PhoneRinging, HoldChanged, CallConnected, CallEnded, CallProgress)
#: How long a refused request is watched for a ring it must not cause.
REFUSAL_SETTLE = 1.0


@dataclass
class Listening:
    """One supervisor listening to one call."""

    who: str
    asked_at: int  # journal position when monitoring was asked for
    leg: str = ""  # the SIP Call-ID of her phone's leg
    answered_at: int = 0
    stopped_at: int | None = None


@dataclass
class MonitoringDesk:
    """The scenario's supervisors listening to its calls."""

    flows: CallFlows
    portal: Portal
    journal: Journal
    listening: dict[str, Listening] = field(default_factory=dict)
    refusals: dict[str, str] = field(default_factory=dict)

    @property
    def supervision(self) -> Supervision:
        return need(getattr(self.flows.tenant, "supervision", None), "supervision")

    def _listening(self, who: str) -> Listening:
        if who not in self.listening:
            raise LookupError(f"{who} has not monitored a call in this scenario")
        return self.listening[who]

    # -- set-up --------------------------------------------------------------------------------
    def add_user_with_phone(self, name: str, role: str) -> None:
        """A user ``name`` of ``role`` whose SIP phone is registered (where she listens)."""
        cast = self.flows.cast
        user = cast.add_agent(name, role=role)
        if user.sip is None:
            raise CapabilityMissing(f"the SUT gave {name!r} no SIP credentials")
        phone = self.portal.run(
            SipPhone.open(name, cast.stage, user.sip, self.flows.telephony.registrar())
        )
        cast.cleanup.push(f"SIP phone of {name}", phone.close)
        cast.phones[name] = phone

    # -- actions -------------------------------------------------------------------------------
    def monitor(self, call: PlacedCall, who: str) -> None:
        """``who`` monitors ``call``: the SUT calls her SIP phone, which she answers."""
        call_id = self.flows.sut_call_id(call)
        record = Listening(who, self.journal.position)
        try:
            self.portal.run(self.supervision.monitor(self.flows.cast.agent(who), call_id))
        except SutRefused as exc:
            raise ConformanceFailure((), f"{who} monitors the call", f"refused: {exc}") from None
        self._answer(record)

    def _answer(self, record: Listening) -> None:
        """The listener's phone rings for the call; she answers."""
        who = record.who
        try:
            ringing = self.journal.wait_for(
                Match(PhoneRinging, party=who), RING_TIMEOUT, after=record.asked_at
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"the phone of {who} rung to listen within {RING_TIMEOUT:g} s", "no ring"
            ) from None
        record.leg = ringing.sip_call_id
        record.answered_at = self.journal.position
        self.portal.run(self.flows.cast.phone(who).answer(record.leg))
        self.listening[who] = record

    # -- on the dashboard's monitoring pages (CC-MON-5, 7) -----------------------------------------
    def add_phone(self, name: str) -> None:
        """The scenario's user ``name`` (already in the account) registers a SIP phone."""
        cast = self.flows.cast
        user = cast.agent(name)
        if user.sip is None:
            raise CapabilityMissing(f"the SUT gave {name!r} no SIP credentials")
        phone = self.portal.run(
            SipPhone.open(name, cast.stage, user.sip, self.flows.telephony.registrar())
        )
        cast.cleanup.push(f"SIP phone of {name}", phone.close)
        cast.phones[name] = phone

    def _pages(self, dashboard: Dashboard) -> MonitoringPages:
        return self.supervision.monitoring_pages(dashboard)

    def monitor_on_page(self, dashboard: Dashboard, call: PlacedCall, who: str) -> None:
        """``who``, at the dashboard, monitors ``call``: Calls > Connected, Actions > Monitor;
        her phone rings and she answers."""
        call_id = self.flows.sut_call_id(call)
        record = Listening(who, self.journal.position)
        outcome = self.portal.run(self._pages(dashboard).monitor_call(call_id))
        if not outcome.done:
            raise ConformanceFailure((), f"{who} monitors the call", f"refused: {outcome.message}")
        self._answer(record)

    def monitor_agent(
        self, dashboard: Dashboard, who: str, agent: str, *, from_details: bool = False
    ) -> None:
        """``who``, at the dashboard, monitors the call ``agent`` is on from the Agents page:
        Actions > Monitor, or Actions > Call details > Listen; her phone rings, she answers."""
        record = Listening(who, self.journal.position)
        name = self.flows.cast.agent(agent).name
        outcome = self.portal.run(
            self._pages(dashboard).monitor_agent(name, from_details=from_details)
        )
        if not outcome.done:
            raise ConformanceFailure(
                (), f"{who} monitors the call of {agent}", f"refused: {outcome.message}"
            )
        self._answer(record)

    def stop_agent(self, dashboard: Dashboard, who: str, agent: str) -> None:
        """``who`` stops monitoring from the Agents page: ``agent``'s Actions > Stop monitoring."""
        record = self._listening(who)
        record.stopped_at = self.journal.position
        name = self.flows.cast.agent(agent).name
        outcome = self.portal.run(self._pages(dashboard).stop_monitoring_agent(name))
        if not outcome.done:
            raise ConformanceFailure(
                (), f"{who} stops monitoring {agent}", f"refused: {outcome.message}"
            )

    def stop_on_page(self, dashboard: Dashboard, call: PlacedCall, who: str) -> None:
        """``who`` stops monitoring ``call``: Calls > Connected, Actions > Stop monitoring."""
        record = self._listening(who)
        record.stopped_at = self.journal.position
        call_id = self.flows.sut_call_id(call)
        outcome = self.portal.run(self._pages(dashboard).stop_monitoring(call_id))
        if not outcome.done:
            raise ConformanceFailure((), f"{who} stops monitoring", f"refused: {outcome.message}")

    def expect_details(
        self,
        dashboard: Dashboard,
        call: PlacedCall,
        agent: str,
        *,
        transferred_from: str | None = None,
        listen: bool = True,
    ) -> None:
        """CC-MON-5: the call details pop-up shows the call's metrics, its transfers (or that
        it was not transferred), the customer and ``agent`` as participants, and Listen when
        the signed-in user may monitor."""
        call_id = self.flows.sut_call_id(call)
        details = self.portal.run(self._pages(dashboard).call_details(call_id))
        cast = self.flows.cast
        problems = []
        for metric in ("Answered", "Talking for", "On hold", "In transfer"):
            if not details.metrics.get(metric):
                problems.append(f"no {metric!r} metric")
        customer = cast.customer.number.lstrip("+")
        wanted = [f"Agent: {cast.agent(agent).name}"]
        if not any(customer in p for p in details.participants):
            problems.append(f"the customer {customer} is not a participant")
        problems += [f"no participant {w!r}" for w in wanted if w not in details.participants]
        if transferred_from is None:
            if details.transfers != ("Not transferred",):
                problems.append(f"transfers {details.transfers}, the call was not transferred")
        else:
            names = (cast.agent(transferred_from).name, cast.agent(agent).name)
            if not any(all(n in t for n in names) for t in details.transfers):
                problems.append(
                    f"no transfer from {transferred_from} to {agent} in {details.transfers}"
                )
        if ("Listen" in details.actions) != listen:
            problems.append(f"actions offered {details.actions}")
        if problems:
            raise ConformanceFailure(
                (), "the call details pop-up", "; ".join(problems) + f" ({details})"
            )

    def try_monitor(self, call: PlacedCall, who: str) -> None:
        """``who`` tries to monitor ``call``; the SUT must refuse, and her phone must not ring."""
        call_id = self.flows.sut_call_id(call)
        asked_at = self.journal.position
        try:
            self.portal.run(self.supervision.monitor(self.flows.cast.agent(who), call_id))
        except SutRefused as exc:
            self.refusals[who] = str(exc)
        else:
            raise ConformanceFailure((), f"monitoring by {who} refused", "the SUT took it")
        try:
            self.journal.expect_absent(
                Match(PhoneRinging, party=who), REFUSAL_SETTLE, after=asked_at
            )
        except UnexpectedEvent as exc:
            raise ConformanceFailure((), f"the phone of {who} does not ring", str(exc)) from None

    def stop(self, call: PlacedCall, who: str) -> None:
        """``who`` stops monitoring (Stop monitoring)."""
        record = self._listening(who)
        record.stopped_at = self.journal.position
        call_id = self.flows.sut_call_id(call)
        try:
            self.portal.run(self.supervision.stop_monitoring(self.flows.cast.agent(who), call_id))
        except SutRefused as exc:
            raise ConformanceFailure((), f"{who} stops monitoring", f"refused: {exc}") from None

    # -- verdicts ------------------------------------------------------------------------------
    def expect_hears(self, who: str, speakers: Sequence[str], bound_ms: int) -> None:
        """``who`` hears each of ``speakers`` (the customer or agents) on her leg within
        ``bound_ms`` of her answer."""
        record = self._listening(who)
        missing = []
        for speaker in speakers:
            heard = CUSTOMER if speaker == "the customer" else speaker
            match = Match(AudioHeard, party=who, heard=heard, sip_call_id=record.leg)
            try:
                self.journal.wait_for(
                    match, bound_ms / 1000 + AUDIO_GRACE, after=record.answered_at
                )
            except WaitTimeout:
                missing.append(speaker)
                continue
            late = self._late_ms(record.answered_at, match)
            if late > bound_ms:
                missing.append(f"{speaker} (after {late:.0f} ms)")
        if missing:
            raise ConformanceFailure(
                (), f"{who} hears them within {bound_ms} ms", "not heard: " + ", ".join(missing)
            )

    def expect_keeps_hearing(self, who: str, seconds: float) -> None:
        """``who``, who already hears the call, keeps hearing it without a break: no signature
        lost on her leg since she answered, nor for ``seconds`` from now."""
        record = self._listening(who)
        lost = Match(AudioLost, party=who, sip_call_id=record.leg)
        try:
            self.journal.expect_absent(lost, seconds, after=record.answered_at)
        except UnexpectedEvent as exc:
            raise ConformanceFailure(
                (), f"{who} keeps hearing the call for {seconds:g} s", str(exc)
            ) from None

    def _late_ms(self, since: int, match: Match[AudioHeard]) -> float:
        records = self.journal.records()
        found = next(r for r in records[since:] if match(r.event))
        return (found.at - records[since].at) * 1000

    def expect_unheard(self, call: PlacedCall, who: str, agent: str) -> None:
        """Neither the customer nor ``agent`` has heard ``who`` since she started listening."""
        record = self._listening(who)
        heard = self.journal.records()[record.asked_at :]
        for party in (CUSTOMER, agent):
            match = Match(AudioHeard, party=party, heard=who)
            if any(match(r.event) for r in heard):
                raise ConformanceFailure((), f"{party} does not hear {who}", f"{party} hears her")

    def expect_unnoticed(self, call: PlacedCall, agent: str, *listeners: str) -> None:
        """CC-MON-2: since the first listener was asked for, the agent's and the customer's
        legs carried no SIP message and the SUT's events said nothing of any listener."""
        since = min(self._listening(w).asked_at for w in listeners)
        legs = {call.sip_call_id, call.agent_legs[agent]}
        ids = {self.flows.cast.agent(w).id for w in listeners}
        seen = []
        for record in self.journal.records()[since:]:
            event = record.event
            if isinstance(event, SipTraced) and event.sip_call_id in legs:
                seen.append(f"{event.party} {event.direction} {event.first_line!r}")
            elif isinstance(event, SipTraced) and event.party == agent and not _register(event):
                seen.append(f"{agent} {event.direction} {event.first_line!r}")
            elif isinstance(event, REVEALING) and event.party in (agent, CUSTOMER):
                seen.append(f"{event.party}: {type(event).__name__}")
            elif isinstance(event, SutEvent) and any(i in f"{event.data}" for i in ids):
                seen.append(f"the SUT's event {event.kind} names a listener")
        if seen:
            raise ConformanceFailure(
                (), f"nothing reveals the monitoring to {agent} or the customer", "; ".join(seen)
            )

    def expect_leg_ended(self, who: str, bound_ms: int) -> None:
        """After Stop monitoring, the SUT ends ``who``'s leg within ``bound_ms``."""
        record = self._listening(who)
        since = record.stopped_at if record.stopped_at is not None else record.answered_at
        try:
            ended = self.journal.wait_for(
                Match(CallEnded, party=who, sip_call_id=record.leg), bound_ms / 1000, after=since
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"the leg of {who} ended within {bound_ms} ms", "it goes on"
            ) from None
        if ended.by != "remote":
            raise ConformanceFailure((), f"the SUT ends the leg of {who}", "she hung up herself")

    def expect_refused(self, who: str, words: str) -> None:
        """The monitoring ``who`` asked for was refused naming ``words``."""
        refusal = self.refusals.get(who)
        if refusal is None or words not in refusal:
            raise ConformanceFailure((), f"a refusal naming {words!r}", str(refusal))


def _register(event: SipTraced) -> bool:
    """Whether ``event`` is part of a registration (its refresh is no sign of monitoring)."""
    head = event.raw.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() in (b"cseq",):
            return value.strip().upper().endswith(b"REGISTER")
    return False


@pytest.fixture
def monitoring(flows: CallFlows, portal: Portal, journal: Journal) -> MonitoringDesk:
    """The scenario's supervisors listening to its calls (CC-MON-1 to 4)."""
    return MonitoringDesk(flows, portal, journal)
