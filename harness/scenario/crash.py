"""Crash drills (H-REL-1): kill the SUT at a moment of a call, restart it, judge the aftermath.

The scenario owns its SUT instance (``@needs:lifecycle``), so killing it disturbs nobody else.
What must survive is a table: each kind of stored record is one :class:`RecordKind` in
:data:`RECORD_KINDS` (how to make one and commit it, how to read it back); each moment of a
call at the crash is one :class:`Moment` in :data:`MOMENTS` (how to bring a call there, and
what its log must say after the restart). Tickets, recordings and voicemails join the family
by adding a row here and a row to the feature's Examples, not by writing new scenarios.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.errors import ConformanceFailure
from harness.runtime.journal import Match
from harness.scenario import profiles
from harness.scenario.calls import AUDIO_GRACE, LOG_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER, CapabilityMissing, Cast
from harness.scenario.recordings import RecordingDesk
from harness.scenario.tickets import TicketDesk
from harness.sut.contract import OwnInstance, SutRefused
from harness.sut.events import SutEvent
from harness.sut.model import CallLogEntry
from harness.sut.tickets_model import Ticket

AUDIO_BOUND_MS = 500  # the answered-call rule (AC-ANS-1) holds right after a restart too


class NotAnOwnInstance(LookupError):
    """The scenario needs its own SUT instance: tag it ``@needs:lifecycle``."""


@dataclass
class StoredRecord:
    """A record made before the crash and how it read once committed."""

    kind: str
    key: str  # how its kind finds it again (a Call ID...)
    before: object


@dataclass
class CrashDrill:
    """One scenario's crash: its own SUT instance, the parties, and what was stored before."""

    cast: Cast
    flows: CallFlows
    instance: OwnInstance
    records: dict[str, StoredRecord] = field(default_factory=dict)
    moments: dict[str, PlacedCall] = field(default_factory=dict)

    @classmethod
    def of(cls, cast: Cast, flows: CallFlows, instance: object) -> CrashDrill:
        """The drill of a scenario whose SUT ``instance`` it owns."""
        if not isinstance(instance, OwnInstance):
            raise NotAnOwnInstance(
                "a crash drill needs the scenario's own SUT instance: tag it @needs:lifecycle"
            )
        return cls(cast, flows, instance)

    # -- before the crash -------------------------------------------------------------------
    def store(self, kind: str) -> StoredRecord:
        """Make a record of ``kind``, see it committed, and keep how it read."""
        record = record_kind(kind).make(self)
        self.records[kind] = record
        return record

    def bring_call_to(self, moment: str, number: str, agent: str) -> PlacedCall:
        """Place a call to ``number`` and bring it to ``moment`` (the crash comes next)."""
        call = moment_named(moment).bring(self, number, agent)
        self.moments[moment] = call
        return call

    def settle(self, call: PlacedCall, last: str) -> None:
        """Once the SUT has told its ``last`` event of the call, let its commit window pass.

        A time here is the SUT's own promise (changes older than the window survive a crash),
        proved event by event: any change to the call meanwhile is not allowed.
        """
        call_id = self.flows.sut_call_id(call)
        journal = self.flows.journal
        told = Match(SutEvent, kind=last, call_id=call_id)
        if not journal.events(told):  # a step before may have waited for it already
            journal.wait_for(told, LOG_TIMEOUT)
        # Only the call's own changes count: a ticket made of it (ticket.*) is committed
        # before its event is told, and is no change to the call.
        journal.expect_absent(
            Match(SutEvent, call_id=call_id, kind=lambda kind: kind.startswith("call.")),
            within=self.instance.commit_window_s,
        )

    # -- the crash ---------------------------------------------------------------------------
    def crash_and_restart(self) -> None:
        """SIGKILL the instance, start it again on the same data, and listen to it again."""
        flows = self.flows
        flows.portal.run(self.instance.kill(), timeout=60)
        flows.portal.run(self.instance.restart(), timeout=60)
        stop = flows.portal.run(flows.observation.subscribe(flows.journal.record_event))
        self.cast.cleanup.push("SUT event stream after the restart", stop)

    # -- after it ------------------------------------------------------------------------------
    def check_survived(self, kind: str) -> None:
        record = self.records[kind]
        after = record_kind(kind).read(self, record)
        if after is None:
            raise ConformanceFailure(
                (), f"the {kind} {record.key} committed before the crash", "it is gone"
            )
        if after != record.before:
            raise ConformanceFailure(
                (),
                f"the {kind} {record.key} unchanged by the crash: {record.before}",
                f"{after}",
            )

    def check_cut_call(self, moment: str) -> CallLogEntry:
        call = self.moments[moment]
        entry = self.flows.portal.run(self.flows.observation.call(self.flows.sut_call_id(call)))
        problems = judge_cut_call(moment_named(moment), entry)
        if problems:
            raise ConformanceFailure(
                (),
                f"the call that was {moment} at the crash to end with a clear status and timeline",
                "; ".join(problems) + f" (logged: status {entry.status!r}, timeline "
                f"{[(t.kind, t.text) for t in entry.timeline]})",
            )
        self.end_parties(call)
        return entry

    def end_parties(self, call: PlacedCall) -> None:
        """The parties of a cut call end their side: the SUT forgot it in the crash."""
        cast = self.cast
        session = cast.customer.calls[call.sip_call_id][0].session
        if session.live:
            self.flows.hang_up(call)

    def phones_register_again(self) -> None:
        cast = self.cast
        for name, phone in cast.phones.items():
            try:
                cast.portal.run(phone.refresh_registration())
            except (ConnectionError, TimeoutError) as exc:
                raise ConformanceFailure(
                    (),
                    f"the phone of {name} to register again after the restart",
                    str(exc),
                ) from None

    def new_call_works(self, number: str, agent: str) -> None:
        flows = self.flows
        call = flows.dial(number)
        try:
            flows.wait_ringing(call, agent)
        except ConformanceFailure as exc:
            raise ConformanceFailure(
                (),
                "a new call to ring right after the restart",
                exc.observed,
            ) from None
        flows.answer(call, agent)
        wait = AUDIO_BOUND_MS / 1000 + AUDIO_GRACE
        heard = {
            f"the customer hears {agent}": flows.heard(call, CUSTOMER, agent, wait),
            f"{agent} hears the customer": flows.heard(call, agent, CUSTOMER, wait),
        }
        silent = [what for what, latency in heard.items() if latency is None]
        if silent:
            raise ConformanceFailure(
                (), "two-way audio on a new call right after the restart", f"{silent}"
            )
        flows.hang_up(call)
        entry = flows.log_entry(call, final=True)
        if entry.status != "answered":
            raise ConformanceFailure(
                (), "the new call logged as answered", f"status {entry.status!r}"
            )


