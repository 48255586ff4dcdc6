"""The stability benchmark's arithmetic: flaky against failing, and what it prints."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from harness.benchmarks.stability import Stability, bench_stability, render_stability
from harness.benchmarks.suite import SuiteRun


def run(label: str, seconds: float, *failed: str) -> SuiteRun:
    counts = {"passed": 40 - len(failed), **({"failed": len(failed)} if failed else {})}
    return SuiteRun(label, ("pytest",), seconds, 1 if failed else 0, counts, seconds, failed=failed)


def test_a_scenario_failing_in_some_runs_is_flaky_and_in_all_is_failing() -> None:
    result = Stability(
        2,
        (
            run("run 1/3", 31.0, "f::broken", "f::flaky"),
            run("run 2/3", 30.0, "f::broken"),
            run("run 3/3", 35.0, "f::broken"),
            SuiteRun("run 4/4", ("pytest",), note="stopped after 900 s"),
        ),
    )
    assert result.flaky == {"f::flaky": 1}
    assert result.failing == ["f::broken"]
    figures = result.as_dict()
    assert (figures["median_seconds"], figures["min_seconds"], figures["max_seconds"]) == (
        31.0,
        30.0,
        35.0,
    )
    text = render_stability(result)
    assert "wall time: median 31.0 s, fastest 30.0 s, slowest 35.0 s over 3 measured runs" in text
    assert "flaky scenarios: 1\n  f::flaky: failed in 1 of 3 runs" in text
    assert "failing in every run: 1\n  f::broken" in text
    assert "run 4/4: stopped after 900 s" in text


def test_clean_runs_have_no_flakes() -> None:
    result = Stability(2, (run("run 1/2", 30.0), run("run 2/2", 32.0)))
    assert result.flaky == {} and result.failing == []
    assert "runs with a failure: 0 of 2" in render_stability(result)


@pytest.mark.parametrize("runs", [0, 101])
def test_the_number_of_runs_is_bounded(runs: int, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="--runs"):
        asyncio.run(bench_stability(runs, 2, tmp_path, 10.0, lambda text: None))
