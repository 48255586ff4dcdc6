"""``callproof bench stability``: the whole conformance run, N times; wall time and flakes.

Each run is the same child process as ``bench run`` with workers (``python -m pytest features
-n N``), one after another, so that each run has the machine to itself. A scenario that failed
in some runs and passed in others is *flaky*; one that failed in every run is *failing*. The
figures: the median, fastest and slowest wall time, and the flakes, each with how often it
failed. The count of runs and a time limit per run bound the whole benchmark.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.benchmarks import stats
from harness.benchmarks.rig import Progress
from harness.benchmarks.suite import SuiteRun, run_suite

#: More runs than this is a soak, not a benchmark: loop around the command instead.
MAX_RUNS = 100


@dataclass(frozen=True)
class Stability:
    """N runs of the suite and what they say about its flakes."""

    workers: int
    runs: tuple[SuiteRun, ...]

    @property
    def measured(self) -> tuple[SuiteRun, ...]:
        return tuple(run for run in self.runs if run.measured)

    @property
    def failures(self) -> Counter[str]:
        """How many runs each failing node ID failed in."""
        counted: Counter[str] = Counter()
        for run in self.measured:
            counted.update(set(run.failed))
        return counted

    @property
    def flaky(self) -> dict[str, int]:
        """Node IDs that failed in some measured runs but not all."""
        total = len(self.measured)
        return {node: n for node, n in sorted(self.failures.items()) if n < total}

    @property
    def failing(self) -> list[str]:
        """Node IDs that failed in every measured run."""
        total = len(self.measured)
        return sorted(node for node, n in self.failures.items() if n == total)

    def seconds(self) -> list[float]:
        return sorted(run.seconds for run in self.measured if run.seconds is not None)

    def as_dict(self) -> dict[str, Any]:
        seconds = self.seconds()
        return {
            "workers": self.workers,
            "runs": len(self.runs),
            "measured": len(self.measured),
            "median_seconds": stats.median(seconds) if seconds else None,
            "min_seconds": seconds[0] if seconds else None,
            "max_seconds": seconds[-1] if seconds else None,
            "flaky": self.flaky,
            "failing": self.failing,
            "each": [run.as_dict() for run in self.runs],
        }


async def bench_stability(
    runs: int, workers: int, root: Path, limit: float, progress: Progress
) -> Stability:
    """Run the suite ``runs`` times with ``workers`` xdist workers."""
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"--runs must be 1 to {MAX_RUNS}, got {runs}")
    done: list[SuiteRun] = []
    extra = ("-n", str(workers)) if workers > 1 else ()
    for index in range(1, runs + 1):
        done.append(await run_suite(f"run {index}/{runs}", extra, root, limit, progress))
    return Stability(workers, tuple(done))


def render_stability(result: Stability) -> str:
    """The figures as printed."""
    seconds = result.seconds()
    measured = len(result.measured)
    lines = [
        f"stability: the conformance run {len(result.runs)} times, -n {result.workers}, "
        "one after another",
        "",
    ]
    if seconds:
        lines.append(
            f"wall time: median {stats.median(seconds):.1f} s, fastest {seconds[0]:.1f} s, "
            f"slowest {seconds[-1]:.1f} s over {measured} measured runs"
        )
    scenarios = sorted({run.ran for run in result.measured})
    if scenarios:
        lines.append(f"scenarios per run: {', '.join(str(n) for n in scenarios)}")
    runs_with_failures = sum(1 for run in result.measured if run.failed)
    lines.append(f"runs with a failure: {runs_with_failures} of {measured}")
    flaky = result.flaky
    lines.append(f"flaky scenarios: {len(flaky)}")
    lines.extend(f"  {node}: failed in {n} of {measured} runs" for node, n in flaky.items())
    if result.failing:
        lines.append(f"failing in every run: {len(result.failing)}")
        lines.extend(f"  {node}" for node in result.failing)
    unmeasured = [run for run in result.runs if not run.measured]
    for run in unmeasured:
        lines.append(f"{run.label}: {run.note}")
    return "\n".join(lines)
