"""Kamailio (5.6) as a stateful, record-routing SIP proxy on loopback, in front of the SUT.

What Kamailio 5.6.3 needs and does, found by running it here (the tests depend on each point):

- ``kamailio -f CFG -DD -E`` stays in the foreground and logs to standard error; ``-P FILE``
  writes its PID there and ``-Y DIR`` moves its runtime folder out of ``/run/kamailio``.
  ``-m 64 -M 8`` (shared and per-process memory, in MB) is plenty for a few calls.
  Modules come from its built-in path (``kamailio -I`` shows it): the config needs no ``mpath``.
- It forks ``children`` UDP workers plus timer processes (six processes for two workers).
  SIGTERM to the main process ends them all ("Thank you for flying kamailio!!!"); after a
  SIGKILL they would be orphaned and keep the port, so `Kamailio.stop` ends the workers it
  noted, by their PIDs.
- The workers read one socket, so the 180 and the 200 of one INVITE may be relayed by two
  workers at once and leave in either order: a UAC behind it must tolerate a 180 after the 200.
- Nothing says it is ready on its output: readiness is an answered OPTIONS to the proxy itself
  (the template answers it with a bare 200). A datagram sent before it binds is simply lost,
  and the probe's retransmissions (RFC 3261 section 17.1.2.2, timer E) try again.
  Not siputils' ``options_reply()``: it sends ``Accept-Encoding:`` and ``Supported:`` with
  empty values, which RFC 3261 section 25.1 allows but `harness.sip` rejects as a parse error.
- A config error ends it at once with exit status 255, the reason on its output (e.g.
  ``failed to find command t_relya``, then ``ERROR: bad config file``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import re
import shutil
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.interop.ports import UDP, free_port
from harness.interop.process import TERMINATE_GRACE, PeerProcess, PeerTimeout, describe_exit
from harness.sip.transaction import Address, TimerConfig
from harness.sip.transport import SipEndpoint

DEFAULT_PROGRAM = Path("/usr/sbin/kamailio")
READY_TIMEOUT = 10.0
"""Seconds Kamailio has to answer the readiness probe."""
PROBE_TIMERS = TimerConfig(t1=0.05, t2=0.2)
"""The probe retransmits its OPTIONS every 50 to 200 ms and gives up after 3.2 s (timer F)."""
_FIELD = re.compile(r"@([A-Z][A-Z0-9_]*)@")
# The lines the template's xlog calls write, after Kamailio's " RANK(PID) LEVEL: <script>: ".
_LOGGED = re.compile(
    r"^\s*(?P<rank>\d+)\((?P<pid>\d+)\) \w+: <script>: "
    r"(?:request (?P<method>\S+) (?P<uri>\S+) from (?P<source>\S+) call-id (?P<req_id>\S*)"
    r"|reply (?P<status>\d{3}) to (?P<to>\S+) call-id (?P<rep_id>\S*))"
)


class KamailioStartFailed(RuntimeError):
    """Kamailio ended, or answered the probe with an error, before it was ready."""


def find_kamailio() -> str | None:
    """Path of the ``kamailio`` program (often in /usr/sbin), or None when not installed."""
    found = shutil.which("kamailio")
    if found is not None:
        return found
    return str(DEFAULT_PROGRAM) if os.access(DEFAULT_PROGRAM, os.X_OK) else None


def render_config(template: str, fields: Mapping[str, object]) -> str:
    """Fill every ``@NAME@`` of ``template`` from ``fields``.

    A field the template uses but ``fields`` lacks, or one given but never used, is a
    ValueError: a half-filled config would only fail later, inside Kamailio, less clearly.
    """
    used = set(_FIELD.findall(template))
    missing, unused = used - set(fields), set(fields) - used
    if missing:
        raise ValueError(f"no value for config field(s) {sorted(missing)}")
    if unused:
        raise ValueError(f"the template has no field(s) {sorted(unused)}")
    return _FIELD.sub(lambda m: str(fields[m.group(1)]), template)


def sip_host(host: str) -> str:
    """``host`` as it appears in a SIP URI or a Kamailio socket (IPv6 in brackets)."""
    return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host


def _loopback_address(host: str, what: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"{what} must be a loopback address, not {host!r}")


@dataclass(frozen=True)
class ProxyLogEntry:
    """One message Kamailio handled, as the template's ``xlog`` lines record it."""

    worker: int
    """PID of the Kamailio process that handled it."""
    kind: str  # "request" | "reply"
    method: str
    """The request's method, or the method a reply answers."""
    sip_call_id: str
    status: int | None = None
    source: str = ""
    """``host:port`` a request came from ('' for a reply)."""


