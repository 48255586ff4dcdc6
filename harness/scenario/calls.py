"""Call flows the steps use: a customer dials a number, agents answer, everyone's audio is checked.

Waiting is always arm-then-act on the journal: the position before an action is kept, and only
events after it count for that action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from harness.endpoints.events import (
    AnswerSent,
    AudioHeard,
    AudioLost,
    CallConnected,
    PhoneRinging,
)
from harness.errors import ConformanceFailure
from harness.evidence.collector import Evidence
from harness.runtime.journal import Journal, Match, UnexpectedEvent, WaitTimeout
from harness.runtime.portal import Portal
from harness.scenario.capabilities import TenantCapabilities
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.diagnosis import Diagnosis, diagnose
from harness.sut.contract import Tenant
from harness.sut.events import SutEvent
from harness.sut.model import CallLogEntry

RING_TIMEOUT = 10.0  # how long a phone may take to ring once the customer has dialled
LOG_TIMEOUT = 10.0  # how long the SUT may take to log a call once it has ended
AUDIO_GRACE = 2.0  # extra wait before declaring silence, beyond the bound under test
#: Once one phone rang for a call, how long another ring would have to come: simultaneous
#: ringing offers the call to every phone at once, so a second offer comes within milliseconds.
RING_SETTLE = 1.0


@dataclass
class PlacedCall:
    """One call of the customer into the SUT, and what each party saw of it."""

    number: str
    sip_call_id: str
    dialled_at: int  # journal position when the INVITE left
    agent_legs: dict[str, str] = field(default_factory=dict)  # agent name -> its leg's SIP Call-ID
    answered_by: list[str] = field(default_factory=list)
    call_id: str | None = None  # the SUT's Call ID, once known
    latency_ms: dict[str, float | None] = field(default_factory=dict)  # "<a> hears <b>" -> ms
    entry: CallLogEntry | None = None
    answered_at: int | None = None  # journal position when the first agent picked up
    held_at: int | None = None  # journal position when the call was last put on hold
    resumed_at: int | None = None  # journal position when the call last came off hold


class AgentPhone(Protocol):
    """What the call flows ask of an agent's device: a SIP phone, or the agent app."""

    async def answer(self, sip_call_id: str | None = None) -> str: ...
    async def hold(self, sip_call_id: str, *, held: bool = True) -> None: ...


