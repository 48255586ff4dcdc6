"""SIPp (3.6, built with RTPSTREAM and PCAP play) as a foreign SIP peer on loopback.

What SIPp 3.6.1 does, found by running it here (the tests depend on each point):

- ``<exec rtp_stream="FILE,LOOPS,PT"/>`` streams FILE as RTP, ``LOOPS`` times (-1: for ever),
  payload type PT (0 for PCMU, 8 for PCMA, the default). A fourth field (a payload name in
  later releases) does not make 3.6.1 refuse the scenario. FILE is read once, when the scenario
  loads, relative to SIPp's working directory; it cannot hold ``[keywords]``.
- FILE is sent byte for byte: 160 bytes per 20 ms packet for G.711. SIPp does not parse WAV: the
  44-byte header of a WAV file goes out as the first 44 samples (a burst of noise), and a 16-bit
  linear WAV goes out as noise throughout (a signature in it was never heard). The file must
  therefore hold raw G.711 code words: `write_g711_file` writes one.
- The stream leaves from the media socket, the one ``-mp`` names and ``-rtp_echo`` reads:
  ``[rtpstream_audio_port]`` and ``[media_port]`` are the same port. SIPp binds ``-mp`` and
  ``-mp`` + 2 (video) even without ``-rtp_echo``; with it, what arrives there is sent back to
  its sender, interleaved with the stream if one plays.
- Without ``-p`` (or with ``-p 0``) SIPp binds 5060, and without ``-ci`` its control socket
  listens on every address: `Sipp` always passes ``-p``, ``-mp``, ``-cp`` and ``-ci``.
- A foreground SIPp whose output is not a terminal prints its screen only when it ends: there is
  no readiness line. A UAC's INVITE sent before a SIPp UAS listens is simply retransmitted
  (RFC 3261 section 17.1.1.2, timer A), so none is needed.
- ``-timeout Ns -timeout_error`` makes SIPp give up (exit status 255) after N seconds;
  ``-timeout`` alone leaves it waiting for its calls. ``-recv_timeout`` fails a call whose
  expected message does not come.
- ``<exec play_pcap_audio="FILE"/>`` replays the UDP packets of a capture to the peer's media
  address, from a raw socket (so as root), rewriting addresses, ports and UDP checksums but
  not the RTP header: sequence numbers, timestamps and SSRC go out as captured. FILE is looked
  for next to the scenario first; found only in the working directory, it still plays, but
  SIPp writes a warning to its error log. With ``-rtp_echo``, telephone events are reflected
  like audio, unchanged.
- Digest: ``<recv response="401" auth="true"/>`` keeps the challenge and ``[authentication
  username=U password=P]`` answers it. Keywords cannot be nested in that one, but a keyword
  read from a ``-inf`` field is expanded, hence `authentication_field`. SIPp 3.6.1 answers MD5
  (and AKAv1-MD5) only, and only the first challenge of a response: when that one is SHA-256
  it logs ``createAuthHeader: authentication must use MD5 or AKAv1-MD5`` and exits 255.
- A variable an ``<ereg check_it="true">`` assigns only to fail the call on a mismatch must be
  declared used (``<Reference variables="..."/>``), or SIPp refuses the scenario.

Exit status (SIPp's documentation): 0 every call succeeded, 1 at least one failed, 97 stopped by
an internal command, 99 ended without processing a call, 255 fatal error, 254 fatal error while
binding a socket.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from harness.interop.ports import UDP, free_port
from harness.interop.process import PeerProcess, describe_exit
from harness.media import g711

T = TypeVar("T")

EXIT_STATUS = {
    0: "every call succeeded",
    1: "at least one call failed",
    97: "stopped by an internal command",
    99: "ended without processing a call",
    255: "fatal error",
    254: "fatal error binding a socket",
}


DTMF_PCAP_DIR = Path("/usr/share/sip-tester")
"""Where Debian's sip-tester installs its captures of RFC 4733 digits."""
_PCAP_NAMES = {"*": "star", "#": "pound"}


class SippReportError(ValueError):
    """SIPp's statistics file is missing or not in the format SIPp 3.6 writes."""


def find_sipp() -> str | None:
    """Path of the ``sipp`` program, or None when it is not installed."""
    return shutil.which("sipp")


