"""One external program run by the harness: started, watched and ended by its own PID.

Its standard output and error are read as they come into a log file, line by line (so a chatty
program never blocks on a full pipe), and optionally handed to a callback that looks for a
readiness line.
"""

from __future__ import annotations

import asyncio
import codecs
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

TERMINATE_GRACE = 3.0
"""Seconds a program has to exit after SIGTERM before it is killed."""
DRAIN_TIMEOUT = 5.0
"""Seconds to read what is left in the output pipe once the program has ended."""
_CHUNK = 4096


class PeerTimeout(TimeoutError):
    """A peer program did not reach the expected state (ready, exited) in time."""


class PeerProcess:
    """A child process with its output logged to ``log_path``."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cwd: Path,
        log_path: Path,
        on_line: Callable[[str], None] | None = None,
    ) -> None:
        if not argv:
            raise ValueError("argv must name a program")
        self.name = name
        self.argv = list(argv)
        self.cwd = cwd
        self.log_path = log_path
        self._on_line = on_line
        self._process: asyncio.subprocess.Process | None = None
        self._pump: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def returncode(self) -> int | None:
        """The exit status once the process has been reaped, else None."""
        return self._process.returncode if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> None:
        """Start the program (stdin closed, stderr merged into stdout)."""
        if self._process is not None:
            raise RuntimeError(f"{self.name} was already started")
        self._process = await asyncio.create_subprocess_exec(
            *self.argv,
            cwd=self.cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._pump = asyncio.create_task(self._read_output())

    async def _read_output(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        partial = ""
        with self.log_path.open("w", encoding="utf-8") as log:
            # Chunks rather than lines: a status line redrawn with carriage returns can grow
            # past any line limit, and the pipe must keep being emptied whatever it carries.
            while chunk := await stdout.read(_CHUNK):
                text = partial + decoder.decode(chunk)
                lines = text.replace("\r", "\n").split("\n")
                partial = lines.pop()
                self._emit(log, lines)
            self._emit(log, [partial + decoder.decode(b"", final=True)])

    def _emit(self, log: IO[str], lines: list[str]) -> None:
        for line in lines:
            if not line.strip():
                continue
            log.write(line + "\n")
            if self._on_line is not None:
                self._on_line(line)
        log.flush()

    async def wait(self, timeout: float) -> int:
        """The exit status, once the program has ended by itself within ``timeout`` seconds."""
        if self._process is None:
            raise RuntimeError(f"{self.name} was never started")
        try:
            code = await asyncio.wait_for(self._process.wait(), timeout)
        except TimeoutError:
            message = f"{self.name} (pid {self.pid}) still running after {timeout:g} s"
            raise PeerTimeout(message) from None
        await self._drain()
        return code

    async def stop(self, grace: float = TERMINATE_GRACE) -> int | None:
        """End the program if it still runs: SIGTERM to its PID, then SIGKILL after ``grace``."""
        process = self._process
        if process is None:
            return None
        if process.returncode is None:
            try:
                process.terminate()
                await asyncio.wait_for(process.wait(), grace)
            except ProcessLookupError:
                pass  # it ended between the check and the signal
            except TimeoutError:
                try:
                    process.kill()
                except ProcessLookupError:
                    pass  # it ended at last
                await process.wait()
        await self._drain()
        return process.returncode

    async def _drain(self) -> None:
        """Finish reading the output; a descendant still holding the pipe cannot hold us."""
        if self._pump is None or self._pump.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._pump), DRAIN_TIMEOUT)
        except TimeoutError:
            self._pump.cancel()

    def leaks(self) -> list[str]:
        """Post-condition: the program must not outlive its test."""
        if self.running:
            return [f"{self.name} (pid {self.pid}) is still running"]
        return []

    def log_tail(self, lines: int = 20) -> str:
        """The end of the program's output, for failure messages."""
        if not self.log_path.exists():
            return "(no output)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:]) or "(no output)"


def describe_exit(code: int | None) -> str:
    """``code`` as a shell would print it (a negative status is the signal that ended it)."""
    if code is None:
        return "still running"
    if code < 0:
        return f"killed by signal {-code}"
    return f"exit status {code}"
