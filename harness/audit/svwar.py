"""svwar, sipvicious's extension scanner: run it, and read what it concluded.

svwar first asks for a random 32-bit number to learn the answer for "no such user", then asks
for each candidate and reports every candidate answered differently as an extension. It stops
on an answer it cannot classify; with a registrar that challenges every REGISTER, that happens
at the first candidate (its answer is the unknown-user answer again), so :func:`sweep` starts
it again on the candidates it has not tried yet, until each one was asked once.
"""

from __future__ import annotations

import ast
import re
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness.audit.tools import Address, ToolOutput, free_udp_port, run_tool, scanner_args

__all__ = ["FoundExtension", "SvwarReport", "SvwarSweep", "parse_svwar", "sweep"]

METHODS = ("REGISTER", "OPTIONS", "INVITE")

_FOUND = (
    (re.compile(r"extension '(.*)' exists - requires authentication$"), "reqauth"),
    (re.compile(r"extension '(.*)' exists - authentication not required$"), "noauth"),
    (re.compile(r"extension '(.*)' probably exists but the response is unexpected$"), "weird"),
)
_SENT = re.compile(r"sending request for (.*)$")
_NOT_FOUND = re.compile(r"User '(.*)' not found$")
_BAD_USER = re.compile(r"Bad user = (\(.*\))$")
_BOUND = re.compile(r"binding to [^:]*:(\d+)$")
_MOVED = re.compile(r"Listening on port (\d+) instead")
_TABLE_ROW = re.compile(r"^\|\s*(\S.*?)\s*\|\s*(\S+)\s*\|$")
_STOPS = (
    "We got an unknown response",
    "method not allowed",
    "Protocol / interopability error!",
    "since we last received a response - stopping",
    "replied with an authentication request for an unknown extension",
    "No server response",
    "The response we got was not good",
    "bad response .. bailing out",
    "socket error",
)


@dataclass(frozen=True)
class FoundExtension:
    """An extension svwar believes exists, and its classification (reqauth, noauth, weird)."""

    name: str
    classification: str


@dataclass(frozen=True)
class SvwarReport:
    """One svwar run, read from its log (stderr) and its result table (stdout)."""

    found: tuple[FoundExtension, ...]
    tried: tuple[str, ...]
    not_found: tuple[str, ...]
    unknown_user_answer: str | None  # svwar's fingerprint of "no such user"
    stop: str | None  # why it stopped before the end of its list, in its own words
    local_port: int | None

    @property
    def found_names(self) -> list[str]:
        return [f.name for f in self.found]


def parse_svwar(stdout: str, stderr: str) -> SvwarReport:
    """Read svwar's ``-vvv`` log and its table; tolerant of lines it does not know."""
    found: dict[str, str] = {}
    tried: list[str] = []
    not_found: list[str] = []
    unknown: str | None = None
    stop: str | None = None
    port: int | None = None
    for raw in stderr.splitlines():
        line = _message(raw)
        if (m := _SENT.search(line)) is not None:
            tried.append(m.group(1))
        elif (m := _NOT_FOUND.search(line)) is not None:
            not_found.append(m.group(1))
        elif (m := _BAD_USER.search(line)) is not None:
            unknown = _fingerprint(m.group(1))
        elif (m := _BOUND.search(line)) is not None or (m := _MOVED.search(line)) is not None:
            port = int(m.group(1))
        else:
            for pattern, kind in _FOUND:
                if (m := pattern.search(line)) is not None:
                    found.setdefault(m.group(1), kind)
                    break
            else:
                if stop is None and any(s in line for s in _STOPS):
                    stop = line
    for row in stdout.splitlines():
        m = _TABLE_ROW.match(row.strip())
        if m is not None and m.group(1) != "Extension":
            found.setdefault(m.group(1), m.group(2))
    return SvwarReport(
        tuple(FoundExtension(n, c) for n, c in found.items()),
        tuple(tried),
        tuple(not_found),
        unknown,
        stop,
        port,
    )


def _message(line: str) -> str:
    """``LEVEL:logger:message`` -> ``message`` (other lines unchanged)."""
    parts = line.split(":", 2)
    if len(parts) == 3 and parts[0] in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        return parts[2]
    return line


def _fingerprint(text: str) -> str | None:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    if isinstance(value, tuple) and value:
        return " ".join(str(v) for v in value if v).strip()
    return None


@dataclass(frozen=True)
class SvwarSweep:
    """Every run needed to ask svwar about each candidate once."""

    method: str
    candidates: tuple[str, ...]
    runs: tuple[tuple[SvwarReport, ToolOutput], ...]

    @property
    def found(self) -> list[FoundExtension]:
        seen: dict[str, FoundExtension] = {}
        for report, _ in self.runs:
            for f in report.found:
                seen.setdefault(f.name, f)
        return list(seen.values())

    @property
    def untried(self) -> list[str]:
        tried = {name for report, _ in self.runs for name in report.tried}
        return [c for c in self.candidates if c not in tried]

    def transcript(self) -> str:
        return "\n".join(output.transcript() for _, output in self.runs)


def sweep(
    target: Address,
    method: str,
    candidates: Sequence[str],
    *,
    parallel: int = 4,
    run_timeout: float = 60.0,
    max_silence: int = 3,
) -> SvwarSweep:
    """Ask svwar about every candidate, restarting it where it stopped (at most once each).

    The candidates are shared out between ``parallel`` scanners running side by side, each from
    its own source port, as a patient attacker would do.
    """
    if method not in METHODS:
        raise ValueError(f"svwar scans with {METHODS}, not {method!r}")
    if not candidates or any(not c.strip() or "\n" in c for c in candidates):
        raise ValueError("candidates must be non-empty names without line breaks")
    if not 1 <= parallel <= 16:
        raise ValueError("parallel must be within 1..16")
    shares = [list(candidates[i::parallel]) for i in range(parallel) if candidates[i::parallel]]
    with ThreadPoolExecutor(max_workers=len(shares)) as pool:
        done = pool.map(
            lambda share: _sweep_share(target, method, share, run_timeout, max_silence), shares
        )
        runs = [run for share_runs in done for run in share_runs]
    return SvwarSweep(method, tuple(candidates), tuple(runs))


def _sweep_share(
    target: Address, method: str, candidates: list[str], run_timeout: float, max_silence: int
) -> list[tuple[SvwarReport, ToolOutput]]:
    remaining = candidates
    runs: list[tuple[SvwarReport, ToolOutput]] = []
    with tempfile.TemporaryDirectory(prefix="callproof-svwar-") as work:
        for attempt in range(len(candidates)):  # each run tries at least one new candidate
            dictionary = Path(work) / f"names-{attempt}.txt"
            dictionary.write_text("".join(f"{c}\n" for c in remaining))
            args = [
                *scanner_args(target, free_udp_port(), max_silence=max_silence),
                "-m",
                method,
                "-d",
                str(dictionary),
                "--force",  # ask even when "no such user" is itself a challenge
                target[0],
            ]
            output = run_tool("svwar", args, timeout=run_timeout)
            report = parse_svwar(output.stdout, output.stderr)
            runs.append((report, output))
            left = [c for c in remaining if c not in set(report.tried)]
            if report.stop is None or len(left) == len(remaining) or not left:
                break
            remaining = left
    return runs
