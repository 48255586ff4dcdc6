"""Blind transfers (AC-IN-7, ZT-TKT-9): the agent on a call hands it to another agent.

The transfer is asked of the SUT through the adapter contract's ``transfers`` capability; what
it does is observed the way the parties meet it: the target's phone rings, the customer stops
hearing the first agent and hears the target, and the call log's timeline says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.endpoints.events import AnswerSent, AudioHeard, AudioLost, CallEnded
from harness.errors import ConformanceFailure
from harness.runtime.journal import Journal, Match, Record, UnexpectedEvent, WaitTimeout
from harness.runtime.portal import Portal
from harness.scenario.calls import AUDIO_GRACE, LOG_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.capabilities import need
from harness.scenario.cast import CUSTOMER
from harness.sut.contract import SutRefused, Transfers
from harness.sut.events import SutEvent
from harness.sut.model import Agent, CallLogEntry
from harness.sut.routing_model import QueueRef

#: How long a refused transfer is watched for a change it must not make (the first agent's
#: leg ending): the SUT answered the refusal first, so a leg it ended anyway ends at once.
REFUSAL_SETTLE = 1.0
#: The name of a transfer target who is no user of the account, and the id it is asked with.
STRANGER = "an agent the account does not have"
STRANGER_ID = "no-such-user"


@dataclass
class TransferRecord:
    """One transfer the scenario asked for, and what the SUT said."""

    by: str
    to: str
    asked_at: int  # journal position when the transfer was asked for
    refusal: str | None = None
    before: CallLogEntry | None = None  # the call log entry before a refused transfer


@dataclass
class TransferDesk:
    """The transfers of one scenario's calls."""

    flows: CallFlows
    portal: Portal
    journal: Journal
    done: list[TransferRecord] = field(default_factory=list)

    @property
    def transfers(self) -> Transfers:
        return need(getattr(self.flows.tenant, "transfers", None), "transfers")

    @property
    def last(self) -> TransferRecord:
        if not self.done:
            raise LookupError("no transfer has been asked for in this scenario yet")
        return self.done[-1]

    # -- actions -------------------------------------------------------------------------------
    def transfer_to_queue(
        self, call: PlacedCall, by: str, queue: QueueRef, *, expect_refusal: bool = False
    ) -> None:
        """``by`` transfers ``call`` to ``queue``; a refusal fails the step unless expected."""
        call_id = self.flows.sut_call_id(call)
        record = TransferRecord(by, queue.name, self.journal.position)
        if expect_refusal:
            record.before = self.flows.log_entry(call, final=False)
        self.done.append(record)
        agent = self.flows.cast.agent(by)
        try:
            self.portal.run(self.transfers.transfer_to_queue(agent, call_id, queue))
        except SutRefused as exc:
            if not expect_refusal:
                raise ConformanceFailure(
                    (), f"{by} transfers the call to {queue.name}", f"refused: {exc}"
                ) from None
            record.refusal = str(exc)
            return
        if expect_refusal:
            raise ConformanceFailure(
                (), f"the transfer of the call to {queue.name} refused", "it was taken"
            )

    def transfer(self, call: PlacedCall, by: str, to: str, *, expect_refusal: bool = False) -> None:
        """``by`` transfers ``call`` to ``to``; a refusal fails the step unless expected.

        ``to`` names an agent of the cast; :data:`STRANGER` names one the SUT never had.
        """
        cast = self.flows.cast
        call_id = self.flows.sut_call_id(call)
        target = (
            Agent(STRANGER_ID, STRANGER, "nobody@example.invalid", "agent")
            if to == STRANGER
            else cast.agent(to)
        )
        record = TransferRecord(by, to, self.journal.position)
        if expect_refusal:
            record.before = self.flows.log_entry(call, final=False)
        self.done.append(record)
        try:
            self.portal.run(self.transfers.transfer(cast.agent(by), call_id, target))
        except SutRefused as exc:
            if not expect_refusal:
                raise ConformanceFailure(
                    (), f"{by} transfers the call to {to}", f"refused: {exc}"
                ) from None
            record.refusal = str(exc)
            return
        if expect_refusal:
            raise ConformanceFailure(
                (), f"the transfer of the call by {by} to {to} refused", "it was taken"
            )

    def ring_for(self, call: PlacedCall, seconds: float) -> None:
        """Once the SUT has taken the transfer, ``seconds`` pass on the tenant's clock while
        the target's phone rings."""
        call_id = self.flows.sut_call_id(call)
        self.journal.wait_for(
            Match(SutEvent, kind="call.transferred", call_id=call_id),
            LOG_TIMEOUT,
            after=self.last.asked_at,
        )
        clock = need(self.flows.tenant.clock, "clock")
        self.portal.run(clock.advance(seconds))

    # -- verdicts ------------------------------------------------------------------------------
    def expect_target_heard(self, call: PlacedCall, agent: str, bound_ms: int) -> None:
        """The customer and ``agent`` (the target) hear each other within ``bound_ms`` of her
        answer to the transferred call, and not before it.

        The answer's time is when the agent answered (:attr:`AnswerSent.answered_at` where the
        phone knows it better than its record's time), and what each party heard is looked for
        from the transfer on, not from the answer's record: an agent app's answer is recorded
        a round trip after the click, often after the customer already heard her.
        """
        answer = self._answer(call, agent)
        origin = answer.event.answered_at if answer.event.answered_at is not None else answer.at
        since = self.last.asked_at
        problems = []
        for listener, speaker, leg in (
            (CUSTOMER, agent, call.sip_call_id),
            (agent, CUSTOMER, call.agent_legs[agent]),
        ):
            match = Match(AudioHeard, party=listener, heard=speaker, sip_call_id=leg)
            try:
                self.journal.wait_for(match, bound_ms / 1000 + AUDIO_GRACE, after=since)
            except WaitTimeout:
                heard = sorted(
                    {
                        r.event.heard
                        for r in self.journal.records(AudioHeard)
                        if r.seq >= since and r.event.party == listener
                    }
                )
                problems.append(
                    f"{listener} does not hear {speaker} (hears: {', '.join(heard) or 'nobody'})"
                )
                continue
            record = next(
                r for r in self.journal.records(AudioHeard) if r.seq >= since and match(r.event)
            )
            late_ms = (record.at - origin) * 1000
            if late_ms < 0:
                problems.append(
                    f"{listener} hears {speaker} {-late_ms:.0f} ms before {agent} answered"
                )
            elif late_ms > bound_ms:
                problems.append(f"{listener} hears {speaker} after {late_ms:.0f} ms")
        if problems:
            raise ConformanceFailure(
                (),
                f"two-way audio between the customer and {agent} within {bound_ms} ms of the "
                "transfer's answer",
                "; ".join(problems),
            )

    def expect_first_agent_gone(self, call: PlacedCall, agent: str, bound_ms: int) -> None:
        """After the transfer the customer no longer hears ``agent``, whose leg has ended."""
        since = self.last.asked_at
        timeout = bound_ms / 1000 + AUDIO_GRACE
        problems = []
        lost = Match(AudioLost, party=CUSTOMER, heard=agent, sip_call_id=call.sip_call_id)
        try:
            self.journal.wait_for(lost, timeout, after=since)
        except WaitTimeout:
            problems.append(f"the customer still hears {agent}")
        ended = Match(CallEnded, party=agent, sip_call_id=call.agent_legs[agent])
        try:
            self.journal.wait_for(ended, timeout, after=since)
        except WaitTimeout:
            problems.append(f"the call of {agent} did not end")
        if problems:
            raise ConformanceFailure(
                (), f"the customer handed over from {agent}", "; ".join(problems)
            )

    def expect_timeline_transfer(
        self, call: PlacedCall, by: str, to: str, *, queue: QueueRef | None = None
    ) -> None:
        """The call log's timeline says ``by`` transferred the call to ``to`` (or to ``queue``)
        and that ``to`` answered it."""
        entry = self.flows.log_entry(call, final=False)
        texts = [t.text for t in entry.timeline]
        cast = self.flows.cast
        where = f"queue {queue.name}" if queue is not None else cast.agent(to).name
        wanted = f"{cast.agent(by).name} transferred the call to {where}"
        if not any(wanted in text for text in texts):
            raise ConformanceFailure((), f"the timeline says {wanted!r}", str(texts))
        target_id = cast.agent(to).id
        kinds = [(t.kind, t.user_id) for t in entry.timeline]
        if ("answered", target_id) not in kinds[[k for k, _ in kinds].index("transferred") :]:
            raise ConformanceFailure(
                (), f"the timeline says {to} answered after the transfer", str(texts)
            )

    def expect_ended_untaken(self, call: PlacedCall, words: str) -> None:
        """Nobody took the transferred call: the customer's call ends and the call log's end
        reason contains ``words``."""
        try:
            self.journal.wait_for(
                Match(CallEnded, party=CUSTOMER, sip_call_id=call.sip_call_id),
                LOG_TIMEOUT,
                after=self.last.asked_at,
            )
        except WaitTimeout:
            raise ConformanceFailure((), "the customer's call ended", "it goes on") from None
        entry = self.flows.log_entry(call, final=True)
        if words not in (entry.end_reason or ""):
            raise ConformanceFailure(
                (), f"an end reason saying {words!r}", f"end reason {entry.end_reason!r}"
            )

    def expect_refused(self, call: PlacedCall, words: str) -> None:
        """The last transfer was refused with a message naming ``words``; the call log entry
        is as it was and the first agent's leg is still up."""
        record = self.last
        if record.refusal is None:
            raise ConformanceFailure((), "the transfer refused", "it was taken")
        if words.lower() not in record.refusal.lower():
            raise ConformanceFailure(
                (), f"a refusal naming {words!r}", f"the refusal says {record.refusal!r}"
            )
        after = self.flows.log_entry(call, final=False)
        before = record.before
        assert before is not None
        if (after.status, after.timeline, after.answered_by) != (
            before.status,
            before.timeline,
            before.answered_by,
        ):
            raise ConformanceFailure(
                (),
                "the call log unchanged by the refused transfer",
                f"timeline {[t.text for t in before.timeline]} became "
                f"{[t.text for t in after.timeline]}",
            )
        leg = call.agent_legs.get(record.by)
        if leg is not None:
            try:
                self.journal.expect_absent(
                    Match(CallEnded, party=record.by, sip_call_id=leg),
                    REFUSAL_SETTLE,
                    after=record.asked_at,
                )
            except UnexpectedEvent as exc:
                raise ConformanceFailure(
                    (), f"{record.by} still on the call", f"her call ended: {exc}"
                ) from None

    def _answer(self, call: PlacedCall, agent: str) -> Record[AnswerSent]:
        """The journal's record of ``agent``'s answer to the transferred call."""
        match = Match(AnswerSent, party=agent, sip_call_id=call.agent_legs[agent])
        record = next(
            (
                r
                for r in self.journal.records(AnswerSent)
                if r.seq >= self.last.asked_at and match(r.event)
            ),
            None,
        )
        if record is None:
            raise LookupError(f"{agent} has not answered the transferred call")
        return record
