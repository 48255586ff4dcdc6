"""SIPp as a load generator: one of its built-in scenarios (``-sn uac``, ``-sn uas``) at a rate.

The process is the interop tests' :class:`harness.interop.sipp.Sipp` (its ports, command line,
statistics and process handling), here running a built-in scenario at ``-r`` calls per second
without its trace of every message, which would slow a load down: only its statistics, its
errors and (for a UAC) each call's response time are traced. Every run has its own working
directory, so its files cannot be mixed up with another's.

What SIPp 3.6.1 writes, found by running it here:

- ``-trace_rtt`` writes ``<scenario>_<pid>_rtt.csv`` in its working directory: a header
  ``Date_ms;response_time_ms;rtd_no`` and one row per call, flushed every ``-rtt_freq`` calls and
  at exit. Response time 1 of the built-in UAC runs from the INVITE to the 200 OK.
- The statistics file's ``Retransmissions(C)`` counts every retransmission SIPp sent, and
  ``CallRate(C)`` the calls it created per second of the run (SIPp's own clock, milliseconds).
- The built-in UAS keeps each call 4 s after its BYE (``<timewait>``) before counting it, so it
  ends at least 4 s after its last call.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.benchmarks import stats
from harness.interop.process import PeerTimeout, describe_exit
from harness.interop.sipp import EXIT_STATUS, Sipp, SippReportError, SippStats

SOCKET_BUFFER = 4 * 1024 * 1024
"""SIPp's socket buffers, as large as ours (`harness.sip.transport.RECEIVE_BUFFER`): a burst
must not be lost in a small kernel buffer on one side only."""
_ERRORS_KEPT = 2000  # characters of SIPp's error log kept in a result


def parse_response_times(text: str) -> list[float]:
    """Response times in ms from a ``-trace_rtt`` file (header ``Date_ms;response_time_ms;...``)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    header = lines[0].split(";")
    if "response_time_ms" not in header:
        raise SippReportError(f"not a response-time file: {lines[0]!r}")
    column = header.index("response_time_ms")
    times = []
    for line in lines[1:]:
        cells = line.split(";")
        try:
            times.append(float(cells[column]))
        except (IndexError, ValueError) as exc:
            raise SippReportError(f"bad response-time row {line!r}") from exc
    return times


def _counter(run_stats: SippStats | None, name: str) -> float | None:
    if run_stats is None or name not in run_stats.counters:
        return None
    try:
        return float(run_stats.counters[name])
    except ValueError:
        return None


@dataclass(frozen=True)
class LoadRun:
    """How one SIPp load run ended: its counters and each call's response time."""

    scenario: str
    calls: int  # asked for
    rate: float | None  # calls/s asked for (None: a UAS, which only answers)
    returncode: int | None
    seconds: float  # spawn to exit
    counters: SippStats | None
    response_ms: tuple[float, ...] = ()
    errors: str = ""

    @property
    def ok(self) -> int:
        return self.counters.successful_calls if self.counters is not None else 0

    @property
    def failed(self) -> int:
        """Failed calls, counting those never placed or never finished as failed."""
        if self.counters is None:
            return self.calls
        return max(self.counters.failed_calls, self.calls - self.ok)

    @property
    def retransmissions(self) -> int:
        value = _counter(self.counters, "Retransmissions(C)")
        return 0 if value is None else int(value)

    @property
    def achieved_rate(self) -> float | None:
        """Calls SIPp created per second of its run, by its own clock."""
        return _counter(self.counters, "CallRate(C)")

    @property
    def clean(self) -> bool:
        """Every call asked for succeeded and SIPp said so (exit status 0)."""
        return self.returncode == 0 and self.counters is not None and self.failed == 0

    @property
    def response(self) -> stats.Summary:
        return stats.Summary.of(self.response_ms)

    @property
    def exit_meaning(self) -> str:
        if self.returncode is None:
            return "did not run"
        return f"{describe_exit(self.returncode)} ({EXIT_STATUS.get(self.returncode, 'unknown')})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "calls": self.calls,
            "rate_asked": self.rate,
            "rate_achieved": self.achieved_rate,
            "ok": self.ok,
            "failed": self.failed,
            "retransmissions": self.retransmissions,
            "response_ms": self.response.as_dict(),
            "seconds": self.seconds,
            "returncode": self.returncode,
            "clean": self.clean,
            "errors": self.errors,
        }