def write_g711_file(
    path: Path, samples: npt.NDArray[np.int16], payload_type: int = g711.PCMU
) -> Path:
    """Write ``samples`` (8 kHz mono) as raw G.711 code words, the file ``rtp_stream`` plays."""
    if not g711.is_g711(payload_type):
        raise ValueError(f"payload type {payload_type} is not G.711")
    path.write_bytes(bytes(g711.encode(payload_type, samples)))
    return path


def dtmf_pcap(digit: str, directory: Path = DTMF_PCAP_DIR) -> Path | None:
    """sip-tester's capture of ``digit`` (``0``-``9``, ``*``, ``#``), or None when not installed.

    Each holds one RFC 4733 event of 280 ms as payload type 101, from one source whose sequence
    numbers and timestamps run on from one digit's capture to the next in the order 1 to 9,
    ``*``, ``#`` (``0`` stands apart). SIPp's ``play_pcap_audio`` rewrites the addresses and
    ports but sends the RTP header as captured, so a receiver sees a stream that makes sense
    only when the captures are replayed in that order.
    """
    if len(digit) != 1 or digit not in "0123456789*#":
        raise ValueError(f"{digit!r} is not a DTMF digit sip-tester has a capture of")
    path = directory / f"dtmf_2833_{_PCAP_NAMES.get(digit, digit)}.pcap"
    return path if path.is_file() else None


