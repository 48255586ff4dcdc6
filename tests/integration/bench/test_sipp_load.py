"""SIPp load runs: a run of a stand-in program is read from the files it leaves."""

from __future__ import annotations

import asyncio
import stat
import sys
from pathlib import Path

import pytest

from harness.benchmarks.sipp_load import (
    LoadRun,
    SippLoad,
)
from tests.unit.bench.test_sipp_load import fixed_ports

FAKE_SIPP = """
import os, sys
args = sys.argv[1:]
calls = int(args[args.index("-m") + 1])
with open(args[args.index("-stf") + 1], "w") as out:
    out.write("SuccessfulCall(C);FailedCall(C);Retransmissions(C);CallRate(C)\\n")
    out.write(f"{calls - 1};1;7;49.9\\n")
if "-trace_rtt" in args:
    with open(f"uac_{os.getpid()}_rtt.csv", "w") as out:
        out.write("Date_ms;response_time_ms;rtd_no\\n1;4;1\\n2;8;1\\n")
print("Test Terminated")
sys.exit(1)
"""


def test_a_run_is_read_from_the_files_sipp_leaves(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fixed_ports(monkeypatch)
    program = tmp_path / "fake-sipp"
    program.write_text(f"#!{sys.executable}\n{FAKE_SIPP}")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    load = SippLoad("uac", tmp_path / "run", calls=20, rate=50, time_limit=5,
                    trace_rtt=True, program=str(program))  # fmt: skip

    async def main() -> LoadRun:
        await load.start()
        return await load.finish(10)

    result = asyncio.run(main())
    assert result.returncode == 1
    assert (result.ok, result.failed, result.retransmissions) == (19, 1, 7)
    assert result.response_ms == (4.0, 8.0)
    assert result.achieved_rate == 49.9
    assert not result.clean
    assert load.leaks() == []