class SippLoad:
    """One SIPp process running built-in ``scenario`` on loopback, bounded in calls and time.

    ``remote`` is the peer a UAC calls and ``service`` the user part of its request URI. SIPp
    gives up by itself after ``time_limit`` seconds (exit status 255), so a load whose peer
    stops answering still ends. The process is a :class:`~harness.interop.sipp.Sipp` without
    its message trace; what this adds is the rate, the timing and each call's response time.
    """

    def __init__(
        self,
        scenario: str,
        workdir: Path,
        *,
        calls: int,
        time_limit: float,
        remote: tuple[str, int] | None = None,
        service: str | None = None,
        rate: float | None = None,
        recv_timeout: float | None = 10.0,
        rtp_echo: bool = False,
        trace_rtt: bool = False,
        host: str = "127.0.0.1",
        program: str = "sipp",
    ) -> None:
        self.sipp = Sipp(
            scenario, workdir, remote=remote, service=service, calls=calls, rtp_echo=rtp_echo,
            host=host, time_limit=time_limit, recv_timeout=recv_timeout, program=program,
            rate=rate, buffer_size=SOCKET_BUFFER, trace_messages=False, trace_rtt=trace_rtt,
        )  # fmt: skip
        workdir.mkdir(parents=True, exist_ok=True)
        self.scenario = scenario
        self.workdir = workdir
        self.calls = calls
        self.rate = rate
        self.host = host
        self.sip_port = self.sipp.sip_port
        self._started = 0.0

    @property
    def sip_address(self) -> tuple[str, int]:
        """Where SIPp receives SIP (a UAS's address)."""
        return self.sipp.sip_address

    @property
    def argv(self) -> tuple[str, ...]:
        return self.sipp.argv

    @property
    def command(self) -> str:
        """The command line, as a person would type it."""
        return self.sipp.command

    @property
    def load_command(self) -> str:
        """The command line without the options naming trace files: what shapes the load."""
        return self.sipp.load_command

    async def start(self) -> None:
        self._started = time.monotonic()
        await self.sipp.start()

    async def wait(self, timeout: float | None = None) -> LoadRun:
        """SIPp's report once it ends by itself (by default a little after its time limit).

        Raises :class:`~harness.interop.process.PeerTimeout` when it is still running then.
        """
        return self.result(await self.sipp.ended(timeout))

    async def finish(self, grace: float) -> LoadRun:
        """SIPp's report once it ends within ``grace`` seconds, or once it is stopped (PID)."""
        try:
            return await self.wait(grace)
        except PeerTimeout:
            return await self.abort()

    async def abort(self) -> LoadRun:
        """End SIPp now (by its PID) and return what it reported."""
        return self.result(await self.sipp.stopped())

    async def stop(self) -> None:
        """End SIPp if it still runs (by its PID)."""
        await self.sipp.stop()

    def result(self, code: int) -> LoadRun:
        """What SIPp reported, once it has ended with status ``code``."""
        seconds = time.monotonic() - self._started if self._started else 0.0
        run_stats, errors = self.sipp.reports()
        times: list[float] = []
        for path in sorted(self.workdir.glob("*_rtt.csv")):
            try:
                times += parse_response_times(path.read_text(errors="replace"))
            except SippReportError as exc:
                errors = f"{errors}\n(response times unreadable: {exc})"
        if run_stats is None:
            errors = f"{errors}\n{self.sipp.process.log_tail(5)}"
        return LoadRun(
            self.scenario, self.calls, self.rate, code, seconds, run_stats, tuple(times),
            errors.strip()[-_ERRORS_KEPT:],
        )  # fmt: skip

    def leaks(self) -> list[str]:
        return self.sipp.leaks()