# -- the table of stored records -----------------------------------------------------------------
@dataclass(frozen=True)
class RecordKind:
    """One kind of stored record in the crash family."""

    make: Callable[[CrashDrill], StoredRecord]
    read: Callable[[CrashDrill, StoredRecord], object | None]


def _make_call_log_entry(drill: CrashDrill) -> StoredRecord:
    flows, agent = drill.flows, next(iter(drill.cast.phones))
    number = next(iter(drill.cast.numbers))
    call = flows.dial(number)
    flows.answer(call, agent)
    flows.hang_up(call)
    entry = flows.log_entry(call, final=True)
    drill.settle(call, "call.ended")
    return StoredRecord("call-log entry", entry.call_id, entry)


def _read_call_log_entry(drill: CrashDrill, record: StoredRecord) -> CallLogEntry | None:
    for entry in drill.flows.portal.run(drill.flows.observation.call_log()):
        if entry.call_id == record.key:
            return entry
    return None


def _make_end_user(drill: CrashDrill) -> StoredRecord:
    key, made = profiles.make_end_user(drill.cast)
    return StoredRecord("customer profile", key, made)


def _make_call_requester(drill: CrashDrill) -> StoredRecord:
    key, found = profiles.make_call_requester(drill.cast, drill.flows)
    drill.settle(drill.flows.last, "call.ended")
    return StoredRecord("call's requester", key, found)


def _answered_and_ended(drill: CrashDrill) -> PlacedCall:
    flows, agent = drill.flows, next(iter(drill.cast.phones))
    call = flows.dial(next(iter(drill.cast.numbers)))
    flows.answer(call, agent)
    flows.expect_two_way_audio(call, agent, AUDIO_BOUND_MS)
    flows.hang_up(call)
    return call


def _make_ticket(drill: CrashDrill) -> StoredRecord:
    """A ticket made from an answered call, with the ended call's details in it (ZT-TKT)."""
    desk = TicketDesk(drill.cast, drill.flows)
    call = _answered_and_ended(drill)
    ticket, _ = desk.ticket_after_call(call)
    drill.settle(call, "ticket.updated")
    return StoredRecord("ticket", ticket.id, ticket)


def _read_ticket(drill: CrashDrill, record: StoredRecord) -> Ticket | None:
    tickets = drill.cast.tenant.tickets
    if tickets is None:
        raise CapabilityMissing("the SUT adapter lacks the capability 'tickets'")
    found = drill.cast.portal.run(tickets.tickets())
    return next((t for t in found if t.id == record.key), None)


