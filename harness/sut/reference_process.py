"""Starting the reference contact center as its own process (it is never imported by steps).

Blocking code on purpose: the pytest controller starts one reference for all xdist workers before
any event loop exists; the adapter calls it through ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO


class SutUnavailable(RuntimeError):
    """The SUT did not start or does not answer."""


@dataclass(frozen=True)
class ReferenceAddress:
    http_url: str
    sip_host: str
    sip_port: int
    admin_token: str

    @property
    def url_with_token(self) -> str:
        """The form ``--sut-url`` takes: ``http://TOKEN@host:port``."""
        scheme, _, rest = self.http_url.partition("://")
        return f"{scheme}://{self.admin_token}@{rest}"


class ReferenceProcess:
    """The reference on ephemeral loopback ports, with its SQLite store in a temporary folder."""

    def __init__(self, data_dir: Path | None = None, startup_timeout: float = 30.0) -> None:
        self._own_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="callproof-reference-"))
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self.address: ReferenceAddress | None = None
        self._stderr_tail: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(
        self, *, http_port: int = 0, sip_port: int = 0, admin_token: str | None = None
    ) -> ReferenceAddress:
        """Start it and wait for its ready line; ports 0 are chosen by the system."""
        token = admin_token or os.urandom(16).hex()
        cmd = [
            sys.executable,
            "-m",
            "harness.reference",
            "--http-port",
            str(http_port),
            "--sip-port",
            str(sip_port),
            "--no-demo",
            "--ready-json",
            "--data-dir",
            str(self.data_dir),
            "--admin-token",
            token,
            "--exit-with-stdin",
        ]
        # Standard input is a pipe nobody writes to: when this process ends in any way, the pipe
        # closes and the reference stops with it instead of living on as an orphan.
        self.process = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None and self.process.stderr is not None
        threading.Thread(target=self._pump, args=(self.process.stdout, True), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.process.stderr, False), daemon=True).start()
        try:
            while True:
                line = self._lines.get(timeout=self.startup_timeout)
                if line is None:
                    self.process.wait(5)
                    tail = " | ".join(self._stderr_tail[-5:]) or "no output"
                    raise SutUnavailable(f"the reference exited during start-up: {tail}")
                if line.startswith("{") and '"ready"' in line:
                    break
        except queue.Empty:
            self.stop()
            raise SutUnavailable(
                f"the reference did not report ready within {self.startup_timeout:g} s"
            ) from None
        info = json.loads(line)
        self.address = ReferenceAddress(
            http_url=info["http"],
            sip_host=info["sip"]["host"],
            sip_port=int(info["sip"]["port"]),
            admin_token=token,
        )
        return self.address

    def _pump(self, stream: IO[str], is_stdout: bool) -> None:
        for raw in stream:
            line = raw.rstrip("\n")
            if is_stdout:
                self._lines.put(line.strip())
            else:
                self._stderr_tail.append(line)
                del self._stderr_tail[:-50]
        if is_stdout:
            self._lines.put(None)

    @property
    def stderr_tail(self) -> list[str]:
        return list(self._stderr_tail)

    def kill(self) -> int:
        """Crash it: SIGKILL by PID, then wait for the exit (no clean-up of any kind runs).

        Returns the exit status; the data directory is left as the crash left it.
        """
        proc = self.process
        if proc is None:
            raise RuntimeError("the reference is not running")
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        status = proc.wait(self.startup_timeout)
        self._close_stdin(proc)
        self.process = None
        return status

    def stop(self) -> None:
        proc = self.process
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc is not None:
            self._close_stdin(proc)
        self.process = None
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    @staticmethod
    def _close_stdin(proc: subprocess.Popen[str]) -> None:
        if proc.stdin is not None and not proc.stdin.closed:
            proc.stdin.close()
