"""Running sipvicious tools as child processes, on loopback only, with a bound on time.

Each run starts ``python -m harness.audit.launch <tool> ...`` (the tool's own ``main()`` with
its sockets pinned to loopback), waits for it with a timeout and keeps both output streams for
the parsers. The only process ever stopped here is the child this module started.
"""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

Address = tuple[str, int]

__all__ = ["Address", "ToolOutput", "ToolTimeout", "free_udp_port", "run_tool", "scanner_args"]

DEFAULT_WAIT_CAP = 1.5  # s: how long a tool waits for late answers (loopback answers in ms)


class ToolTimeout(TimeoutError):
    """A tool did not finish in time; it was stopped and its partial output is kept."""

    def __init__(self, argv: Sequence[str], timeout: float, stdout: str, stderr: str) -> None:
        super().__init__(f"{' '.join(argv)} did not finish within {timeout:g} s")
        self.stdout = stdout
        self.stderr = stderr


@dataclass(frozen=True)
class ToolOutput:
    """What one tool run printed: the tables go to stdout, its log to stderr."""

    tool: str
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def transcript(self) -> str:
        """Command line, exit code and both streams, for the evidence of a scenario."""
        return (
            f"$ {' '.join(self.argv)}\n(exit {self.returncode} after {self.seconds:.1f} s)\n"
            f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )


def require_loopback(host: str) -> str:
    """``host`` if it is a loopback address; anything else is refused (a harness bug)."""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ValueError(f"audits only ever target loopback, not {host!r}")


def free_udp_port(host: str = "127.0.0.1") -> int:
    """A UDP port on ``host`` that was free a moment ago (the tool moves on if it is taken)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((require_loopback(host), 0))
        return int(sock.getsockname()[1])


def scanner_args(target: Address, local_port: int, *, max_silence: int) -> list[str]:
    """Options every run shares: loopback addresses, our source port, verbose log, a bound."""
    host, port = target
    require_loopback(host)
    return [
        "-x",
        "127.0.0.1",  # the address written into Via and Contact
        "-P",
        str(local_port),
        "-p",
        str(port),
        "-vvv",  # the parsers read the tool's debug log
        "--maximumtime",
        str(max_silence),
    ]


def run_tool(
    tool: str,
    args: Sequence[str],
    *,
    timeout: float,
    wait_cap: float | None = DEFAULT_WAIT_CAP,
) -> ToolOutput:
    """Run ``tool`` (svwar, svcrack, svmap) with ``args``; raises :class:`ToolTimeout`."""
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    cap = [] if wait_cap is None else ["--wait-cap", f"{wait_cap:g}"]
    argv = [sys.executable, "-m", "harness.audit.launch", *cap, tool, *args]
    started = time.monotonic()
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:  # subprocess.run has killed its child
        raise ToolTimeout(argv, timeout, _text(exc.stdout), _text(exc.stderr)) from None
    return ToolOutput(
        tool, tuple(argv), done.returncode, done.stdout, done.stderr, time.monotonic() - started
    )


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")
