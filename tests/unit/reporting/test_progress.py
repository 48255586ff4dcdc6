"""The per-item progress line."""

from __future__ import annotations

from harness.reporting.model import ItemResult
from harness.reporting.progress import SEPARATOR, display_path, progress_line, section_of, shorten

SCENARIO = ItemResult(
    nodeid="features/calls/answered_call.feature::test_v",
    name="Verification calls after re-adding the user",
    status="passed",
    duration=3.14,
    feature="features/calls/answered_call.feature",
    feature_name="An answered call really connects",
)


def test_scenario_line() -> None:
    line = progress_line(7, 31, SCENARIO, "features/", width=200)
    assert str(line) == (
        f"[ 7/31] calls/answered_call.feature {SEPARATOR} "
        "Verification calls after re-adding the user PASSED 3.1s"
    )
    assert (line.word, line.colour) == ("PASSED", "green")


def test_long_names_are_cut_to_the_width() -> None:
    line = progress_line(7, 31, SCENARIO, "features/", width=60)
    assert len(str(line)) <= 60
    assert "…" in line.head
    assert str(line).endswith(" PASSED 3.1s")


def test_plain_test_line_and_unknown_total() -> None:
    result = ItemResult(nodeid="tests/t.py::test_x", name="test_x", status="failed", duration=0.04)
    line = progress_line(3, 0, result, "features/", width=200)
    assert str(line) == "[3] tests/t.py::test_x FAILED 0.0s"
    assert line.colour == "red"


def test_sections() -> None:
    assert section_of(SCENARIO, "features/") == (
        "features/calls/answered_call.feature",
        "Feature: An answered call really connects — calls/answered_call.feature",
    )
    plain = ItemResult(nodeid="tests/t.py::test_x", name="test_x", status="passed", duration=0)
    assert section_of(plain, "features/") == ("tests/t.py", "tests/t.py")


def test_helpers() -> None:
    assert display_path("features/a.feature", "features/") == "a.feature"
    assert display_path("other/a.feature", "features/") == "other/a.feature"
    assert display_path("features/a.feature", "") == "features/a.feature"
    assert shorten("abcdef", 4) == "abc…"
    assert shorten("abc", 4) == "abc"


def test_separator_is_a_single_right_pointing_angle_quote() -> None:
    assert SEPARATOR == "\u203a"
