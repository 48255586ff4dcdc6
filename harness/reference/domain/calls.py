"""Inbound calls: the state machine, the answer rule, the timeline and the logged status.

The state machine is a transition table (one place, like h11's ``_state.py``)::

    ringing --answer--> answered --end--> ended
    ringing --end-----> ended
    ringing --refuse--> ended   (before anyone rang: the offer could not be used)
    answered --hold--> held --resume--> answered;  held --end--> ended
    answered|held --transfer--> transferring --answer--> answered;  transferring --end--> ended

``ring``, ``no_answer`` and an unregistered answer attempt keep a ringing call ringing. Every
other (state, event) pair is an :class:`IllegalTransition`.

When a call ends its status is logged: ``answered`` if an answer was registered, else
``missed``; a call refused before anyone rang (an SDP offer the service cannot use, answered
with 488) is logged ``refused``, with the reason the caller was given and no answer attempt.
The telephony edge registers an answer only once the customer's leg is connected
(the 200 sent to the caller and acknowledged); an agent who answered a call that never reached
the customer is kept as an attempt, with a timeline entry saying why (``answer_not_connected``).
An answer is registered only when the assignment that routed the call to the user
is in sync; otherwise the attempt is kept in ``attempts`` while the timeline says the user did
not answer — the "stuck answered call" signature of seed 000.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from .distribution import Assignment, AssignmentKind
from .errors import IllegalTransition, InvalidField, NotFound


class CallState(enum.StrEnum):
    """Where a call is in its life."""

    RINGING = "ringing"
    ANSWERED = "answered"
    HELD = "held"
    TRANSFERRING = "transferring"  # a blind transfer rings its target; the caller waits
    ENDED = "ended"


class CallEvent(enum.StrEnum):
    """What can happen to a call."""

    RING = "ring"
    NO_ANSWER = "no_answer"
    UNREGISTERED_ATTEMPT = "unregistered_attempt"
    ANSWER = "answer"
    HOLD = "hold"
    RESUME = "resume"
    END = "end"
    REFUSE = "refuse"
    TRANSFER = "transfer"


TRANSITIONS: Mapping[tuple[CallState, CallEvent], CallState] = {
    (CallState.RINGING, CallEvent.RING): CallState.RINGING,
    (CallState.RINGING, CallEvent.NO_ANSWER): CallState.RINGING,
    (CallState.RINGING, CallEvent.UNREGISTERED_ATTEMPT): CallState.RINGING,
    (CallState.RINGING, CallEvent.ANSWER): CallState.ANSWERED,
    (CallState.RINGING, CallEvent.END): CallState.ENDED,
    (CallState.ANSWERED, CallEvent.END): CallState.ENDED,
    (CallState.ANSWERED, CallEvent.HOLD): CallState.HELD,
    (CallState.HELD, CallEvent.HOLD): CallState.HELD,
    (CallState.HELD, CallEvent.RESUME): CallState.ANSWERED,
    (CallState.ANSWERED, CallEvent.RESUME): CallState.ANSWERED,
    (CallState.HELD, CallEvent.END): CallState.ENDED,
    (CallState.RINGING, CallEvent.REFUSE): CallState.ENDED,
    (CallState.ANSWERED, CallEvent.TRANSFER): CallState.TRANSFERRING,
    (CallState.HELD, CallEvent.TRANSFER): CallState.TRANSFERRING,
    (CallState.TRANSFERRING, CallEvent.RING): CallState.TRANSFERRING,
    (CallState.TRANSFERRING, CallEvent.NO_ANSWER): CallState.TRANSFERRING,
    (CallState.TRANSFERRING, CallEvent.ANSWER): CallState.ANSWERED,
    (CallState.TRANSFERRING, CallEvent.END): CallState.ENDED,
}


def next_state(state: CallState, event: CallEvent) -> CallState:
    """The state after ``event`` in ``state``, or :class:`IllegalTransition`."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise IllegalTransition(f"a call that is {state} cannot {event}") from None


class CallStatus(enum.StrEnum):
    """The status logged in the call log once the call has ended."""

    ANSWERED = "answered"
    MISSED = "missed"
    REFUSED = "refused"


