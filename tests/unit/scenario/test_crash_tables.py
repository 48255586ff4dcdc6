"""The crash family's tables: record kinds and moments, and how a cut call is judged."""

from __future__ import annotations

import pytest

from harness.scenario.crash import (
    MOMENTS,
    RECORD_KINDS,
    CrashDrill,
    NotAnOwnInstance,
    judge_cut_call,
    moment_named,
    record_kind,
)
from harness.sut.model import CallLogEntry, TimelineEntry

RANG = TimelineEntry(at="t1", kind="ringing", text="Ringing Alice")
ENDED = TimelineEntry(at="t2", kind="ended", text="Call ended by system (service restart)")


def entry(status: str, ended_at: str | None, *timeline: TimelineEntry) -> CallLogEntry:
    return CallLogEntry("CALL-1", status, "+33611111111", "+33123456789", ended_at=ended_at,
                        timeline=timeline)  # fmt: skip


def test_the_family_covers_every_moment_of_the_requirement():
    assert set(MOMENTS) == {"ringing", "in progress", "just ended"}
    assert "call-log entry" in RECORD_KINDS


def test_a_ringing_call_closed_by_the_restart_is_a_missed_call():
    assert judge_cut_call(moment_named("ringing"), entry("missed", "t2", RANG, ENDED)) == []


def test_a_call_left_in_progress_is_named_with_every_problem():
    problems = judge_cut_call(moment_named("ringing"), entry("ringing", None, RANG))
    assert problems == [
        "status should be missed",
        "it has no end time: it stays in progress",
        "its timeline does not say it ended",
    ]


def test_an_answered_call_must_stay_answered():
    problems = judge_cut_call(moment_named("in progress"), entry("missed", "t2", RANG, ENDED))
    assert problems == ["status should be answered"]


def test_unknown_names_are_refused_with_the_known_ones():
    with pytest.raises(KeyError, match=r"no stored record kind 'sticky note'.*known: .*call-log"):
        record_kind("sticky note")
    with pytest.raises(KeyError, match=r"no moment 'on hold'.*known: in progress, just ended"):
        moment_named("on hold")


def test_a_drill_needs_an_instance_the_scenario_owns():
    with pytest.raises(NotAnOwnInstance, match="@needs:lifecycle"):
        CrashDrill.of(cast=None, flows=None, instance=object())  # type: ignore[arg-type]
