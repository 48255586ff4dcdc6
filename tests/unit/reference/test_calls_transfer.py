"""Blind transfers in the call log: who may transfer what, and the time spent transferring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.reference.domain import calls
from harness.reference.domain import tickets as rules
from harness.reference.domain.calls import (
    AnswerRefusal,
    CallRecord,
    CallState,
    EndedBy,
    Offer,
    TimelineKind,
)
from harness.reference.domain.distribution import Assignment, AssignmentKind
from harness.reference.domain.errors import IllegalTransition, InvalidField

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
VIA = Assignment(AssignmentKind.NUMBER, "num")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ringing() -> CallRecord:
    call = CallRecord("CALL-1", "acc", "num", "+33100000000", "+33200000000", started_at=T0)
    offers = (Offer("alice", "Alice", 0, VIA, True), Offer("bruno", "Bruno", 0, VIA, True))
    return calls.open_call(call, number_label="Support", offers=offers, sip_call_id="sip-1")


def answered_by_alice() -> CallRecord:
    call, decision = calls.answer_attempt(ringing(), "alice", at(5))
    assert decision.registered
    return call


def test_a_transfer_rings_the_target_and_her_answer_is_registered() -> None:
    call = calls.transfer(answered_by_alice(), "alice", "carla", "Carla", at(20))
    assert call.state is CallState.TRANSFERRING
    assert call.offer("carla").via == Assignment(AssignmentKind.TRANSFER, "alice")
    assert call.timeline[-1].kind is TimelineKind.TRANSFERRED
    assert call.timeline[-1].text == "Alice transferred the call to Carla"
    call = calls.ringing(call, "carla", at(21))
    call, decision = calls.answer_attempt(call, "carla", at(50))
    assert decision.registered
    assert call.state is CallState.ANSWERED
    assert call.agent_id == "carla"
    assert call.answered_by == "alice"  # the first answer is still the call's answer
    assert call.transfer_s == 30.0


def test_only_the_transfer_target_can_answer_a_transferring_call() -> None:
    call = calls.transfer(answered_by_alice(), "alice", "carla", "Carla", at(20))
    same, decision = calls.answer_attempt(call, "bruno", at(21))
    assert not decision.registered and decision.refusal is AnswerRefusal.ALREADY_ANSWERED
    assert same == call


def test_a_transfer_back_to_an_agent_rung_before_uses_the_transfer_offer() -> None:
    call = calls.transfer(answered_by_alice(), "alice", "bruno", "Bruno", at(10))
    call, decision = calls.answer_attempt(call, "bruno", at(12))
    assert decision.registered and call.agent_id == "bruno"
    call = calls.transfer(call, "bruno", "alice", "Alice", at(20))
    call, decision = calls.answer_attempt(call, "alice", at(26))
    assert decision.registered and call.agent_id == "alice"
    assert call.transfer_s == 8.0


def test_an_unanswered_transfer_counts_until_the_end() -> None:
    call = calls.transfer(answered_by_alice(), "alice", "carla", "Carla", at(20))
    call = calls.end(call, at(35), EndedBy.SYSTEM, "transfer not answered")
    assert call.transfer_s == 15.0
    assert call.status is calls.CallStatus.ANSWERED


def test_a_held_call_can_be_transferred() -> None:
    held = calls.hold(answered_by_alice(), at(10), "agent")
    assert calls.transfer(held, "alice", "bruno", "Bruno", at(11)).state is CallState.TRANSFERRING


@pytest.mark.parametrize(
    ("call", "by", "target", "error", "words"),
    [
        (ringing(), "alice", "bruno", IllegalTransition, "only an answered call"),
        (answered_by_alice(), "bruno", "carla", IllegalTransition, "only be transferred by"),
        (answered_by_alice(), "alice", "alice", InvalidField, "oneself"),
    ],
    ids=["not answered", "not the agent on the call", "to oneself"],
)
def test_a_transfer_the_rules_refuse_names_the_problem(
    call: CallRecord, by: str, target: str, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        calls.transfer(call, by, target, "Someone", at(30))


def test_a_transferring_call_cannot_be_transferred_again() -> None:
    call = calls.transfer(answered_by_alice(), "alice", "carla", "Carla", at(20))
    with pytest.raises(IllegalTransition, match="transferring"):
        calls.transfer(call, "alice", "bruno", "Bruno", at(21))


def test_the_ticket_times_split_out_the_transfer() -> None:
    times = rules.call_times(T0, at(10), at(130), hold_s=20.0, transfer_s=30.0)
    assert (times.waited_s, times.talk_s, times.hold_s, times.transfer_s) == (
        10.0,
        70.0,
        20.0,
        30.0,
    )
    assert rules.call_duration(times) == 130.0


def test_a_transfer_to_a_queue_offers_the_call_to_its_members_but_the_transferring_agent() -> None:
    members = (("alice", "Alice"), ("carla", "Carla"), ("dan", "Dan"))
    call = calls.transfer(
        answered_by_alice(), "alice", "q1", "Sales", at(20), queue=("Sales", members)
    )
    assert call.timeline[-1].text == "Alice transferred the call to queue Sales"
    transfer_offers = [o.user_id for o in call.offers if o.via.kind is AssignmentKind.TRANSFER]
    assert transfer_offers == ["carla", "dan"]
    call, decision = calls.answer_attempt(call, "dan", at(25))
    assert decision.registered and call.agent_id == "dan"


def test_a_transfer_to_a_queue_with_nobody_but_the_agent_is_refused() -> None:
    with pytest.raises(InvalidField, match="no agent to take the call"):
        calls.transfer(
            answered_by_alice(), "alice", "q1", "Sales", at(20), queue=("Sales", (("alice", "A"),))
        )
