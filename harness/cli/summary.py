"""The few lines the CLI prints after pytest, read back from ``conformance.json``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.reporting.progress import SEPARATOR


def _counts(totals: Mapping[str, Any], kind: str) -> Mapping[str, int]:
    value = totals.get(kind)
    return value if isinstance(value, Mapping) else {}


def summary_lines(data: Mapping[str, Any], report: str, allure: str | None) -> list[str]:
    """Lines for a ``conformance.json`` document; ``report`` and ``allure`` are paths to show.

    The last line has the shape ``callproof: N passed, N failed, N skipped`` so that a
    reader of the closing line sees the run's outcome over every test.
    """
    totals = data.get("totals", {})
    scenarios = _counts(totals, "scenarios")
    requirements = _counts(totals, "requirements")
    tests = _counts(totals, "tests")
    sut = data.get("sut", {})
    lines = [f"SUT: {sut.get('name', 'unknown')} {sut.get('version', 'unknown')}"]
    if scenarios.get("total"):
        lines.append(
            f"scenarios: {scenarios.get('passed', 0)} passed, {scenarios.get('failed', 0)} failed,"
            f" {scenarios.get('skipped', 0)} skipped ({scenarios['total']} in all)"
        )
    else:
        lines.append("scenarios: none ran")
    if requirements.get("total"):
        gaps = requirements.get("not-covered", 0)
        covered = requirements["total"] - gaps
        lines.append(
            f"requirements: {covered} of {requirements['total']} covered"
            f" ({requirements.get('passed', 0)} passing, {requirements.get('failed', 0)} failing,"
            f" {requirements.get('skipped', 0)} skipped), {gaps} gaps"
        )
    verdict = data.get("verdict")
    if isinstance(verdict, Mapping) and verdict.get("headline"):
        lines.append(f"verdict: {verdict['headline']}")
        untested = verdict.get("untested_required") or []
        if untested:
            more = f" and {len(untested) - 20} more" if len(untested) > 20 else ""
            lines.append(
                f"untested in {', '.join(verdict.get('required_coverage') or [])}: "
                f"{', '.join(untested[:20])}{more}"
            )
    series = data.get("series")
    if isinstance(series, list) and series:
        flaky = [s for s in series if isinstance(s, Mapping) and s.get("flaky")]
        lines.append(
            f"repeated: {len(series)} items, {len(flaky)} flaky"
            + "".join(
                f"\n  flaky: {s.get('feature') or s.get('nodeid')} {SEPARATOR} {s.get('name')}"
                f" (passed {s.get('passed')} of {s.get('runs')})"
                for s in flaky
            )
        )
    run = data.get("run")
    if isinstance(run, Mapping) and run.get("seed") is not None:
        lines.append(f"seed: {run['seed']} (rerun: {run.get('command') or '?'})")
    lines.append(f"report: {report}")
    if allure is not None:
        lines.append(f"allure: {allure}")
    lines.append(
        f"callproof: {tests.get('passed', 0)} passed, {tests.get('failed', 0)} failed,"
        f" {tests.get('skipped', 0)} skipped"
    )
    return lines


def read_conformance(path: Path) -> Mapping[str, Any] | None:
    """The parsed file, or None when the run did not write it (or wrote something else)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, Mapping) else None