# -- stepping a rate up ------------------------------------------------------------------------

BIND_FAILED = 254
"""SIPp's exit status when a port it was given is taken (`harness.interop.ports` explains the
race): such a step measured nothing and is run again with new ports."""
BIND_ATTEMPTS = 3

RETRANSMISSION_LIMIT = 0.1
"""Retransmissions per call past which a step has "exploded": a peer that keeps up retransmits
almost nothing on loopback, so one in ten calls retransmitting means requests wait in queues."""


@dataclass(frozen=True)
class LoadStep:
    """One step of a ramp: SIPp's UAC at ``rate`` and the SIPp UAS its calls end at."""

    rate: float
    caller: LoadRun
    callee: LoadRun

    @property
    def clean(self) -> bool:
        """No call failed, on either side: a B2BUA can complete the caller's side of a call
        while failing the callee's, so both count."""
        return self.caller.clean and self.callee.clean

    @property
    def retransmissions(self) -> int:
        return self.caller.retransmissions + self.callee.retransmissions

    @property
    def exploded(self) -> bool:
        return self.retransmissions > RETRANSMISSION_LIMIT * self.caller.calls

    @property
    def verdict(self) -> str:
        if not self.clean:
            return "failures"
        return "clean, retransmissions exploded" if self.exploded else "clean"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rate_asked": self.rate,
            "clean": self.clean,
            "exploded": self.exploded,
            "caller": self.caller.as_dict(),
            "callee": self.callee.as_dict(),
        }


def lost_a_port(step: LoadStep) -> bool:
    """SIPp could not bind a port on one side: the step says nothing about the load."""
    return BIND_FAILED in (step.caller.returncode, step.callee.returncode)


async def with_fresh_ports(run: Callable[[], Awaitable[LoadStep]]) -> LoadStep:
    """``run()`` (which picks new ports each time) again while SIPp lost a port, a few times."""
    step = await run()
    for _ in range(BIND_ATTEMPTS - 1):
        if not lost_a_port(step):
            break
        step = await run()
    return step


def step_calls(rate: float, seconds: float, cap: int) -> int:
    """Calls of a step at ``rate``: ``seconds`` of calls, at most ``cap``, at least one."""
    if rate <= 0 or seconds <= 0 or cap < 1:
        raise ValueError("rate, seconds and cap must be positive")
    return max(1, min(round(rate * seconds), cap))


def continues(step: LoadStep) -> bool:
    """Whether a ramp goes on after ``step``: it stops at failures or exploding retransmissions."""
    return step.clean and not step.exploded


def best_clean(steps: Sequence[LoadStep]) -> LoadStep | None:
    """The clean step with the highest rate achieved (by SIPp's clock), or None."""
    clean = [s for s in steps if s.clean and s.caller.achieved_rate is not None]
    return max(clean, key=lambda s: s.caller.achieved_rate or 0.0, default=None)


def render_steps(steps: Sequence[LoadStep]) -> str:
    """The steps of a ramp as a table: rates, calls, failures on each side, response times."""
    header = ["rate asked", "achieved/s", "calls", "ok", "failed uac", "failed uas",
              "retrans", "resp p50 ms", "resp max ms", "step"]  # fmt: skip
    rows = []
    for s in steps:
        response = s.caller.response
        rows.append([
            f"{s.rate:g}", stats.number(s.caller.achieved_rate), str(s.caller.calls),
            str(s.caller.ok), str(s.caller.failed), str(s.callee.failed),
            str(s.retransmissions), stats.number(response.median, 0),
            stats.number(response.max, 0), s.verdict,
        ])  # fmt: skip
    return stats.table(header, rows, "rrrrrrrrrl")