class EndedBy(enum.StrEnum):
    """Which side ended the call."""

    CALLER = "caller"
    AGENT = "agent"
    SYSTEM = "system"


class TimelineKind(enum.StrEnum):
    """Kinds of timeline entries; ``text`` says the same for people."""

    INCOMING = "incoming"
    UNROUTED = "unrouted"
    RINGING = "ringing"
    NO_ANSWER = "no_answer"
    ANSWERED = "answered"
    HELD = "held"
    RESUMED = "resumed"
    NOT_CONNECTED = "not_connected"
    REFUSED = "refused"
    ENDED = "ended"
    IVR = "ivr"  # the caller chose a branch of an IVR menu (the last one is the call's branch)
    DEFLECTED = "deflected"  # after hours: sent to a queue, a number, voicemail or a message
    TRANSFERRED = "transferred"  # the agent on the call handed it to another agent (blind)


class AnswerRefusal(enum.StrEnum):
    """Why an answer attempt was not registered."""

    ASSIGNMENT_OUT_OF_SYNC = "assignment_out_of_sync"
    ALREADY_ANSWERED = "already_answered"
    CALL_ENDED = "call_ended"


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a call's timeline."""

    at: datetime
    kind: TimelineKind
    user_id: str | None
    text: str


@dataclass(frozen=True)
class AnswerAttempt:
    """A user tried to answer; ``registered`` says whether the contact center took it."""

    user_id: str
    user_name: str
    at: datetime
    registered: bool


@dataclass(frozen=True)
class Offer:
    """A user the call is routed to, fixed when the call arrives."""

    user_id: str
    user_name: str
    stage: int
    via: Assignment
    in_sync: bool


@dataclass(frozen=True)
class AnswerDecision:
    """The outcome of an answer attempt, for the telephony edge to act on."""

    registered: bool
    refusal: AnswerRefusal | None = None


