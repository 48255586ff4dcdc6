"""From per-phase reports to one result per item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.reporting.outcomes import OutcomeTracker, failure_message, sut_of


@dataclass
class Crash:
    message: str


@dataclass
class LongRepr:
    reprcrash: Crash

    def __str__(self) -> str:
        return "long traceback\n" + self.reprcrash.message


@dataclass
class Report:
    when: str
    outcome: str
    nodeid: str = "features/a.feature::test_a"
    duration: float = 0.5
    longrepr: Any = None
    user_properties: list[tuple[str, object]] = field(default_factory=list)
    location: tuple[str, int | None, str] = ("features/a.feature", 1, "test_a")


SCENARIO = ("scenario", {"name": "A", "feature": "features/a.feature", "feature_name": "F"})


def _run(*reports: Report) -> Any:
    tracker = OutcomeTracker()
    results = [tracker.add(r) for r in reports]
    assert results[:-1] == [None] * (len(reports) - 1)
    return results[-1]


def test_passed_item_collects_properties() -> None:
    props: list[tuple[str, object]] = [
        ("requirements", ["AC-ANS-1", "AC-ANS-2"]),
        ("reference_choice", True),
        SCENARIO,
        ("call_ids", ["CALL-1"]),
        ("call_ids", "CALL-2"),
        ("call_ids", ["CALL-1"]),
        ("evidence", ["a.txt"]),
        ("verdict", "fine"),
    ]
    result = _run(
        Report("setup", "passed"),
        Report("call", "passed"),
        Report("teardown", "passed", user_properties=props),
    )
    assert result.status == "passed"
    assert result.duration == 1.5
    assert result.name == "A"
    assert result.feature == "features/a.feature"
    assert result.feature_name == "F"
    assert result.requirements == ("AC-ANS-1", "AC-ANS-2")
    assert result.reference_choice is True
    assert result.call_ids == ("CALL-1", "CALL-2")
    assert result.evidence == ("a.txt",)
    assert result.verdict == "fine"
    assert result.message is None


def test_plain_test_is_named_by_its_location() -> None:
    result = _run(Report("setup", "passed"), Report("call", "passed"), Report("teardown", "passed"))
    assert result.feature is None
    assert result.is_scenario is False
    assert result.name == "test_a"


def test_failed_call_keeps_the_crash_message() -> None:
    result = _run(
        Report("setup", "passed"),
        Report("call", "failed", longrepr=LongRepr(Crash("AssertionError: no audio"))),
        Report("teardown", "passed"),
    )
    assert result.status == "failed"
    assert result.message == "AssertionError: no audio"


def test_setup_error_fails_the_item() -> None:
    result = _run(
        Report("setup", "failed", longrepr=LongRepr(Crash("SUT down"))),
        Report("teardown", "passed"),
    )
    assert result.status == "failed"
    assert result.message == "error in setup: SUT down"


def test_teardown_error_after_a_pass_fails_the_item() -> None:
    result = _run(
        Report("setup", "passed"),
        Report("call", "passed"),
        Report("teardown", "failed", longrepr=LongRepr(Crash("LeakError: dialog left"))),
    )
    assert result.status == "failed"
    assert result.message == "error in teardown: LeakError: dialog left"


def test_skip_reason_and_xfail() -> None:
    skipped = _run(
        Report("setup", "skipped", longrepr=("f.py", 3, "Skipped: no clock")),
        Report("teardown", "passed"),
    )
    assert (skipped.status, skipped.message) == ("skipped", "no clock")
    xfail = Report("call", "skipped")
    xfail.wasxfail = "known deviation: x"  # type: ignore[attr-defined]
    result = _run(Report("setup", "passed"), xfail, Report("teardown", "passed"))
    assert (result.status, result.message) == ("skipped", "expected failure: known deviation: x")


def test_crashed_worker_report_is_final() -> None:
    result = _run(
        Report("setup", "passed"), Report("???", "failed", longrepr="worker 'gw0' crashed")
    )
    assert result.status == "failed"
    assert "crashed" in result.message


def test_items_interleave_as_under_xdist() -> None:
    tracker = OutcomeTracker()
    assert tracker.add(Report("setup", "passed", nodeid="a")) is None
    assert tracker.add(Report("setup", "passed", nodeid="b")) is None
    assert tracker.add(Report("call", "failed", nodeid="b", longrepr="x")) is None
    assert tracker.add(Report("call", "passed", nodeid="a")) is None
    b = tracker.add(Report("teardown", "passed", nodeid="b"))
    a = tracker.add(Report("teardown", "passed", nodeid="a"))
    assert a is not None and b is not None
    assert (a.nodeid, a.status, b.nodeid, b.status) == ("a", "passed", "b", "failed")


def test_long_messages_keep_their_end() -> None:
    text = "x" * 5000 + "END"
    message = failure_message(text)
    assert message.endswith("END")
    assert len(message) <= 4001


def test_sut_of_takes_the_last_named_one() -> None:
    assert sut_of([]) is None
    assert sut_of([("sut", {"name": ""})]) is None
    assert sut_of([("sut", {"name": "a", "version": "1"}), ("sut", {"name": "b"})]) == (
        "b",
        "unknown",
    )