def parse_proxy_log(text: str) -> list[ProxyLogEntry]:
    """The requests and replies recorded in Kamailio's output, in the order it wrote them."""
    entries = []
    for line in text.splitlines():
        found = _LOGGED.match(line)
        if found is None:
            continue
        if found["method"] is not None:
            entries.append(
                ProxyLogEntry(
                    int(found["pid"]), "request", found["method"], found["req_id"],
                    source=found["source"],
                )
            )  # fmt: skip
        else:
            entries.append(
                ProxyLogEntry(
                    int(found["pid"]), "reply", found["to"], found["rep_id"], int(found["status"])
                )
            )
    return entries


def _stat(pid: int | str) -> tuple[int, bytes] | None:
    """Parent PID and command line of ``pid``, or None once it has ended."""
    proc = Path("/proc") / str(pid)
    try:
        stat = (proc / "stat").read_text()
        cmdline = (proc / "cmdline").read_bytes()
    except OSError:
        return None
    # The command name in parentheses may hold spaces: the parent PID follows the last ")".
    fields = stat.rpartition(")")[2].split()
    if len(fields) < 2 or not cmdline:  # a zombie has an empty command line: it has ended
        return None
    return int(fields[1]), cmdline


def _children(pid: int) -> dict[int, bytes]:
    """The processes whose parent is ``pid``, with their command lines (to recognise them)."""
    found: dict[int, bytes] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(entry.name)) is not None and stat[0] == pid:
            found[int(entry.name)] = stat[1]
    return found


def _kill_if_same(pid: int, cmdline: bytes, *, unless_parent: int | None = None) -> None:
    """SIGKILL ``pid`` if it still runs ``cmdline`` (a PID can be reused), unless its parent
    is ``unless_parent``."""
    stat = _stat(pid)
    if stat is not None and stat[1] == cmdline and stat[0] != unless_parent:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


