"""The verdicts the scenario helpers give on what a scenario observed, without a SUT."""

from __future__ import annotations

import pytest

from harness.errors import ConformanceFailure
from harness.scenario.calls import PlacedCall
from harness.scenario.cast import CUSTOMER
from harness.scenario.diagnosis import AnswerAttemptSeen, Diagnosis
from harness.scenario.offers import _first_rejected_second_accepted
from harness.scenario.phrases import names, party_name
from harness.scenario.stuck import expect_unregistered_attempts
from harness.scenario.verification import (
    TestCallOutcome,
    expect_each_stuck,
    verification_problems,
)
from harness.sut.model import CallLogEntry


def diagnosis(*, stuck: bool, attempts: tuple[AnswerAttemptSeen, ...] = ()) -> Diagnosis:
    return Diagnosis(
        sip_call_id="sip-1",
        call_id="CALL-1",
        rang=("Alice",),
        attempts=attempts or (AnswerAttemptSeen("Alice", False),),
        caller_heard=() if stuck else ("Alice",),
        heard_caller=(),
        did_not_answer=(),
        status="missed",
    )


def outcome(
    *,
    rang: bool = True,
    latency: tuple[float | None, float | None] = (120.0, 130.0),
    status: str = "answered",
    answered_by: str | None = "u1",
    diag: Diagnosis | None = None,
) -> TestCallOutcome:
    entry = CallLogEntry("CALL-1", status, "+33100000000", "+33200000000", answered_by=answered_by)
    return TestCallOutcome(PlacedCall("Sales", "sip-1", 0), rang, *latency, entry, diag)


def test_a_verified_test_call_has_no_problem() -> None:
    assert verification_problems([outcome(), outcome()], "Alice", "u1", 500) == []


def test_each_failing_test_call_is_named_by_its_number() -> None:
    problems = verification_problems(
        [
            outcome(),
            outcome(rang=False, status="missed", answered_by=None),
            outcome(latency=(120.0, 900.0)),
            outcome(answered_by="u2"),
        ],
        "Alice",
        "u1",
        500,
    )
    assert problems == [
        "call 2: the phone of Alice did not ring",
        "call 2: logged as 'missed', expected answered by Alice",
        "call 3: the agent hears the customer after 900.0 ms (bound 500 ms)",
        "call 4: logged as 'answered', expected answered by Alice",
    ]


def test_a_test_call_without_the_stuck_signature_fails_each_stuck() -> None:
    expect_each_stuck([outcome(diag=diagnosis(stuck=True))])
    with pytest.raises(ConformanceFailure, match="call 2: it had two-way audio") as failure:
        expect_each_stuck([outcome(diag=diagnosis(stuck=True)), outcome()])
    assert failure.value.requirements == ()  # the scenario's tags say which rule


def test_an_attempt_reported_as_registered_or_missing_fails() -> None:
    expect_unregistered_attempts(diagnosis(stuck=True), ["Alice"])
    registered = diagnosis(stuck=True, attempts=(AnswerAttemptSeen("Alice", True),))
    with pytest.raises(ConformanceFailure, match="the attempt by Alice is not reported"):
        expect_unregistered_attempts(registered, ["Alice"])
    with pytest.raises(ConformanceFailure, match="no answer attempt by Bruno"):
        expect_unregistered_attempts(diagnosis(stuck=True), ["Alice", "Bruno"])


@pytest.mark.parametrize(
    ("streams", "verdict"),
    [
        ([("audio", 0, "RTP/SAVP"), ("audio", 4000, "RTP/AVP")], True),
        ([("audio", 4000, "RTP/AVP"), ("audio", 0, "RTP/AVP")], False),
        ([("audio", 0, "RTP/AVP"), ("audio", 4000, "RTP/SAVP")], False),
        ([("audio", 0, "RTP/AVP")], False),
    ],
)
def test_the_answer_must_reject_the_first_stream_and_take_the_second(
    streams: list[tuple[str, int, str]], verdict: bool
) -> None:
    assert _first_rejected_second_accepted(streams) is verdict


def test_names_and_parties_are_read_from_the_step_text() -> None:
    assert names('"Alice" and "Bruno"') == ["Alice", "Bruno"]
    assert names("Alice, Bruno and Chloé") == ["Alice", "Bruno", "Chloé"]
    assert party_name("the customer") == CUSTOMER
    assert party_name('"Alice"') == "Alice"
