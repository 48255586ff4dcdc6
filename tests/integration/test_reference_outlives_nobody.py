"""A reference started by the harness ends with the process that started it, however it ends."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap

# A parent that starts a reference, prints the reference's PID, then waits to be killed.
PARENT = textwrap.dedent(
    """
    import sys
    from harness.sut.reference_process import ReferenceProcess

    process = ReferenceProcess()
    process.start()
    print(process.pid, flush=True)
    sys.stdin.read()
    """
)


def _wait_for_exit(pid: int, timeout: float) -> bool:
    """Wait for a process that is not our child to end (a pidfd turns readable when it does)."""
    fd = os.pidfd_open(pid)
    try:
        readable, _, _ = select.select([fd], [], [], timeout)
        return bool(readable)
    finally:
        os.close(fd)


def test_a_reference_stops_when_the_session_that_started_it_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    reference_pid: int | None = None
    try:
        assert parent.stdout is not None
        reference_pid = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        assert _wait_for_exit(reference_pid, 15), (
            f"the reference (PID {reference_pid}) still runs after its parent was killed"
        )
        reference_pid = None
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if reference_pid is not None:
            os.kill(reference_pid, signal.SIGKILL)
        if parent.stdin is not None:
            parent.stdin.close()
        if parent.stdout is not None:
            parent.stdout.close()