class Kamailio:
    """One Kamailio process relaying to ``upstream``, its files kept in ``workdir``.

    ``template`` is a config with the fields ``CHILDREN``, ``LISTEN_HOST``, ``LISTEN_PORT``,
    ``UPSTREAM_HOST`` and ``UPSTREAM_PORT`` (``fixtures/kamailio/proxy.cfg``). The SIP port is
    chosen free at construction.
    """

    def __init__(
        self,
        template: Path,
        workdir: Path,
        *,
        upstream: Address,
        host: str = "127.0.0.1",
        children: int = 2,
        program: str | None = None,
    ) -> None:
        if not template.is_file():
            raise ValueError(f"no Kamailio config template at {template}")
        if children < 1:
            raise ValueError("children must be at least 1")
        _loopback_address(host, "the proxy's address")
        _loopback_address(upstream[0], "the upstream server")
        executable = program or find_kamailio()
        if executable is None:
            raise ValueError("kamailio is not installed (Debian package kamailio)")
        self.template = template
        self.workdir = workdir
        self.host = host
        self.upstream = upstream
        self.children = children
        self.port = free_port(host, ((UDP, 0),))
        self._workers: dict[int, bytes] = {}
        argv = [
            executable, "-f", str(self.config_path), "-DD", "-E", "-m", "64", "-M", "8",
            "-P", str(self.pid_path), "-Y", str(self.run_dir),
        ]  # fmt: skip
        self.process = PeerProcess(
            "kamailio", argv, cwd=workdir, log_path=workdir / "kamailio-output.txt"
        )

    @property
    def address(self) -> Address:
        """Where Kamailio receives SIP: the outbound proxy of a UAC."""
        return self.host, self.port

    @property
    def uri(self) -> str:
        """The proxy's own SIP URI (what its Record-Route names)."""
        return f"sip:{sip_host(self.host)}:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.workdir / "kamailio.cfg"

    @property
    def pid_path(self) -> Path:
        return self.workdir / "kamailio.pid"

    @property
    def run_dir(self) -> Path:
        return self.workdir / "run"

    def config(self) -> str:
        """The config this instance runs: the template with its fields filled in."""
        return render_config(
            self.template.read_text(encoding="utf-8"),
            {
                "CHILDREN": self.children,
                "LISTEN_HOST": sip_host(self.host),
                "LISTEN_PORT": self.port,
                "UPSTREAM_HOST": sip_host(self.upstream[0]),
                "UPSTREAM_PORT": self.upstream[1],
            },
        )

    async def start(self, timeout: float = READY_TIMEOUT) -> None:
        """Start Kamailio and return once it answers OPTIONS; on failure it is stopped again.

        Raises KamailioStartFailed (it ended or answered an error) or PeerTimeout (it did not
        answer within ``timeout``), with the end of its output in the message.
        """
        self.config_path.write_text(self.config(), encoding="utf-8")
        self.run_dir.mkdir(exist_ok=True)
        await self.process.start()
        try:
            await self._until_ready(timeout)
        except (KamailioStartFailed, PeerTimeout):
            await self.stop()
            raise
        assert self.process.pid is not None
        self._workers = _children(self.process.pid)

    async def _until_ready(self, timeout: float) -> None:
        exited = asyncio.ensure_future(self.process.wait(timeout))
        answered = asyncio.ensure_future(self.probe(timeout))
        try:
            await asyncio.wait({exited, answered}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (exited, answered):
                task.cancel()
            await asyncio.gather(exited, answered, return_exceptions=True)
        if exited.done() and not exited.cancelled() and exited.exception() is None:
            code = exited.result()
            raise KamailioStartFailed(
                f"kamailio ended before it was ready ({describe_exit(code)})\n{self.log_tail()}"
            )
        error = None if answered.cancelled() else answered.exception()
        if answered.cancelled() or isinstance(error, TimeoutError):
            raise PeerTimeout(
                f"kamailio did not answer OPTIONS on {self.host}:{self.port} within "
                f"{timeout:g} s\n{self.log_tail()}"
            )
        if error is not None:
            raise error
        status = answered.result()
        if status != 200:
            raise KamailioStartFailed(f"kamailio answered OPTIONS {status}\n{self.log_tail()}")

    async def probe(self, timeout: float) -> int:
        """Ask the proxy itself for OPTIONS until it answers; returns the status.

        Each OPTIONS is retransmitted quickly (`PROBE_TIMERS`); when one gives up (timer F)
        another follows, until ``timeout`` has passed (then TimeoutError).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with await SipEndpoint.open(
            self.host, 0, timers=PROBE_TIMERS, listen_tcp=False
        ) as ep:
            local = f"sip:probe@{sip_host(self.host)}:{ep.local_address[1]}"
            while True:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise TimeoutError(f"no answer to OPTIONS within {timeout:g} s")
                try:
                    response = await ep.request(
                        "OPTIONS", self.uri, from_uri=local, timeout=remaining
                    )
                except TimeoutError:
                    continue  # this transaction gave up (or time is up: checked above)
                return response.status

    def workers(self) -> list[int]:
        """PIDs of the processes the main Kamailio process had forked once it was ready."""
        return sorted(self._workers)

    async def stop(self, grace: float = TERMINATE_GRACE) -> None:
        """End Kamailio: SIGTERM to its PID, SIGKILL after ``grace``; then any orphaned worker.

        Orphans must go before the output is drained: they hold the same pipe. Idempotent;
        the main process's exit status is then ``process.returncode``.
        """
        pid = self.process.pid
        if pid is None:
            return
        if self.process.running:  # not reaped yet, so the PID is still ours
            self._workers.update(_children(pid))
            # Workers whose parent has already died (SIGKILL) would hold the output pipe
            # open, and waiting for the main process waits for that pipe too.
            for worker, cmdline in self._workers.items():
                _kill_if_same(worker, cmdline, unless_parent=pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            try:
                await self.process.wait(grace)
            except PeerTimeout:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        for worker, cmdline in self._workers.items():
            _kill_if_same(worker, cmdline)
        await self.process.stop(grace)  # reaps the main process and reads the rest of its output

    def leaks(self) -> list[str]:
        """Post-condition: neither Kamailio nor any of its workers outlives the test."""
        found = self.process.leaks()
        for worker, cmdline in self._workers.items():
            stat = _stat(worker)
            if stat is not None and stat[1] == cmdline:
                found.append(f"kamailio worker (pid {worker}) is still running")
        return found

    def log(self) -> list[ProxyLogEntry]:
        """Every request and reply Kamailio has logged so far (all of them once stopped)."""
        path = self.process.log_path
        if not path.exists():
            return []
        return parse_proxy_log(path.read_text(encoding="utf-8", errors="replace"))

    def log_tail(self, lines: int = 40) -> str:
        """The end of Kamailio's output, for failure messages."""
        return self.process.log_tail(lines)

    def describe(self) -> str:
        """Kamailio's state and the end of its output."""
        return (
            f"kamailio on {self.host}:{self.port} relaying to {self.upstream[0]}:"
            f"{self.upstream[1]} ({describe_exit(self.process.returncode)}):\n{self.log_tail()}"
        )