@dataclass(frozen=True)
class CallRecord:
    """An inbound call as the call log knows it."""

    call_id: str
    account_id: str
    number_id: str
    caller: str
    called: str
    started_at: datetime
    state: CallState = CallState.RINGING
    status: CallStatus | None = None
    sip_call_ids: tuple[str, ...] = ()
    offers: tuple[Offer, ...] = ()
    attempts: tuple[AnswerAttempt, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    answered_at: datetime | None = None
    answered_by: str | None = None
    ended_at: datetime | None = None
    ended_by: EndedBy | None = None
    end_reason: str | None = None

    @property
    def hold_s(self) -> float:
        """Seconds spent on hold, from the timeline (an open hold counts up to the end)."""
        return self._seconds_between(TimelineKind.HELD, TimelineKind.RESUMED)

    @property
    def transfer_s(self) -> float:
        """Seconds spent being transferred: from each transfer to the next answer (or the end)."""
        return self._seconds_between(TimelineKind.TRANSFERRED, TimelineKind.ANSWERED)

    def _seconds_between(self, start: TimelineKind, stop: TimelineKind) -> float:
        """Seconds from each ``start`` entry to the next ``stop`` (or the call's end)."""
        total, since = 0.0, None
        for entry in self.timeline:
            if entry.kind is start and since is None:
                since = entry.at
            elif entry.kind in (stop, TimelineKind.ENDED) and since is not None:
                total += (entry.at - since).total_seconds()
                since = None
        return round(total, 3)

    @property
    def agent_id(self) -> str | None:
        """The user on the call now: whoever answered last (after a transfer, its target)."""
        for entry in reversed(self.timeline):
            if entry.kind is TimelineKind.ANSWERED:
                return entry.user_id
        return None

    @property
    def duration_s(self) -> float | None:
        """Seconds from arrival to end; ``None`` while the call is live."""
        if self.ended_at is None:
            return None
        return round((self.ended_at - self.started_at).total_seconds(), 3)

    def offer(self, user_id: str) -> Offer:
        """The offer made to ``user_id``; a user the call was never routed to is not found."""
        for offer in self.offers:
            if offer.user_id == user_id:
                return offer
        raise NotFound(f"offer of call {self.call_id} to user", user_id)


def open_call(
    call: CallRecord, *, number_label: str, offers: tuple[Offer, ...], sip_call_id: str
) -> CallRecord:
    """Record the arrival of ``call`` and the users it is routed to.

    With nobody to ring (AC-IN-1) the call ends at once as missed, and the timeline says why.
    """
    at = call.started_at
    opened = replace(
        call,
        offers=offers,
        sip_call_ids=(sip_call_id,),
        timeline=(
            TimelineEntry(
                at,
                TimelineKind.INCOMING,
                None,
                f"Incoming call from {call.caller} to {number_label}",
            ),
        ),
    )
    if offers:
        return opened
    opened = _log(
        opened,
        TimelineEntry(
            at,
            TimelineKind.UNROUTED,
            None,
            f"No user is assigned to {number_label}: nobody was rung",
        ),
    )
    return end(opened, at, EndedBy.SYSTEM, "no user assigned")


def refuse(call: CallRecord, *, number_label: str, sip_call_id: str, reason: str) -> CallRecord:
    """Log a call refused before anyone rang: status ``refused``, ``reason`` as its end reason.

    The reason is what the caller was told (the Warning text of the 488). Only a call that has
    not been routed, rung or answered can be refused: an agent who was disturbed would make it
    an ordinary missed or answered call, so refusing such a call is an
    :class:`IllegalTransition`.
    """
    if call.timeline or call.offers or call.attempts:
        raise IllegalTransition(f"call {call.call_id} was already routed: it cannot be refused")
    if not reason.strip():
        raise ValueError("a refused call needs the reason the caller was given")
    at = call.started_at
    state = next_state(call.state, CallEvent.REFUSE)
    incoming = TimelineEntry(
        at, TimelineKind.INCOMING, None, f"Incoming call from {call.caller} to {number_label}"
    )
    refused = TimelineEntry(at, TimelineKind.REFUSED, None, f"Refused before anyone rang: {reason}")
    return replace(
        call,
        state=state,
        status=CallStatus.REFUSED,
        sip_call_ids=(sip_call_id,),
        timeline=(incoming, refused),
        ended_at=at,
        ended_by=EndedBy.SYSTEM,
        end_reason=reason,
    )


def add_sip_call_id(call: CallRecord, sip_call_id: str) -> CallRecord:
    """Remember another SIP Call-ID (an agent leg) of this call; repeats are ignored."""
    if sip_call_id in call.sip_call_ids:
        return call
    return replace(call, sip_call_ids=(*call.sip_call_ids, sip_call_id))


def ringing(call: CallRecord, user_id: str, at: datetime) -> CallRecord:
    """A user's phone is ringing."""
    offer = call.offer(user_id)
    state = next_state(call.state, CallEvent.RING)
    entry = TimelineEntry(at, TimelineKind.RINGING, user_id, f"Ringing {offer.user_name}")
    return _log(replace(call, state=state), entry)


def no_answer(call: CallRecord, user_id: str, at: datetime) -> CallRecord:
    """A user's ring time ran out. Said once per ringing: a repeat adds nothing."""
    offer = call.offer(user_id)
    state = next_state(call.state, CallEvent.NO_ANSWER)
    if _last_entry_of(call, user_id) == TimelineKind.NO_ANSWER:
        return call
    return _log(replace(call, state=state), _did_not_answer(offer, at))


def answer_attempt(
    call: CallRecord, user_id: str, at: datetime
) -> tuple[CallRecord, AnswerDecision]:
    """A user tries to answer; decide whether the answer is registered.

    Lost races are refused without changing the call: the call has ended, or another user's
    answer was registered first. A repeated answer by the user who already answered is
    registered again (a retransmission changes nothing).
    """
    offer = call.offer(user_id)
    if call.state is CallState.ENDED:
        return call, AnswerDecision(False, AnswerRefusal.CALL_ENDED)
    if call.state is CallState.TRANSFERRING:
        return _transfer_answered(call, offer, at)
    if call.state is CallState.ANSWERED:
        if call.answered_by == user_id:
            return call, AnswerDecision(True)
        return call, AnswerDecision(False, AnswerRefusal.ALREADY_ANSWERED)
    attempt = AnswerAttempt(user_id, offer.user_name, at, offer.in_sync)
    if not offer.in_sync:
        state = next_state(call.state, CallEvent.UNREGISTERED_ATTEMPT)
        updated = replace(call, state=state, attempts=(*call.attempts, attempt))
        if _last_entry_of(call, user_id) != TimelineKind.NO_ANSWER:
            updated = _log(updated, _did_not_answer(offer, at))
        return updated, AnswerDecision(False, AnswerRefusal.ASSIGNMENT_OUT_OF_SYNC)
    state = next_state(call.state, CallEvent.ANSWER)
    answered = replace(
        call,
        state=state,
        attempts=(*call.attempts, attempt),
        answered_at=at,
        answered_by=user_id,
    )
    entry = TimelineEntry(at, TimelineKind.ANSWERED, user_id, f"{offer.user_name} answered")
    return _log(answered, entry), AnswerDecision(True)


def answer_would_register(call: CallRecord, user_id: str) -> bool:
    """Whether an answer by ``user_id`` would be registered now (nothing is changed)."""
    return call.state is CallState.RINGING and call.offer(user_id).in_sync


def answer_not_connected(call: CallRecord, user_id: str, at: datetime, reason: str) -> CallRecord:
    """A user answered, but the customer's leg was never connected: an attempt, not an answer.

    The attempt is kept unregistered and the timeline says what happened, so the call is
    logged as missed when it ends (AC-ANS-2: Answered means the customer was connected).
    """
    offer = call.offer(user_id)
    state = next_state(call.state, CallEvent.UNREGISTERED_ATTEMPT)
    attempt = AnswerAttempt(user_id, offer.user_name, at, False)
    text = f"{offer.user_name} answered, but the customer was never connected ({reason})"
    updated = replace(call, state=state, attempts=(*call.attempts, attempt))
    return _log(updated, TimelineEntry(at, TimelineKind.NOT_CONNECTED, user_id, text))


def end(call: CallRecord, at: datetime, ended_by: EndedBy, reason: str) -> CallRecord:
    """End the call and log its status: answered if an answer was registered, else missed."""
    state = next_state(call.state, CallEvent.END)
    status = CallStatus.ANSWERED if call.answered_at is not None else CallStatus.MISSED
    text = f"Call ended by {ended_by}" + (f" ({reason})" if reason else "")
    ended = replace(
        call, state=state, status=status, ended_at=at, ended_by=ended_by, end_reason=reason
    )
    return _log(ended, TimelineEntry(at, TimelineKind.ENDED, None, text))


SERVICE_RESTART = "service restart"


def close_interrupted(call: CallRecord, at: datetime) -> CallRecord:
    """End a call that a crash left in progress, when the contact center starts again.

    Its media and signalling died with the process, so it cannot go on. It ends as any call
    does (ended by the system, reason ``service restart``): answered if an answer had been
    registered, else missed, and its timeline says it was cut by the restart. A ringing call
    thus becomes a missed call. An ended call is returned unchanged.
    """
    if call.ended_at is not None:
        return call
    # A clock set back after the call started must not give the call a negative duration.
    return end(call, max(at, call.started_at), EndedBy.SYSTEM, SERVICE_RESTART)


def hold(call: CallRecord, at: datetime, by: str) -> CallRecord:
    """The call is put on hold (RFC 3264 sendonly/inactive); a repeated hold changes nothing."""
    state = next_state(call.state, CallEvent.HOLD)
    if call.state is CallState.HELD:
        return call
    held = replace(call, state=state)
    return _log(held, TimelineEntry(at, TimelineKind.HELD, None, f"Put on hold by {by}"))


def resume(call: CallRecord, at: datetime, by: str) -> CallRecord:
    """The call comes back from hold; resuming an active call changes nothing."""
    state = next_state(call.state, CallEvent.RESUME)
    if call.state is not CallState.HELD:
        return call
    resumed = replace(call, state=state)
    return _log(resumed, TimelineEntry(at, TimelineKind.RESUMED, None, f"Resumed by {by}"))


def transfer(
    call: CallRecord,
    by_user_id: str,
    target_id: str,
    target_name: str,
    at: datetime,
    *,
    queue: tuple[str, tuple[tuple[str, str], ...]] | None = None,
) -> CallRecord:
    """``by_user_id``, the agent on the call, hands it to ``target_id`` (a blind transfer).

    Only an answered call (or one on hold) can be transferred, only by the agent on it, and
    never to that same agent: each is refused naming the problem, and the call is unchanged.
    The target gets an offer of the call (via a ``transfer`` assignment) and the timeline says
    who transferred the call to whom; the call is ``transferring`` until the target answers.
    With ``queue`` (its name, and its members as (user id, name) pairs) the call goes to the
    queue instead: each member gets an offer, the first to answer takes the call, and the
    agent on the call is no member to ring (a queue with nobody else is refused).
    """
    if call.state not in (CallState.ANSWERED, CallState.HELD):
        raise IllegalTransition(
            f"call {call.call_id} is {call.state}: only an answered call can be transferred"
        )
    current = call.agent_id
    if by_user_id != current:
        raise IllegalTransition(
            f"call {call.call_id} can only be transferred by the agent on it, not {by_user_id!r}"
        )
    by_name = call.offer(by_user_id).user_name
    if queue is None:
        if target_id == current:
            raise InvalidField(
                "to_user_id", "is the agent already on the call: no transfer to oneself"
            )
        targets: tuple[tuple[str, str], ...] = ((target_id, target_name),)
        text = f"{by_name} transferred the call to {target_name}"
    else:
        queue_name, members = queue
        targets = tuple(m for m in members if m[0] != current)
        if not targets:
            raise InvalidField(
                "to_queue_id", f"queue {queue_name} has no agent to take the call but {by_name}"
            )
        text = f"{by_name} transferred the call to queue {queue_name}"
    state = next_state(call.state, CallEvent.TRANSFER)
    via = Assignment(AssignmentKind.TRANSFER, by_user_id)
    stage = _next_stage(call)
    offers = tuple(Offer(uid, name, stage, via, True) for uid, name in targets)
    entry = TimelineEntry(at, TimelineKind.TRANSFERRED, target_id, text)
    # First, so that :meth:`CallRecord.offer` finds them: a target may have been offered the
    # call before (rung at arrival), and that earlier offer stays in the log.
    return _log(replace(call, state=state, offers=(*offers, *call.offers)), entry)


def _next_stage(call: CallRecord) -> int:
    return max((o.stage for o in call.offers), default=-1) + 1


def _transfer_answered(
    call: CallRecord, offer: Offer, at: datetime
) -> tuple[CallRecord, AnswerDecision]:
    """The target of a transfer answered: the call is answered again, by the target."""
    if offer.via.kind is not AssignmentKind.TRANSFER:
        return call, AnswerDecision(False, AnswerRefusal.ALREADY_ANSWERED)
    state = next_state(call.state, CallEvent.ANSWER)
    attempt = AnswerAttempt(offer.user_id, offer.user_name, at, True)
    answered = replace(call, state=state, attempts=(*call.attempts, attempt))
    text = f"{offer.user_name} answered the transferred call"
    entry = TimelineEntry(at, TimelineKind.ANSWERED, offer.user_id, text)
    return _log(answered, entry), AnswerDecision(True)


def _did_not_answer(offer: Offer, at: datetime) -> TimelineEntry:
    return TimelineEntry(
        at, TimelineKind.NO_ANSWER, offer.user_id, f"{offer.user_name} did not answer"
    )


def _last_entry_of(call: CallRecord, user_id: str) -> TimelineKind | None:
    for entry in reversed(call.timeline):
        if entry.user_id == user_id:
            return entry.kind
    return None


def _log(call: CallRecord, entry: TimelineEntry) -> CallRecord:
    return replace(call, timeline=(*call.timeline, entry))
