"""``callproof bench run``: wall time of the conformance run, in one process and with workers.

Each run is ``python -m pytest features -q -p no:cacheprovider`` (plus ``-n WORKERS``) in a child
process from the project root, timed from spawn to exit: interpreter start, collection and the
reference's start-up are part of what a user waits for. pytest's final summary line gives the
outcomes; a scenario "ran" unless it was skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import re
import signal
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.benchmarks import stats
from harness.benchmarks.rig import Progress

PYTEST_ARGS = ("features", "-q", "-p", "no:cacheprovider")
RUN_TIMEOUT = 900.0
OWN_EXIT_GRACE = 30.0  # after Ctrl-C: the child got the same SIGINT and is tearing down
STOP_TIMEOUT = 15.0  # after our SIGINT, before SIGTERM: pytest stops its reference on the way out
TAIL = 15
_COUNT = re.compile(r"(\d+) (passed|failed|skipped|xfailed|xpassed|errors?|deselected|warnings?)\b")
_DURATION = re.compile(r"\bin (\d+(?:\.\d+)?)s\b")
_PROGRESS = re.compile(r"^\[\s*\d+/\d+\]")
_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)")
RAN = ("passed", "failed", "error", "xfailed", "xpassed")


def parse_summary(lines: Iterable[str]) -> tuple[dict[str, int], float] | None:
    """Outcome counts and pytest's own duration from its last summary line (None if absent).

    ``"3 passed, 1 skipped, 2 warnings in 4.20s"`` -> ``({"passed": 3, "skipped": 1,
    "warnings": 2}, 4.2)``; ``error``/``errors`` and ``warning``/``warnings`` are merged.
    """
    for line in reversed(list(lines)):
        duration = _DURATION.search(line)
        if duration is None:
            continue
        counts: dict[str, int] = {}
        for amount, word in _COUNT.findall(line):
            key = {"errors": "error", "warning": "warnings"}.get(word, word)
            counts[key] = counts.get(key, 0) + int(amount)
        if counts or "no tests ran" in line:
            return counts, float(duration.group(1))
    return None


@dataclass(frozen=True)
class SuiteRun:
    """One timed run of the conformance suite."""

    label: str
    command: tuple[str, ...]
    seconds: float | None = None  # wall time, spawn to exit
    exit_code: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    pytest_seconds: float | None = None
    note: str = ""  # why the run has no figures, when it has none
    tail: tuple[str, ...] = ()  # pytest's last lines, kept when its summary is missing
    failed: tuple[str, ...] = ()  # node IDs of pytest's FAILED and ERROR summary lines

    @property
    def measured(self) -> bool:
        """The run finished and its outcomes are known (whatever they are)."""
        return self.seconds is not None and not self.note

    @property
    def ran(self) -> int:
        return sum(self.counts.get(k, 0) for k in RAN)

    @property
    def scenarios_per_second(self) -> float | None:
        if self.seconds is None or not self.counts:
            return None
        return stats.per_second(self.ran, self.seconds)

    @property
    def outcome(self) -> str:
        if self.note:
            return self.note
        order = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
        return ", ".join(f"{self.counts[k]} {k}" for k in order if self.counts.get(k)) or "none"

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "command": list(self.command),
            "seconds": self.seconds,
            "pytest_seconds": self.pytest_seconds,
            "exit_code": self.exit_code,
            "outcomes": dict(self.counts),
            "scenarios": self.ran,
            "scenarios_per_second": self.scenarios_per_second,
            "note": self.note,
            "failed": list(self.failed),
        }


def cut_middle(line: str, width: int) -> str:
    """``line`` within ``width``, cut in the middle: the start and the outcome stay readable."""
    if len(line) <= width:
        return line
    keep = width - 1
    return line[: keep - keep // 3] + "…" + line[len(line) - keep // 3 :]


async def _exited(process: asyncio.subprocess.Process, within: float) -> bool:
    try:
        await asyncio.wait_for(process.wait(), within)
    except TimeoutError:
        return False
    return True


async def _stop(process: asyncio.subprocess.Process, grace: float) -> None:
    """End the child the gentlest way that works, so it can stop the reference it started.

    A Ctrl-C from a terminal reaches the whole process group: the child is then already
    tearing down and a signal from us could cut that short, so it first gets ``grace`` seconds
    alone. Then SIGINT (pytest's orderly stop), SIGTERM, and finally SIGKILL.
    """
    if process.returncode is not None or (grace and await _exited(process, grace)):
        return
    for signal_number, within in ((signal.SIGINT, STOP_TIMEOUT), (signal.SIGTERM, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal_number)
        if await _exited(process, within):
            return
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    await process.wait()


async def run_suite(
    label: str, extra: Sequence[str], root: Path, limit: float, progress: Progress
) -> SuiteRun:
    """Time one run; the child is stopped on timeout or cancellation (Ctrl-C) before returning."""
    command = (sys.executable, "-m", "pytest", *PYTEST_ARGS, *extra)
    env = dict(os.environ, PYTHONUNBUFFERED="1")  # progress lines as they happen, not at exit
    loop = asyncio.get_running_loop()
    progress(f"{label}: {' '.join(['python', *command[1:]])}")
    started = loop.time()
    process = await asyncio.create_subprocess_exec(
        *command, cwd=root, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, limit=1 << 20,
    )  # fmt: skip
    assert process.stdout is not None
    lines: list[str] = []
    failed: list[str] = []
    grace = 0.0
    try:
        async with asyncio.timeout(limit):
            async for raw in process.stdout:
                line = raw.decode(errors="replace").rstrip()
                lines.append(line)
                del lines[:-200]
                failure = _FAILED.match(line)
                if failure:
                    failed.append(failure.group(1))
                if _PROGRESS.match(line):
                    progress(f"{label} {cut_middle(line, 110)}")
            code = await process.wait()
    except asyncio.CancelledError:
        grace = OWN_EXIT_GRACE
        progress(f"{label}: interrupted; letting pytest stop (up to {grace:g} s)")
        raise
    except TimeoutError:
        note = f"stopped after {limit:g} s"
        return SuiteRun(label, command, note=note, tail=tuple(lines[-TAIL:]))
    finally:
        await _stop(process, grace)
    seconds = loop.time() - started
    summary = parse_summary(lines)
    if summary is None:
        return SuiteRun(label, command, seconds, code, note=f"no pytest summary (exit {code})",
                        tail=tuple(lines[-TAIL:]))  # fmt: skip
    counts, pytest_seconds = summary
    return SuiteRun(
        label, command, seconds, code, counts, pytest_seconds, failed=tuple(dict.fromkeys(failed))
    )


async def bench_suite(workers: int, root: Path, limit: float, progress: Progress) -> list[SuiteRun]:
    """The suite in one process, then with ``workers`` xdist workers."""
    if workers < 2:
        raise ValueError(f"--workers must be 2 or more, got {workers}")
    runs = [await run_suite("1 process", (), root, limit, progress)]
    label = f"-n {workers}"
    if importlib.util.find_spec("xdist") is None:
        runs.append(SuiteRun(label, (), note="pytest-xdist is not installed"))
    else:
        runs.append(await run_suite(label, ("-n", str(workers)), root, limit, progress))
    return runs


def render_suite(runs: Sequence[SuiteRun]) -> str:
    """The figures of the run benchmark as printed."""
    header = ["run", "wall s", "pytest s", "scenarios", "scenarios/s", "exit", "outcome"]
    rows = [
        [run.label, stats.number(run.seconds), stats.number(run.pytest_seconds),
         str(run.ran) if run.counts else stats.MISSING, stats.number(run.scenarios_per_second, 2),
         stats.MISSING if run.exit_code is None else str(run.exit_code), run.outcome]
        for run in runs
    ]  # fmt: skip
    lines = [
        f"conformance run: python -m pytest {' '.join(PYTEST_ARGS)} [-n N], from the project root",
        "",
        stats.table(header, rows, "lrrrrrl"),
    ]
    base = runs[0].seconds if runs else None
    for run in runs[1:]:
        if base and run.seconds:
            lines.append(f"{run.label} against 1 process: {base / run.seconds:.2f}x the speed")
    for run in runs:
        if run.tail:
            lines.append(f"last lines of {run.label}:")
            lines.extend(f"  {line}" for line in run.tail)
    return "\n".join(lines)