def write_injection_file(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    """Write the ``-inf`` file: call N reads ``[field0]``, ``[field1]``... from row N.

    SIPp's format: a first line naming the order (``SEQUENTIAL``), then one row per call with
    its fields separated by ``;``. A field cannot hold ``;`` or a line break.
    """
    if not rows:
        raise ValueError("an injection file needs at least one row")
    lines = ["SEQUENTIAL"]
    for row in rows:
        for value in row:
            if any(c in value for c in ";\r\n"):
                raise ValueError(f"{value!r} cannot be a SIPp injection field")
        lines.append("".join(f"{value};" for value in row))
    path.write_text("\n".join(lines) + "\n")
    return path


def authentication_field(username: str, password: str) -> str:
    """The ``[authentication ...]`` keyword answering a challenge, as an injection field.

    SIPp 3.6.1 cannot nest keywords in this one (``password=[field1]`` produced a malformed
    request), but it does expand a keyword found in an injected field: so the whole keyword
    travels in the injection file, which also keeps the password off the command line.
    """
    for value in (username, password):
        if not value or any(c.isspace() or c in ";[]" for c in value):
            raise ValueError(f"{value!r} cannot stand in a SIPp [authentication] keyword")
    return f"[authentication username={username} password={password}]"


def _duration(text: str) -> float | None:
    """SIPp's ``HH:MM:SS:micro`` duration in seconds (None when the field is empty)."""
    parts = text.strip().split(":")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        return None
    hours, minutes, seconds, micros = (int(p) for p in parts)
    return hours * 3600 + minutes * 60 + seconds + micros / 1e6


@dataclass(frozen=True)
class SippStats:
    """The cumulative counters of the last row of SIPp's ``-trace_stat`` file."""

    successful_calls: int
    failed_calls: int
    call_length_s: float | None
    """Average call length (from the first message to the last)."""
    response_time_s: float | None
    """Average of response time 1: from the INVITE to the message marked ``rtd="true"``."""
    counters: dict[str, str] = field(repr=False)

    @classmethod
    def parse(cls, text: str) -> SippStats:
        """Parse a ``-trace_stat`` file: a header row and value rows, separated by ``;``."""
        rows = [line for line in text.splitlines() if line.strip()]
        if len(rows) < 2:
            raise SippReportError("the statistics file has no value row")
        names = rows[0].split(";")
        values = rows[-1].split(";")
        if len(values) != len(names):
            raise SippReportError(
                f"{len(names)} columns in the header, {len(values)} in the last row"
            )
        counters = dict(zip(names, values, strict=True))
        try:
            return cls(
                successful_calls=int(counters["SuccessfulCall(C)"]),
                failed_calls=int(counters["FailedCall(C)"]),
                call_length_s=_duration(counters.get("CallLength(C)", "")),
                response_time_s=_duration(counters.get("ResponseTime1(C)", "")),
                counters=counters,
            )
        except (KeyError, ValueError) as exc:
            raise SippReportError(f"unexpected statistics file: {exc!r}") from exc


@dataclass(frozen=True)
class SippRun:
    """How one SIPp run ended."""

    returncode: int
    stats: SippStats | None
    errors: str
    """SIPp's ``-trace_err`` log: unexpected messages and failed calls ('' when none)."""
    output: str
    """The end of SIPp's output (its final screen)."""

    def describe(self) -> str:
        meaning = EXIT_STATUS.get(self.returncode, "unknown")
        stats = repr(self.stats) if self.stats is not None else "no statistics file"
        return (f"SIPp {describe_exit(self.returncode)} ({meaning}); {stats}\n"
                f"errors:\n{self.errors or '(none)'}\noutput:\n{self.output}")  # fmt: skip


BUILT_IN_SCENARIOS = frozenset({"uac", "uas", "uac_pcap", "regexp", "branchc", "branchs",
                                 "3pcc-C-A", "3pcc-C-B", "3pcc-A", "3pcc-B"})  # fmt: skip
"""SIPp 3.6's own scenarios (``-sn``): a scenario given by one of these names is not a file."""
RTT_FREQ = 1  # every call: at exit SIPp does not write the rows still buffered
#: Options naming trace files or how often they are written -> whether a value follows them.
_FILE_OPTIONS = {"-trace_stat": False, "-stf": True, "-trace_err": False, "-error_file": True,
                 "-trace_msg": False, "-message_file": True, "-trace_rtt": False,
                 "-rtt_freq": True, "-inf": True}  # fmt: skip


class Sipp:
    """One SIPp process running ``scenario`` on loopback, its traces kept in ``workdir``.

    ``scenario`` is a scenario file, or the name of a built-in one (`BUILT_IN_SCENARIOS`, run
    with ``-sn``). ``remote`` is the peer to call (UAC scenarios) and ``service`` the user part
    SIPp puts in its request URI (``-s``). The SIP, media and control ports are chosen free at
    construction. SIPp gives up by itself after ``time_limit`` seconds (exit status 255).

    A conformance check keeps SIPp's default rate and traces every message; a load sets
    ``rate`` (calls per second), turns ``trace_messages`` off (tracing every message slows a
    load down), may ask for each call's response time (``trace_rtt``) and for socket buffers
    of ``buffer_size`` bytes.
    """

    def __init__(
        self,
        scenario: Path | str,
        workdir: Path,
        *,
        remote: tuple[str, int] | None = None,
        service: str | None = None,
        calls: int = 1,
        rtp_echo: bool = False,
        host: str = "127.0.0.1",
        time_limit: float = 20.0,
        recv_timeout: float | None = 10.0,
        program: str = "sipp",
        injection: Path | None = None,
        rate: float | None = None,
        buffer_size: int | None = None,
        trace_messages: bool = True,
        trace_rtt: bool = False,
    ) -> None:
        if isinstance(scenario, str):
            if scenario not in BUILT_IN_SCENARIOS:
                raise ValueError(f"SIPp has no built-in scenario {scenario!r}")
            source, self.name = ["-sn", scenario], f"sipp -sn {scenario}"
        elif scenario.is_file():
            source, self.name = ["-sf", str(scenario)], "sipp"
        else:
            raise ValueError(f"no SIPp scenario at {scenario}")
        if calls < 1:
            raise ValueError("calls must be at least 1")
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive")
        if time_limit <= 0:
            raise ValueError("time_limit must be positive")
        self.scenario = scenario
        self.workdir = workdir
        self.host = host
        self.time_limit = time_limit
        self.sip_port = free_port(host, ((UDP, 0),))
        self.media_port = free_port(host, ((UDP, 0), (UDP, 1), (UDP, 2), (UDP, 3)))
        self.control_port = free_port(host, ((UDP, 0),))
        argv = [program]
        if remote is not None:
            argv.append(f"{remote[0]}:{remote[1]}")
        argv += [
            *source,
            "-m", str(calls),
            "-i", host, "-p", str(self.sip_port),
            "-mi", host, "-mp", str(self.media_port),
            "-ci", host, "-cp", str(self.control_port),
            "-timeout", f"{max(1, round(time_limit))}s", "-timeout_error",
        ]  # fmt: skip
        if buffer_size is not None:
            argv += ["-buff_size", str(buffer_size)]
        argv += [
            "-nostdin",
            "-trace_stat", "-stf", str(self.stats_path),
            "-trace_err", "-error_file", str(self.errors_path),
        ]  # fmt: skip
        if trace_messages:
            argv += ["-trace_msg", "-message_file", str(self.messages_path)]
        if rate is not None:
            argv += ["-r", f"{rate:g}", "-rp", "1000"]
        if recv_timeout is not None:
            argv += ["-recv_timeout", str(round(recv_timeout * 1000))]
        if service is not None:
            argv += ["-s", service]
        if rtp_echo:
            argv.append("-rtp_echo")
        if injection is not None:
            argv += ["-inf", str(injection)]
        if trace_rtt:
            argv += ["-trace_rtt", "-rtt_freq", str(RTT_FREQ)]
        self.argv = tuple(argv)
        self.process = PeerProcess(
            self.name, argv, cwd=workdir, log_path=workdir / "sipp-output.txt"
        )

    @property
    def sip_address(self) -> tuple[str, int]:
        """Where SIPp receives SIP (a UAS scenario's address)."""
        return self.host, self.sip_port

    @property
    def stats_path(self) -> Path:
        return self.workdir / "sipp-stats.csv"

    @property
    def errors_path(self) -> Path:
        return self.workdir / "sipp-errors.log"

    @property
    def messages_path(self) -> Path:
        """Every SIP message SIPp sent and received (its side of the ladder)."""
        return self.workdir / "sipp-messages.log"

    @property
    def command(self) -> str:
        """The command line, as a person would type it."""
        return " ".join(self.argv)

    @property
    def load_command(self) -> str:
        """The command line without the options naming trace files: what shapes the calls."""
        kept: list[str] = []
        skip = False
        for arg in self.argv:
            if skip:
                skip = False
            elif arg in _FILE_OPTIONS:
                skip = _FILE_OPTIONS[arg]
            else:
                kept.append(arg)
        return " ".join(kept)

    async def start(self) -> None:
        await self.process.start()

    async def wait(self, timeout: float | None = None) -> SippRun:
        """Wait for SIPp to end by itself (by default a little after its own time limit)."""
        return self.result(await self.ended(timeout))

    async def ended(self, timeout: float | None = None) -> int:
        """SIPp's exit status once it ends by itself (by default a little after its time limit).

        Raises :class:`~harness.interop.process.PeerTimeout` when it is still running then.
        """
        return await self.process.wait(self.time_limit + 5.0 if timeout is None else timeout)

    def reports(self) -> tuple[SippStats | None, str]:
        """SIPp's statistics (None when it wrote none that can be read) and its error log."""
        errors = self.errors_path.read_text(errors="replace") if self.errors_path.exists() else ""
        stats = None
        if self.stats_path.exists():
            try:
                stats = SippStats.parse(self.stats_path.read_text())
            except SippReportError as exc:  # e.g. ended before its first dump: say so, go on
                errors = f"{errors}\n(statistics unreadable: {exc})"
        return stats, errors

    def result(self, code: int) -> SippRun:
        """What SIPp reported, once it has exited with status ``code``."""
        stats, errors = self.reports()
        return SippRun(code, stats, errors.strip(), self.process.log_tail())

    async def explaining(self, waiting: Awaitable[T]) -> T:
        """What ``waiting`` returns; should it fail (a journal wait that timed out, an
        assertion), SIPp is ended and the failure carries SIPp's own account of the call."""
        try:
            return await waiting
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{(await self.abort()).describe()}") from None

    async def abort(self) -> SippRun:
        """End SIPp now (something else already went wrong) and return what it reported."""
        return self.result(await self.stopped())

    async def stopped(self) -> int:
        """End SIPp now (by its PID) and return its exit status (-1 when there is none)."""
        code = await self.process.stop()
        return -1 if code is None else code

    async def stop(self) -> None:
        """End SIPp if it is still running (by its PID)."""
        await self.process.stop()

    def leaks(self) -> list[str]:
        return self.process.leaks()