class CallFlows(TenantCapabilities):
    """The calls of one scenario."""

    def __init__(
        self, cast: Cast, portal: Portal, journal: Journal, evidence: Evidence, tenant: Tenant
    ) -> None:
        self.cast = cast  # the names: numbers, agents, phones and the customer
        self.portal = portal
        self.journal = journal
        self.evidence = evidence
        self.tenant = tenant
        self.placed: list[PlacedCall] = []
        #: Agents who take calls in the agent app rather than on a SIP phone.
        self.app_phones: dict[str, AgentPhone] = {}

    def phone(self, agent: str) -> AgentPhone:
        """The device ``agent`` answers on: her agent app if she signed in, else her SIP phone."""
        return self.app_phones.get(agent) or self.cast.phone(agent)

    @property
    def last(self) -> PlacedCall:
        if not self.placed:
            raise LookupError("no call has been placed in this scenario yet")
        return self.placed[-1]

    # -- actions -------------------------------------------------------------------------------
    def dial(
        self,
        number_name: str,
        *,
        shape: Callable[[bytes], bytes] | None = None,
        acknowledge: bool = True,
        late_offer: bool = False,
        direction: str = "sendrecv",
        headers: Sequence[tuple[str, str]] = (),
    ) -> PlacedCall:
        """The customer calls ``number_name``; ``shape`` rewrites the SDP offer first,
        ``acknowledge=False`` makes the customer's phone never acknowledge the answer,
        ``late_offer`` sends the INVITE without SDP and ``direction`` is the offer's SDP
        direction (RFC 3264 section 6.1); ``headers`` are extra headers of the INVITE."""
        cast = self.cast
        uri = self.telephony.number_uri(cast.number(number_name))
        position = self.journal.position
        sip_call_id = self.portal.run(
            cast.customer.dial(
                uri,
                shape=shape,
                acknowledge=acknowledge,
                late_offer=late_offer,
                direction=direction,
                headers=headers,
            )
        )
        call = PlacedCall(number_name, sip_call_id, position)
        self.placed.append(call)
        return call

    def wait_ringing(self, call: PlacedCall, agent: str, timeout: float = RING_TIMEOUT) -> str:
        try:
            ev = self.journal.wait_for(
                Match(PhoneRinging, party=agent), timeout, after=call.dialled_at
            )
        except WaitTimeout as exc:
            raise ConformanceFailure(
                (), f"the phone of {agent} to ring within {timeout:g} s", str(exc)
            ) from None
        call.agent_legs[agent] = ev.sip_call_id
        return ev.sip_call_id

    def answer(self, call: PlacedCall, agent: str) -> None:
        leg = call.agent_legs.get(agent) or self.wait_ringing(call, agent)
        if call.answered_at is None:
            call.answered_at = self.journal.position
        self.portal.run(self.phone(agent).answer(leg))
        self.journal.wait_for(Match(AnswerSent, party=agent, sip_call_id=leg), 5)
        call.answered_by.append(agent)

    def hold(self, call: PlacedCall, party: str, *, held: bool) -> None:
        """``party`` (the customer or an agent) puts the call on hold, or takes it off."""
        cast = self.cast
        position = self.journal.position  # armed before the re-INVITE: nothing it causes is missed
        if party == CUSTOMER:
            self.portal.run(cast.customer.hold(call.sip_call_id, held=held))
        else:
            self.portal.run(self.phone(party).hold(call.agent_legs[party], held=held))
        if held:
            call.held_at = position
        else:
            call.resumed_at = position

    def wait_connected(self, call: PlacedCall, timeout: float) -> None:
        """Wait for the SUT's 200 to reach the customer (her dialog confirmed)."""
        try:
            self.journal.wait_for(
                Match(CallConnected, party=CUSTOMER, sip_call_id=call.sip_call_id),
                timeout,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"the customer's call answered within {timeout:g} s", "no"
            ) from None

    def hang_up(self, call: PlacedCall) -> None:
        self.portal.run(self.cast.customer.hangup(call.sip_call_id))

    # -- observations ----------------------------------------------------------------------------
    def two_way_audio(self, call: PlacedCall, agent: str, bound_ms: float) -> str | None:
        """None when the customer and ``agent`` hear each other within ``bound_ms`` of the
        answer; otherwise what a QA engineer needs to read: one-way audio with its direction,
        silence both ways with the stuck-call diagnosis, or the late direction."""
        timeout = bound_ms / 1000 + AUDIO_GRACE
        to_customer = self.heard(call, CUSTOMER, agent, timeout)
        to_agent = self.heard(call, agent, CUSTOMER, timeout)
        if to_customer is None and to_agent is None:
            return "no audio either way: " + self.diagnose(call, silence_window=0.0).describe()
        if to_customer is None:
            return f"one-way audio: {agent} hears the customer; the customer hears silence"
        if to_agent is None:
            return f"one-way audio: the customer hears {agent}; {agent} hears silence"
        late = [
            f"{who} after {ms:.0f} ms"
            for who, ms in (
                (f"the customer hears {agent}", to_customer),
                (f"{agent} hears the customer", to_agent),
            )
            if ms > bound_ms
        ]
        return "late audio: " + "; ".join(late) if late else None

    def silenced(self, call: PlacedCall, agent: str, within: float) -> str | None:
        """None when each side stops hearing the other within ``within`` s (a hold); otherwise
        the direction that still carries audio."""
        journal = self.journal
        since = call.held_at if call.held_at is not None else call.dialled_at
        problems = []
        for listener, speaker, leg in (
            (CUSTOMER, agent, call.sip_call_id),
            (agent, CUSTOMER, call.agent_legs[agent]),
        ):
            match = Match(AudioLost, party=listener, heard=speaker, sip_call_id=leg)
            try:
                journal.wait_for(match, within, after=since)
            except WaitTimeout:
                problems.append(f"{listener} still hears {speaker}")
        return "; ".join(problems) or None

    def heard_again(self, call: PlacedCall, agent: str, bound_ms: float) -> str | None:
        """None when both directions are heard again within ``bound_ms`` of the resume;
        otherwise which direction stayed silent or came late."""
        since = call.resumed_at if call.resumed_at is not None else call.dialled_at
        return "; ".join(self.hearing_problems(call, agent, since, bound_ms, again=True)) or None

    def hearing_problems(
        self, call: PlacedCall, agent: str, since: int, bound_ms: float, *, again: bool = False
    ) -> list[str]:
        """Which direction between the customer and ``agent`` is not heard within ``bound_ms``
        of journal position ``since``, or came late. ``again``: audio heard anew (after a
        resume), so the latest hearing counts rather than the first."""
        journal = self.journal
        start = journal.records()[since].at
        word = " again" if again else ""
        problems = []
        for listener, speaker, leg in (
            (CUSTOMER, agent, call.sip_call_id),
            (agent, CUSTOMER, call.agent_legs[agent]),
        ):
            match = Match(AudioHeard, party=listener, heard=speaker, sip_call_id=leg)
            try:
                journal.wait_for(match, bound_ms / 1000 + AUDIO_GRACE, after=since)
            except WaitTimeout:
                problems.append(f"{listener} does not hear {speaker}{word}")
                continue
            records = [r for r in journal.records(AudioHeard) if r.seq >= since and match(r.event)]
            late_ms = ((records[-1] if again else records[0]).at - start) * 1000
            if late_ms > bound_ms:
                problems.append(f"{listener} hears {speaker}{word} after {late_ms:.0f} ms")
        return problems

    def drop_outs(self, call: PlacedCall, agent: str, seconds: float) -> list[str]:
        """Listen to both directions at once for ``seconds``; each lost direction, described.

        Both parties already heard each other (see :meth:`heard`); a bridge that stops
        relaying, in one direction or both, shows as the listener losing the speaker's
        signature. One window covers both directions, so the check costs ``seconds`` once.
        """
        legs = {call.sip_call_id: CUSTOMER, call.agent_legs[agent]: agent}
        speaker_of = {CUSTOMER: agent, agent: CUSTOMER}
        match = Match(AudioLost, sip_call_id=lambda leg: leg in legs)
        # From the last resume (a hold's silence is wanted), else from the answer.
        start = next(
            p for p in (call.resumed_at, call.answered_at, call.dialled_at) if p is not None
        )
        journal = self.journal
        try:
            journal.expect_absent(match, within=seconds, after=start)
        except UnexpectedEvent:
            pass
        problems = []
        since = "the resume" if start == call.resumed_at else "the answer"
        answered = journal.records()[start].at if start < journal.position else None
        for record in journal.records(AudioLost)[:]:
            event = record.event
            if record.seq < start or not match(event):
                continue
            listener = legs[event.sip_call_id]
            if event.heard != speaker_of[listener]:
                continue
            when = f" {record.at - answered:.1f} s after {since}" if answered else ""
            problems.append(f"{listener} stopped hearing {speaker_of[listener]}{when}")
        return problems

    def rings_absent(self, call: PlacedCall, agent: str, within: float) -> None:
        """Prove that ``agent``'s phone did not ring for this call within ``within`` s of now
        (history since the dial counts too)."""
        match = Match(PhoneRinging, party=agent)
        try:
            self.journal.expect_absent(match, within=within, after=call.dialled_at)
        except UnexpectedEvent:
            raise ConformanceFailure(
                (), f"the phone of {agent} not to ring for this call", f"it rang: {match!r}"
            ) from None

    def ring_count(self, call: PlacedCall, agent: str, settle: float) -> int:
        """How many calls reached ``agent``'s phone since the dial, counted after it rang once
        and ``settle`` more seconds passed with no further ring."""
        self.wait_ringing(call, agent)
        match = Match(PhoneRinging, party=agent)
        try:
            self.journal.expect_absent(match, within=settle)
        except UnexpectedEvent:
            pass
        return len(
            [
                r
                for r in self.journal.records(PhoneRinging)
                if r.seq >= call.dialled_at and match(r.event)
            ]
        )

    def heard(self, call: PlacedCall, listener: str, speaker: str, timeout: float) -> float | None:
        """Latency (ms) at which ``listener`` first heard ``speaker`` on this call, or None."""
        key = f"{listener} hears {speaker}"
        if call.latency_ms.get(key) is not None:
            return call.latency_ms[key]
        leg = call.sip_call_id if listener == CUSTOMER else call.agent_legs[listener]
        try:
            ev = self.journal.wait_for(
                Match(AudioHeard, party=listener, heard=speaker, sip_call_id=leg),
                timeout,
                after=call.dialled_at,
            )
        except WaitTimeout:
            call.latency_ms[key] = None
            return None
        call.latency_ms[key] = ev.latency_ms
        return ev.latency_ms

    def sut_call_id(self, call: PlacedCall) -> str:
        """The SUT's Call ID for this call, from the SUT's own event stream."""
        if call.call_id is None:
            ev = self.journal.wait_for(
                Match(
                    SutEvent,
                    kind="call.created",
                    data=lambda d: (
                        call.sip_call_id in (d.get("sip_call_id"), *d.get("sip_call_ids", ()))
                    ),
                ),
                LOG_TIMEOUT,
            )
            call.call_id = ev.call_id
            self.evidence.add_call(ev.call_id or "?", call.sip_call_id)
        assert call.call_id is not None
        return call.call_id

    def log_entry(self, call: PlacedCall, *, final: bool) -> CallLogEntry:
        """The SUT's call log entry; with ``final``, once the SUT reports the call has ended."""
        call_id = self.sut_call_id(call)
        if final:
            self.journal.wait_for(
                Match(SutEvent, kind="call.ended", call_id=call_id),
                LOG_TIMEOUT,
                after=call.dialled_at,
            )
        call.entry = self.portal.run(self.observation.call(call_id))
        return call.entry

    # -- verdicts: each raises ConformanceFailure naming what the rule wanted -------------------
    def expect_two_way_audio(self, call: PlacedCall, agent: str, bound_ms: int) -> None:
        """The customer and ``agent`` hear each other within ``bound_ms`` of the answer."""
        problem = self.two_way_audio(call, agent, bound_ms)
        if problem:
            raise ConformanceFailure(
                (), f"two-way audio within {bound_ms} ms of the answer", problem
            )

    def expect_sustained_audio(self, call: PlacedCall, agent: str, seconds: int) -> None:
        """Neither direction between the customer and ``agent`` drops for ``seconds``."""
        problems = self.drop_outs(call, agent, seconds)
        if problems:
            raise ConformanceFailure(
                (), f"two-way audio for {seconds} s without a break", "; ".join(problems)
            )

    def expect_silenced(self, call: PlacedCall, agent: str, bound_ms: int) -> None:
        """After a hold, the customer and ``agent`` stop hearing each other within ``bound_ms``."""
        problem = self.silenced(call, agent, bound_ms / 1000)
        if problem:
            raise ConformanceFailure(
                (), f"silence both ways within {bound_ms} ms of the hold", problem
            )

    def expect_heard_again(self, call: PlacedCall, agent: str, bound_ms: int) -> None:
        """After the resume, the customer and ``agent`` hear each other within ``bound_ms``."""
        problem = self.heard_again(call, agent, bound_ms)
        if problem:
            raise ConformanceFailure(
                (), f"two-way audio within {bound_ms} ms of the resume", problem
            )

    def expect_rings_once(self, call: PlacedCall, agent: str) -> None:
        """The call reached ``agent``'s phone exactly once."""
        count = self.ring_count(call, agent, settle=RING_SETTLE)
        if count != 1:
            raise ConformanceFailure((), f"one call offered to {agent}'s phone", f"{count} calls")

    def expect_logged_answered(self, call: PlacedCall, agent: str) -> None:
        """Once ended, the call is logged as answered, credited to ``agent``."""
        entry = self.log_entry(call, final=True)
        if entry.status != "answered" or entry.answered_by != self.cast.agent(agent).id:
            credited = self.cast.agent_names().get(entry.answered_by or "", entry.answered_by)
            raise ConformanceFailure(
                (),
                f"status answered by {agent}",
                f"status {entry.status!r}, answered by {credited or 'nobody'}",
            )

    def expect_logged_missed(self, call: PlacedCall) -> None:
        """Once ended, the call is logged as missed."""
        entry = self.log_entry(call, final=True)
        if entry.status != "missed":
            raise ConformanceFailure((), "status missed", f"status {entry.status!r}")

    # -- the stuck answered call ---------------------------------------------------------------
    def diagnose(self, call: PlacedCall, *, silence_window: float) -> Diagnosis:
        """Gather every party's view of the call and match it against the stuck signature."""
        journal = self.journal
        agents = list(call.agent_legs)
        caller_heard = [
            a for a in agents if self.heard(call, CUSTOMER, a, silence_window) is not None
        ]
        heard_caller = [a for a in agents if self.heard(call, a, CUSTOMER, 0.0) is not None]
        answered = [
            a
            for a in agents
            if journal.events(Match(AnswerSent, party=a, sip_call_id=call.agent_legs[a]))
        ]
        entry = self.log_entry(call, final=False)
        result = diagnose(
            sip_call_id=call.sip_call_id,
            entry=entry,
            rang=agents,
            answered=answered,
            caller_heard=caller_heard,
            heard_caller=heard_caller,
            agent_names=self.cast.agent_names(),
        )
        if result.stuck:
            self.evidence.add_verdict(result.describe())
        return result
