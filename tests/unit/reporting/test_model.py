"""Status aggregation and the conformance.json document."""

from __future__ import annotations

import pytest

from harness.reporting.catalogue import parse_catalogue
from harness.reporting.model import (
    UNCATALOGUED,
    ItemResult,
    RunReport,
    Status,
    requirement_status,
)

CATALOGUE = parse_catalogue(
    {
        "groups": [
            {
                "group": "AC-ANS",
                "requirements": [
                    {"id": "AC-ANS-1", "statement": "one"},
                    {"id": "AC-ANS-2", "statement": "two", "reference_choice": True},
                    {"id": "AC-ANS-3", "statement": "three"},
                ],
            }
        ]
    }
)


def scenario(name: str, status: Status, *requirements: str, **extra: object) -> ItemResult:
    return ItemResult(
        nodeid=f"features/a.feature::test_{name}",
        name=name,
        status=status,
        duration=1.25,
        feature="features/a.feature",
        requirements=requirements,
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "not-covered"),
        (["passed"], "passed"),
        (["passed", "passed"], "passed"),
        (["passed", "failed"], "failed"),
        (["skipped", "failed"], "failed"),
        (["skipped"], "skipped"),
        (["skipped", "skipped"], "skipped"),
        (["passed", "skipped"], "passed"),
    ],
)
def test_requirement_status(statuses: list[Status], expected: str) -> None:
    assert requirement_status(statuses) == expected


def test_requirements_join_scenarios_with_the_catalogue() -> None:
    report = RunReport(catalogue=CATALOGUE, harness_name="callproof", harness_version="1")
    report.results += [
        scenario("a", "passed", "AC-ANS-1"),
        scenario("b", "failed", "AC-ANS-1", "AC-ZZ-9", call_ids=("CALL-1",), verdict="silence"),
        scenario("c", "skipped", "AC-ANS-2"),
        ItemResult(nodeid="tests/test_x.py::test_y", name="test_y", status="passed", duration=0.0),
    ]
    by_id = {r.id: r for r in report.requirement_results()}
    assert list(by_id) == ["AC-ANS-1", "AC-ANS-2", "AC-ANS-3", "AC-ZZ-9"]
    assert by_id["AC-ANS-1"].status == "failed"
    assert [s.name for s in by_id["AC-ANS-1"].scenarios] == ["a", "b"]
    assert by_id["AC-ANS-2"].status == "skipped"
    assert by_id["AC-ANS-2"].reference_choice is True
    assert by_id["AC-ANS-3"].status == "not-covered"
    assert by_id["AC-ZZ-9"].group == UNCATALOGUED
    assert report.totals() == {
        "tests": {"total": 4, "passed": 2, "failed": 1, "skipped": 1},
        "scenarios": {"total": 3, "passed": 1, "failed": 1, "skipped": 1},
        "requirements": {"total": 4, "passed": 0, "failed": 2, "skipped": 1, "not-covered": 1},
    }


def test_conformance_document_shape() -> None:
    report = RunReport(
        catalogue=CATALOGUE,
        harness_name="callproof",
        harness_version="0.1.0",
        sut_name="reference",
        sut_version="2.0",
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:01:00+00:00",
        exitstatus=1,
    )
    report.results.append(
        scenario(
            "b",
            "failed",
            "AC-ANS-1",
            call_ids=("CALL-1",),
            verdict="silence",
            message="boom",
            undefined_steps=("Given x", "Given x"),
        )
    )
    data = report.to_json()
    assert data["harness"] == {"name": "callproof", "version": "0.1.0"}
    assert data["sut"] == {"name": "reference", "version": "2.0"}
    assert data["started_at"] == "2026-01-01T00:00:00+00:00"
    assert data["requirements"]["AC-ANS-1"] == {
        "statement": "one",
        "group": "AC-ANS",
        "reference_choice": False,
        "status": "failed",
        "scenarios": [
            {
                "name": "b",
                "feature": "features/a.feature",
                "nodeid": "features/a.feature::test_b",
                "status": "failed",
                "duration": 1.25,
                "call_ids": ["CALL-1"],
                "verdict": "silence",
                "evidence": [],
                "message": "boom",
                "tags": [],
                "steps": [],
            }
        ],
    }
    assert data["verdict"]["outcome"] == "failed"
    assert data["run"] == {"seed": None, "command": None}
    assert data["requirements"]["AC-ANS-2"]["status"] == "not-covered"
    assert data["undefined_steps"] == [{"feature": "features/a.feature", "step": "Given x"}]
