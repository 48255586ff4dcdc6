"""``callproof load`` end to end: the reference, its agents and Locust in real processes.

Each run is short (a few seconds, a few dozen calls) and bounded by a subprocess timeout; after
each, no Locust process of the run may be left (they are found by the run's own reports path
in their command line).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

RUN_LIMIT = 150.0


def _command(reports: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "harness.cli.main", "load", "--reports", str(reports), *args]


def _leftovers(reports: Path) -> list[str]:
    """Processes whose command line names this run's reports (Locust and its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(reports) in cmdline and "locust" in cmdline:
            found.append(f"{entry.name}: {cmdline[:200]}")
    return found


def _summary(reports: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((reports / "load" / "summary.json").read_text())
    return data


def test_two_processes_verify_every_call_and_account_for_each_in_the_call_log(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        _command(tmp_path, "--processes", "2", "--rate", "4", "--duration", "5", "--ramp", "1",
                 "--agents", "2", "--mix", "short:3:2,long:1:3"),
        capture_output=True, text=True, timeout=RUN_LIMIT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    summary = _summary(tmp_path)
    assert summary["ok"] and summary["calls"] >= 8
    assert summary["verified"] == summary["calls"] and summary["crosstalk"] == 0
    assert summary["two_way_ms"]["n"] == summary["calls"]
    reconciliation = summary["reconciliation"]
    assert reconciliation["clean"] and reconciliation["matched"] == summary["calls"]
    workers = json.loads((tmp_path / "load" / "workers.json").read_text())
    assert len(workers["workers_done"]) == 2 and not workers["workers_missing"]
    records = (tmp_path / "load" / "calls.jsonl").read_text().splitlines()
    assert {json.loads(line)["worker"] for line in records} == {0, 1}
    stats = (tmp_path / "load" / "locust_stats.csv").read_text()
    assert "CALL,short" in stats and "AUDIO,answer to two-way" in stats
    assert (tmp_path / "load" / "locust.html").stat().st_size > 0
    assert "verdict: PASSED" in done.stdout
    assert _leftovers(tmp_path) == []


def test_an_unknown_number_fails_every_call_with_its_call_id_and_why(tmp_path: Path) -> None:
    done = subprocess.run(
        _command(tmp_path, "--rate", "2", "--duration", "2", "--ramp", "1",
                 "--number", "+33999000111"),
        capture_output=True, text=True, timeout=RUN_LIMIT,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:]
    summary = _summary(tmp_path)
    assert summary["calls"] >= 1 and summary["verified"] == 0
    first = summary["failures"][0]
    assert first["failure"] == "refused: 404 Not Found" and first["sip_call_id"]
    assert "calls: refused: 404 Not Found" in done.stdout
    assert summary["reconciliation"]["refused_unlogged"] == summary["calls"]
    assert _leftovers(tmp_path) == []


def test_a_worker_killed_mid_run_is_reported_and_nothing_is_left_behind(tmp_path: Path) -> None:
    process = subprocess.Popen(
        _command(tmp_path, "--processes", "2", "--rate", "4", "--duration", "8", "--ramp", "1",
                 "--agents", "2"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output: list[str] = []
    killed = None
    try:
        assert process.stdout is not None
        for line in process.stdout:  # each line as the run prints it
            output.append(line)
            if killed is None and "placing calls" in line and "worker 1" in line:
                killed = int(line.split("(pid ")[1].split(")")[0])
                os.kill(killed, signal.SIGKILL)
        process.wait(timeout=RUN_LIMIT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = "".join(output)
    assert killed is not None, text[-3000:]
    assert process.returncode == 1, text[-3000:]
    summary = _summary(tmp_path)
    problems = " ".join(summary["problems"])
    assert "went missing" in problems or "1 of 2 Locust workers handed" in problems, problems
    assert summary["calls"] > 0  # the other worker's calls are all there
    assert "verdict: FAILED" in text
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("args, message", [
    (("--rate", "10000"), "rate: 10000 calls/s is impossible with 1 process(es)"),
    (("--mix", "short:1"), "mix: 'short:1' is not name:weight:hold"),
    (("--target", "sip:x@127.0.0.1"), "--target calls a SIP URI with no agents behind it"),
    (("--sut", "harness.sut.reference_adapter:ReferenceAdapter"),
     "does not declare load_allowed = True"),
])  # fmt: skip
def test_bad_input_is_refused_before_anything_starts(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    done = subprocess.run(_command(tmp_path, *args), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "load").exists()
