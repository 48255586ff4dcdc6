"""PeerProcess with a stand-in program (this Python), so it runs without SIPp or baresip."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest

from harness.interop.process import PeerProcess, PeerTimeout, describe_exit

# Prints a line redrawn with carriage returns (as baresip's status line is), a character split
# across two writes, then a readiness line; exits with status 3.
CHATTY = r"""
import sys, os
out = sys.stdout.buffer
out.write(b"tick 1\rtick 2\rtick 3\n" + "caf\u00e9".encode()[:4]); out.flush()
out.write("caf\u00e9".encode()[4:] + b"\nready now\n" + b"x" * 200000 + b"\nlast"); out.flush()
sys.exit(3)
"""
# Block for ever, reading a pipe of their own; the stubborn one ignores SIGTERM and says when.
PATIENT = "import os; os.read(os.pipe()[0], 1)"
STUBBORN = (
    "import os, signal; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('armed', flush=True); os.read(os.pipe()[0], 1)"
)


def test_output_is_logged_line_by_line_and_the_exit_status_kept(tmp_path: Path) -> None:
    seen: list[str] = []

    async def run() -> int:
        peer = PeerProcess("chatty", [sys.executable, "-c", CHATTY], cwd=tmp_path,
                           log_path=tmp_path / "out.txt", on_line=seen.append)  # fmt: skip
        await peer.start()
        code = await peer.wait(10)
        assert peer.leaks() == []
        return code

    assert asyncio.run(run()) == 3
    assert seen[:5] == ["tick 1", "tick 2", "tick 3", "caf\u00e9", "ready now"]
    assert seen[5] == "x" * 200000
    assert seen[-1] == "last"
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").splitlines() == seen


def test_stop_ends_the_program_by_its_pid(tmp_path: Path) -> None:
    async def run() -> tuple[list[str], int | None, list[str]]:
        peer = PeerProcess("patient", [sys.executable, "-c", PATIENT], cwd=tmp_path,
                           log_path=tmp_path / "out.txt")  # fmt: skip
        await peer.start()
        with pytest.raises(PeerTimeout, match="still running"):
            await peer.wait(0.2)
        before = peer.leaks()
        code = await peer.stop()
        return before, code, peer.leaks()

    before, code, after = asyncio.run(run())
    assert before and "still running" in before[0]
    assert code == -signal.SIGTERM
    assert after == []
    assert describe_exit(code) == f"killed by signal {int(signal.SIGTERM)}"


def test_a_program_ignoring_sigterm_is_killed_after_the_grace(tmp_path: Path) -> None:
    async def run() -> int | None:
        armed = asyncio.get_running_loop().create_future()

        def on_line(line: str) -> None:
            if line == "armed" and not armed.done():
                armed.set_result(None)

        peer = PeerProcess("stubborn", [sys.executable, "-c", STUBBORN], cwd=tmp_path,
                           log_path=tmp_path / "out.txt", on_line=on_line)  # fmt: skip
        await peer.start()
        await asyncio.wait_for(armed, 10)  # SIGTERM before this would simply end it
        return await peer.stop(grace=0.5)

    assert asyncio.run(run()) == -signal.SIGKILL


def test_misuse_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        PeerProcess("nothing", [], cwd=tmp_path, log_path=tmp_path / "out.txt")
    peer = PeerProcess("idle", [sys.executable], cwd=tmp_path, log_path=tmp_path / "out.txt")
    with pytest.raises(RuntimeError, match="never started"):
        asyncio.run(peer.wait(1))
    assert asyncio.run(peer.stop()) is None
    assert describe_exit(None) == "still running" and describe_exit(0) == "exit status 0"
