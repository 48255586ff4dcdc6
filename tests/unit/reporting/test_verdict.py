"""The run's verdict, the coverage gate and --repeat series, on hand-made results."""

from __future__ import annotations

import pytest

from harness.reporting.catalogue import parse_catalogue
from harness.reporting.model import (
    ItemResult,
    RunReport,
    Status,
    repeat_index,
    strip_repeat,
)

CATALOGUE = parse_catalogue(
    {
        "groups": [
            {
                "group": "AC-ANS",
                "requirements": [
                    {"id": "AC-ANS-1", "statement": "one"},
                    {"id": "AC-ANS-2", "statement": "two"},
                ],
            },
            {
                "group": "H",
                "requirements": [
                    {"id": "H-SEC-1", "statement": "scan"},
                    {"id": "H-REL-1", "statement": "crash"},
                ],
            },
        ]
    }
)


def result(nodeid: str, status: Status, *requirements: str) -> ItemResult:
    return ItemResult(
        nodeid=nodeid,
        name=nodeid.rpartition("::")[2],
        status=status,
        duration=0.5,
        feature="features/a.feature",
        requirements=requirements,
        repeat=repeat_index(nodeid),
    )


def report(*results: ItemResult, gate: tuple[str, ...] = ()) -> RunReport:
    run = RunReport(catalogue=CATALOGUE, harness_name="callproof", harness_version="0")
    run.results.extend(results)
    run.required_coverage = gate
    return run


def test_a_run_with_untested_requirements_is_incomplete_not_passed() -> None:
    verdict = report(result("a::x", "passed", "AC-ANS-1")).verdict()
    assert verdict.outcome == "incomplete"
    assert verdict.headline.startswith("INCOMPLETE")
    assert "1 of 4 requirements passing, 0 failing, 3 untested" in verdict.headline
    assert verdict.coverage.covered == 1


def test_skipped_requirements_count_as_untested() -> None:
    run = report(
        result("a::x", "passed", "AC-ANS-1", "AC-ANS-2", "H-SEC-1"),
        result("a::y", "skipped", "H-REL-1"),
    )
    verdict = run.verdict()
    assert verdict.outcome == "incomplete"
    assert verdict.coverage.untested == 1
    assert verdict.coverage.skipped == 1


def test_only_a_fully_tested_passing_run_passes() -> None:
    run = report(result("a::x", "passed", "AC-ANS-1", "AC-ANS-2", "H-SEC-1", "H-REL-1"))
    assert run.verdict().outcome == "passed"
    assert run.verdict().headline == "PASSED: all 4 requirements tested and passing"


def test_a_failure_fails_the_verdict_and_says_how_many() -> None:
    run = report(result("a::x", "passed", "AC-ANS-1"), result("a::y", "failed", "AC-ANS-2"))
    verdict = run.verdict()
    assert verdict.outcome == "failed"
    assert "1 scenario or test failed" in verdict.headline
    assert verdict.coverage.failing == 1


@pytest.mark.parametrize(
    ("gate", "untested"),
    [
        (("AC-ANS",), ["AC-ANS-2"]),
        (("H-SEC",), []),
        (("H",), ["H-REL-1"]),
        (("H-REL", "AC-ANS"), ["AC-ANS-2", "H-REL-1"]),
        (("all",), ["AC-ANS-2", "H-REL-1"]),
    ],
)
def test_the_coverage_gate_names_untested_requirements_of_the_required_groups(
    gate: tuple[str, ...], untested: list[str]
) -> None:
    run = report(result("a::x", "passed", "AC-ANS-1", "H-SEC-1"), gate=gate)
    assert run.gate_failures() == untested
    assert run.verdict().outcome == ("failed" if untested else "incomplete")


@pytest.mark.parametrize(
    ("nodeid", "base", "index"),
    [
        ("f::t[r2of5]", "f::t", 2),
        ("f::t[1-r3of3]", "f::t[1]", 3),
        ("f::t[r1of2-G.711]", "f::t[G.711]", 1),
        ("f::t[a-b]", "f::t[a-b]", 0),
        ("f::t", "f::t", 0),
        ("f::t[rXof5]", "f::t[rXof5]", 0),
    ],
)
def test_repeat_parameters_are_recognised_wherever_they_are(
    nodeid: str, base: str, index: int
) -> None:
    assert strip_repeat(nodeid) == base
    assert repeat_index(nodeid) == index


def test_a_series_counts_runs_and_flags_a_scenario_that_passed_and_failed() -> None:
    run = report(
        result("a::x[r1of3]", "passed", "AC-ANS-1"),
        result("a::x[r2of3]", "failed", "AC-ANS-1"),
        result("a::x[r3of3]", "passed", "AC-ANS-1"),
        result("a::y[r1of3]", "passed", "AC-ANS-2"),
        result("a::y[r2of3]", "passed", "AC-ANS-2"),
        result("a::y[r3of3]", "passed", "AC-ANS-2"),
    )
    series = {s.nodeid: s for s in run.series()}
    assert series["a::x"].runs == 3 and series["a::x"].passed == 2
    assert series["a::x"].flaky
    assert not series["a::y"].flaky
    assert [s["nodeid"] for s in run.to_json()["series"] if s["flaky"]] == ["a::x"]


def test_no_series_without_repeat() -> None:
    run = report(result("a::x", "passed", "AC-ANS-1"))
    assert run.series() == []
    assert "series" not in run.to_json()
