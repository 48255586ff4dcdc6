"""The closing lines of a run."""

from __future__ import annotations

from pathlib import Path

from harness.cli.summary import read_conformance, summary_lines


def test_summary_without_scenarios_or_catalogue() -> None:
    data = {"totals": {"tests": {"total": 2, "passed": 2, "failed": 0, "skipped": 0}}}
    assert summary_lines(data, "reports/report.html", "reports/allure-report/index.html") == [
        "SUT: unknown unknown",
        "scenarios: none ran",
        "report: reports/report.html",
        "allure: reports/allure-report/index.html",
        "callproof: 2 passed, 0 failed, 0 skipped",
    ]


def test_read_conformance(tmp_path: Path) -> None:
    path = tmp_path / "conformance.json"
    assert read_conformance(path) is None
    path.write_text("[1, 2]")
    assert read_conformance(path) is None
    path.write_text('{"totals": {}}')
    assert read_conformance(path) == {"totals": {}}
