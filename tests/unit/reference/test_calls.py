"""The call state machine, the answer rule and the stuck-answered-call bookkeeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.reference.domain import calls
from harness.reference.domain.calls import (
    AnswerDecision,
    AnswerRefusal,
    CallRecord,
    CallState,
    CallStatus,
    EndedBy,
    Offer,
    TimelineKind,
)
from harness.reference.domain.distribution import Assignment, AssignmentKind
from harness.reference.domain.errors import IllegalTransition, NotFound

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
VIA_NUMBER = Assignment(AssignmentKind.NUMBER, "n1")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def new_call(*offers: Offer) -> CallRecord:
    blank = CallRecord("CALL-0000000001", "a1", "n1", "+33612345678", "+33123456789", T0)
    return calls.open_call(blank, number_label="Sales", offers=offers, sip_call_id="sip-1@x")


def offer(user_id: str, name: str, in_sync: bool = True) -> Offer:
    return Offer(user_id, name, 0, VIA_NUMBER, in_sync)


# The consequences of each step of a call's life, through the operations the service calls.
# Each state is reached the way a real call reaches it; each test says what a user of the call
# log would see after the step, or that the step is refused.


def ringing_call() -> CallRecord:
    return calls.ringing(new_call(offer("u1", "Ana"), offer("u2", "Bob")), "u1", at(1))


def answered_call() -> CallRecord:
    call, _ = calls.answer_attempt(ringing_call(), "u1", at(2))
    return call


def held_call() -> CallRecord:
    return calls.hold(answered_call(), at(3), "agent")


def ended_call() -> CallRecord:
    return calls.end(answered_call(), at(9), EndedBy.CALLER, "")


def kinds(call: CallRecord) -> list[TimelineKind]:
    return [e.kind for e in call.timeline]


def test_a_ringing_call_keeps_ringing_through_rings_timeouts_and_refused_answers():
    rung = calls.no_answer(calls.ringing(ringing_call(), "u2", at(2)), "u1", at(21))
    assert rung.state is CallState.RINGING
    assert kinds(rung)[-2:] == [TimelineKind.RINGING, TimelineKind.NO_ANSWER]
    stuck = calls.ringing(new_call(offer("u3", "Cy", in_sync=False)), "u3", at(1))
    stuck, decision = calls.answer_attempt(stuck, "u3", at(2))
    assert stuck.state is CallState.RINGING and not decision.registered
    unconnected = calls.answer_not_connected(ringing_call(), "u2", at(2), "no ACK")
    assert unconnected.state is CallState.RINGING
    assert kinds(unconnected)[-1] is TimelineKind.NOT_CONNECTED


def test_a_ringing_call_is_answered_or_ends_missed():
    answered = answered_call()
    assert (answered.state, answered.answered_by) == (CallState.ANSWERED, "u1")
    missed = calls.end(ringing_call(), at(30), EndedBy.CALLER, "caller hung up")
    assert (missed.state, missed.status) == (CallState.ENDED, CallStatus.MISSED)


def test_a_ringing_call_cannot_be_held_or_resumed():
    for act in (calls.hold, calls.resume):
        with pytest.raises(IllegalTransition):
            act(ringing_call(), at(2), "agent")


def test_an_answered_call_is_held_resumes_as_no_change_and_ends_answered():
    held = calls.hold(answered_call(), at(3), "agent")
    assert held.state is CallState.HELD and kinds(held)[-1] is TimelineKind.HELD
    assert calls.resume(answered_call(), at(3), "agent") == answered_call()
    ended = calls.end(answered_call(), at(9), EndedBy.AGENT, "hangup")
    assert (ended.state, ended.status) == (CallState.ENDED, CallStatus.ANSWERED)


def test_an_answered_call_cannot_ring_time_out_or_be_left_unconnected():
    for act in (
        lambda: calls.ringing(answered_call(), "u2", at(3)),
        lambda: calls.no_answer(answered_call(), "u2", at(3)),
        lambda: calls.answer_not_connected(answered_call(), "u2", at(3), "no ACK"),
    ):
        with pytest.raises(IllegalTransition):
            act()


def test_a_held_call_resumes_repeats_hold_as_no_change_and_ends_answered():
    resumed = calls.resume(held_call(), at(5), "agent")
    assert resumed.state is CallState.ANSWERED and kinds(resumed)[-1] is TimelineKind.RESUMED
    assert calls.hold(held_call(), at(4), "agent") == held_call()
    ended = calls.end(held_call(), at(9), EndedBy.CALLER, "")
    assert (ended.state, ended.status, ended.hold_s) == (CallState.ENDED, CallStatus.ANSWERED, 6.0)


def test_a_held_call_cannot_ring_time_out_or_be_answered_again():
    for act in (
        lambda: calls.ringing(held_call(), "u2", at(4)),
        lambda: calls.no_answer(held_call(), "u2", at(4)),
        lambda: calls.answer_attempt(held_call(), "u2", at(4)),
        lambda: calls.answer_not_connected(held_call(), "u2", at(4), "no ACK"),
    ):
        with pytest.raises(IllegalTransition):
            act()


def test_an_ended_call_refuses_every_further_step():
    for act in (
        lambda: calls.ringing(ended_call(), "u2", at(10)),
        lambda: calls.no_answer(ended_call(), "u2", at(10)),
        lambda: calls.answer_not_connected(ended_call(), "u2", at(10), "no ACK"),
        lambda: calls.hold(ended_call(), at(10), "agent"),
        lambda: calls.resume(ended_call(), at(10), "agent"),
        lambda: calls.end(ended_call(), at(10), EndedBy.SYSTEM, ""),
        lambda: calls.refuse(ended_call(), number_label="Sales", sip_call_id="s", reason="x"),
    ):
        with pytest.raises(IllegalTransition):
            act()
    unchanged, refused = calls.answer_attempt(ended_call(), "u2", at(10))
    assert refused == AnswerDecision(False, AnswerRefusal.CALL_ENDED)
    assert unchanged == ended_call()


def test_registered_answer_then_hangup_is_logged_answered():
    call = calls.ringing(new_call(offer("u1", "Ana")), "u1", at(1))
    call, decision = calls.answer_attempt(call, "u1", at(3))
    assert decision == AnswerDecision(True)
    assert (call.state, call.answered_by, call.answered_at) == (CallState.ANSWERED, "u1", at(3))
    call = calls.end(call, at(63), EndedBy.AGENT, "hangup")
    assert call.status is CallStatus.ANSWERED
    assert call.duration_s == 63.0
    assert [e.text for e in call.timeline] == [
        "Incoming call from +33612345678 to Sales",
        "Ringing Ana",
        "Ana answered",
        "Call ended by agent (hangup)",
    ]


def test_stuck_signature_two_out_of_sync_attempts_then_caller_hangs_up():
    call = new_call(offer("u1", "Ana", in_sync=False), offer("u2", "Bob", in_sync=False))
    call = calls.ringing(calls.ringing(call, "u1", at(1)), "u2", at(1))
    call, first = calls.answer_attempt(call, "u1", at(4))
    call, second = calls.answer_attempt(call, "u2", at(6))
    assert first == second == AnswerDecision(False, AnswerRefusal.ASSIGNMENT_OUT_OF_SYNC)
    assert call.state is CallState.RINGING
    call = calls.end(call, at(30), EndedBy.CALLER, "caller hung up")

    assert call.status is CallStatus.MISSED
    assert call.answered_by is None and call.answered_at is None
    assert [(a.user_id, a.at, a.registered) for a in call.attempts] == [
        ("u1", at(4), False),
        ("u2", at(6), False),
    ]
    no_answers = [e for e in call.timeline if e.kind is TimelineKind.NO_ANSWER]
    assert [(e.user_id, e.text) for e in no_answers] == [
        ("u1", "Ana did not answer"),
        ("u2", "Bob did not answer"),
    ]
    assert not any(e.kind is TimelineKind.ANSWERED for e in call.timeline)


def test_repeated_out_of_sync_attempt_is_recorded_but_said_once():
    call = calls.ringing(new_call(offer("u1", "Ana", in_sync=False)), "u1", at(1))
    call, _ = calls.answer_attempt(call, "u1", at(2))
    call, _ = calls.answer_attempt(call, "u1", at(3))
    call = calls.no_answer(call, "u1", at(20))
    assert len(call.attempts) == 2
    assert sum(e.kind is TimelineKind.NO_ANSWER for e in call.timeline) == 1


def test_in_sync_user_can_answer_after_a_stuck_attempt():
    call = new_call(offer("u1", "Ana", in_sync=False), offer("u2", "Bob"))
    call, _ = calls.answer_attempt(call, "u1", at(2))
    call, decision = calls.answer_attempt(call, "u2", at(4))
    assert decision.registered
    call = calls.end(call, at(10), EndedBy.CALLER, "")
    assert call.status is CallStatus.ANSWERED
    assert [a.registered for a in call.attempts] == [False, True]


def test_lost_races_do_not_change_the_call():
    call = new_call(offer("u1", "Ana"), offer("u2", "Bob"))
    answered, _ = calls.answer_attempt(call, "u1", at(2))
    again, late = calls.answer_attempt(answered, "u2", at(3))
    assert late == AnswerDecision(False, AnswerRefusal.ALREADY_ANSWERED)
    assert again == answered
    same, repeat = calls.answer_attempt(answered, "u1", at(3))
    assert repeat == AnswerDecision(True) and same == answered
    ended = calls.end(answered, at(5), EndedBy.CALLER, "")
    unchanged, refused = calls.answer_attempt(ended, "u2", at(6))
    assert refused == AnswerDecision(False, AnswerRefusal.CALL_ENDED)
    assert unchanged == ended


def test_ring_timeout_says_did_not_answer_once():
    call = calls.ringing(new_call(offer("u1", "Ana")), "u1", at(1))
    call = calls.no_answer(call, "u1", at(21))
    assert calls.no_answer(call, "u1", at(22)) == call
    assert call.timeline[-1].text == "Ana did not answer"


def test_user_not_offered_cannot_ring_or_answer():
    call = new_call(offer("u1", "Ana"))
    with pytest.raises(NotFound):
        calls.ringing(call, "u9", at(1))
    with pytest.raises(NotFound):
        calls.answer_attempt(call, "u9", at(1))


def test_ended_call_refuses_ringing_timeouts_and_second_end():
    call = calls.end(new_call(offer("u1", "Ana")), at(5), EndedBy.CALLER, "")
    for act in (
        lambda: calls.ringing(call, "u1", at(6)),
        lambda: calls.no_answer(call, "u1", at(6)),
        lambda: calls.end(call, at(6), EndedBy.SYSTEM, ""),
    ):
        with pytest.raises(IllegalTransition):
            act()


def test_call_with_nobody_assigned_is_missed_at_once_with_the_reason():
    call = new_call()
    assert call.state is CallState.ENDED
    assert call.status is CallStatus.MISSED
    assert call.duration_s == 0.0
    kinds = [e.kind for e in call.timeline]
    assert kinds == [TimelineKind.INCOMING, TimelineKind.UNROUTED, TimelineKind.ENDED]
    assert "No user is assigned to Sales" in call.timeline[1].text


def test_sip_call_ids_accumulate_without_repeats():
    call = calls.add_sip_call_id(new_call(offer("u1", "Ana")), "leg-2@x")
    assert calls.add_sip_call_id(call, "leg-2@x").sip_call_ids == ("sip-1@x", "leg-2@x")


def blank_call() -> CallRecord:
    return CallRecord("CALL-0000000002", "a1", "n1", "+33612345678", "+33123456789", T0)


def test_refused_call_is_logged_refused_with_its_reason_and_no_attempt():
    reason = "stream 1: the connection address '10.10.10.256' is not an address"
    call = calls.refuse(blank_call(), number_label="Sales", sip_call_id="sip-9@x", reason=reason)
    assert (call.state, call.status) == (CallState.ENDED, CallStatus.REFUSED)
    assert (call.ended_by, call.end_reason) == (EndedBy.SYSTEM, reason)
    assert call.ended_at == call.started_at and call.duration_s == 0.0
    assert call.offers == () and call.attempts == () and call.answered_by is None
    assert call.sip_call_ids == ("sip-9@x",)
    assert [e.kind for e in call.timeline] == [TimelineKind.INCOMING, TimelineKind.REFUSED]
    assert call.timeline[1].text == f"Refused before anyone rang: {reason}"


def test_only_a_call_nobody_was_offered_can_be_refused():
    routed = new_call(offer("u1", "Ana"))
    with pytest.raises(IllegalTransition, match="already routed"):
        calls.refuse(routed, number_label="Sales", sip_call_id="sip-1@x", reason="too late")
    unrouted = new_call()  # opened and ended at once: it has a history already
    with pytest.raises(IllegalTransition):
        calls.refuse(unrouted, number_label="Sales", sip_call_id="sip-1@x", reason="too late")


def test_a_refused_call_needs_a_reason():
    with pytest.raises(ValueError, match="reason"):
        calls.refuse(blank_call(), number_label="Sales", sip_call_id="s@x", reason=" ")