def _make_recording(drill: CrashDrill) -> StoredRecord:
    """A call recording in its ticket: its listing and its audio, byte for byte (ZT-TKT-12)."""
    desk = RecordingDesk(drill.cast, drill.flows, TicketDesk(drill.cast, drill.flows))
    desk.configure(recording=True)
    call = _answered_and_ended(drill)
    recording = desk.recording_of(call)
    drill.settle(call, "ticket.updated")
    agent = next(iter(drill.cast.agents))
    audio = drill.cast.portal.run(desk.recordings.play(recording.url, user=drill.cast.agent(agent)))
    key = f"{recording.ticket_id}/{recording.id}"
    return StoredRecord("recording", key, (recording, hashlib.sha256(audio).hexdigest()))


def _read_recording(drill: CrashDrill, record: StoredRecord) -> object | None:
    desk = RecordingDesk(drill.cast, drill.flows, TicketDesk(drill.cast, drill.flows))
    ticket_id, recording_id = record.key.split("/")
    listed = drill.cast.portal.run(desk.recordings.recordings(ticket_id))
    recording = next((r for r in listed if r.id == recording_id), None)
    if recording is None:
        return None
    agent = next(iter(drill.cast.agents))
    try:
        audio = drill.cast.portal.run(
            desk.recordings.play(recording.url, user=drill.cast.agent(agent))
        )
    except SutRefused as refusal:
        return (recording, f"cannot be played: {refusal}")
    return (recording, hashlib.sha256(audio).hexdigest())


RECORD_KINDS: dict[str, RecordKind] = {
    "call-log entry": RecordKind(_make_call_log_entry, _read_call_log_entry),
    "customer profile": RecordKind(
        _make_end_user, lambda drill, record: profiles.read_end_user(drill.cast, record.key)
    ),
    "call's requester": RecordKind(
        _make_call_requester,
        lambda drill, record: profiles.read_call_requester(drill.cast, record.key),
    ),
    "ticket": RecordKind(_make_ticket, _read_ticket),
    "recording": RecordKind(_make_recording, _read_recording),
}


def record_kind(name: str) -> RecordKind:
    try:
        return RECORD_KINDS[name]
    except KeyError:
        known = ", ".join(sorted(RECORD_KINDS))
        raise KeyError(
            f"no stored record kind {name!r} in the crash family (known: {known})"
        ) from None


# -- the table of moments ------------------------------------------------------------------
@dataclass(frozen=True)
class Moment:
    """Where a call is when the SUT crashes, and what its log must say after the restart."""

    bring: Callable[[CrashDrill, str, str], PlacedCall]
    final_statuses: tuple[str, ...]


def _ringing(drill: CrashDrill, number: str, agent: str) -> PlacedCall:
    call = drill.flows.dial(number)
    drill.flows.wait_ringing(call, agent)
    drill.settle(call, "call.ringing")
    return call


def _in_progress(drill: CrashDrill, number: str, agent: str) -> PlacedCall:
    flows = drill.flows
    call = flows.dial(number)
    flows.answer(call, agent)
    wait = AUDIO_BOUND_MS / 1000 + AUDIO_GRACE
    if flows.heard(call, CUSTOMER, agent, wait) is None:
        raise AssertionError(f"the customer never heard {agent} before the crash")
    drill.settle(call, "call.answered")
    return call


def _just_ended(drill: CrashDrill, number: str, agent: str) -> PlacedCall:
    flows = drill.flows
    call = flows.dial(number)
    flows.answer(call, agent)
    drill.settle(call, "call.answered")  # the call is older than the window; its end is not
    flows.hang_up(call)
    flows.log_entry(call, final=True)  # the SUT said it ended: the crash comes at once
    return call


MOMENTS: dict[str, Moment] = {
    "ringing": Moment(_ringing, ("missed",)),
    "in progress": Moment(_in_progress, ("answered",)),
    # Ended within the commit window: logged as it ended, or closed by the restart; never lost.
    "just ended": Moment(_just_ended, ("answered",)),
}


def moment_named(name: str) -> Moment:
    try:
        return MOMENTS[name]
    except KeyError:
        known = ", ".join(sorted(MOMENTS))
        raise KeyError(f"no moment {name!r} in the crash family (known: {known})") from None


def judge_cut_call(moment: Moment, entry: CallLogEntry) -> list[str]:
    """What is wrong with the log of a call the crash cut (empty when nothing)."""
    problems = []
    if entry.status not in moment.final_statuses:
        problems.append(f"status should be {' or '.join(moment.final_statuses)}")
    if entry.ended_at is None:
        problems.append("it has no end time: it stays in progress")
    if not entry.timeline or entry.timeline[-1].kind != "ended":
        problems.append("its timeline does not say it ended")
    return problems
