from __future__ import annotations

from harness.scenario.diagnosis import diagnose
from harness.scenario.distribution import describe_drift
from harness.sut.model import (
    AnswerAttempt,
    CallLogEntry,
    Distribution,
    RingToMember,
    RingToWidget,
    TimelineEntry,
    TimelineKind,
)

NAMES = {"u1": "Alice", "u2": "Bruno"}


def entry(status: str, *, registered: bool, ended: bool = True) -> CallLogEntry:
    return CallLogEntry(
        call_id="CALL-1",
        status=status,
        from_number="+33100000000",
        to_number="+33200000000",
        sip_call_ids=("sip-1",),
        ended_at="2026-01-01T00:00:00+00:00" if ended else None,
        attempts=(AnswerAttempt("u1", "t", registered),),
        timeline=(TimelineEntry("t", TimelineKind.NO_ANSWER, "Alice did not answer", "u1"),)
        if not registered
        else (),
    )


def test_stuck_signature_recognised() -> None:
    d = diagnose(
        sip_call_id="sip-1",
        entry=entry("missed", registered=False),
        rang=["Alice"],
        answered=["Alice"],
        caller_heard=[],
        heard_caller=[],
        agent_names=NAMES,
    )
    assert d.stuck
    assert d.did_not_answer == ("Alice",)
    assert d.describe().startswith("stuck answered call: ")
    assert "CALL-1" in d.describe()


def test_any_audio_means_not_stuck() -> None:
    d = diagnose(
        sip_call_id="sip-1",
        entry=entry("missed", registered=False),
        rang=["Alice"],
        answered=["Alice"],
        caller_heard=["Alice"],
        heard_caller=[],
        agent_names=NAMES,
    )
    assert not d.stuck


def test_unanswered_call_is_not_stuck() -> None:
    d = diagnose(
        sip_call_id="sip-1",
        entry=None,
        rang=["Alice"],
        answered=[],
        caller_heard=[],
        heard_caller=[],
        agent_names=NAMES,
    )
    assert not d.stuck


def test_a_silent_call_logged_answered_is_stuck_and_the_wrong_log_is_named() -> None:
    d = diagnose(
        sip_call_id="sip-1",
        entry=entry("answered", registered=True),
        rang=["Alice"],
        answered=["Alice"],
        caller_heard=[],
        heard_caller=[],
        agent_names=NAMES,
    )
    assert d.stuck  # no media after an answer, whatever the log says
    assert d.log_defects == (
        "logged as Answered although no audio flowed",
        "the answer of Alice was registered",
    )
    assert "also wrong: logged as Answered although no audio flowed" in d.describe()


def test_a_call_with_audio_is_not_stuck_whatever_the_log() -> None:
    d = diagnose(
        sip_call_id="sip-1",
        entry=entry("missed", registered=False),
        rang=["Alice"],
        answered=["Alice"],
        caller_heard=["Alice"],
        heard_caller=[],
        agent_names=NAMES,
    )
    assert not d.stuck
    assert d.log_defects == ()


def widget(index: int, ring: int, *members: str, strategy: str = "simultaneous") -> RingToWidget:
    return RingToWidget(
        index, ring, strategy, tuple(RingToMember("user", m, NAMES[m]) for m in members)
    )


def test_drift_reports_settings_and_membership() -> None:
    before = Distribution((widget(0, 15, "u2"), widget(1, 25, "u1", "u2")))
    assert describe_drift(before, before) == []
    after = Distribution((widget(0, 15, "u2", "u1"), widget(1, 20, "u2")))
    drift = describe_drift(before, after)
    assert "widget 2: ring time 25 s became 20 s" in drift
    assert "widget 2: user Alice is no longer in it" in drift
    assert "widget 1: user Alice was added to it" in drift


def test_sequential_order_counts_as_drift() -> None:
    before = Distribution((widget(0, 15, "u1", "u2", strategy="sequential"),))
    after = Distribution((widget(0, 15, "u2", "u1", strategy="sequential"),))
    assert describe_drift(before, after) == ["widget 1: the ring order changed"]
