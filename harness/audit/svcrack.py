"""svcrack, sipvicious's online password guesser: run it, and read what it got.

svcrack sends a REGISTER, answers each 401 challenge with the next password of its list and
reports a password when a guess gets 200 OK. Its ``-vvv`` log names every guess and the first
line of every answer, which is how the harness counts guesses and sees what they got.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.audit.tools import Address, ToolOutput, free_udp_port, run_tool, scanner_args

__all__ = ["SvcrackReport", "crack", "parse_svcrack"]

_TRYING = re.compile(r"trying (.*)$")
_ANSWER = re.compile(r"Received response: (SIP/2\.0 \d{3}.*)$")
_GUESS_SENT = "Sending REGISTER with auth=True"
_CRACKED = re.compile(r"The password for (.*) is (.*)$")
_BOUND = re.compile(r"binding to [^:]*:(\d+)$")
_MOVED = re.compile(r"Listening on port (\d+) instead")
_TABLE_ROW = re.compile(r"^\|\s*(\S.*?)\s*\|\s*(\S.*?)\s*\|$")
_STOPS = (
    "no server response",
    "since we last received a response - stopping",
    "We got an unknown response",
    "User not found",
    "Does not seem to require authentication",
    "socket error",
)


@dataclass(frozen=True)
class SvcrackReport:
    """One svcrack run: the guesses it made, what each got, and any password it found."""

    cracked: tuple[tuple[str, str], ...]  # (username, password)
    guesses: tuple[str, ...]
    answers: tuple[str, ...]  # first line of the answer to each guess, in order
    exhausted: bool  # it went through its whole list
    stop: str | None  # why it stopped early, in its own words
    local_port: int | None

    @property
    def passwords(self) -> dict[str, str]:
        return dict(self.cracked)


def parse_svcrack(stdout: str, stderr: str) -> SvcrackReport:
    """Read svcrack's ``-vvv`` log and its result table."""
    cracked: dict[str, str] = {}
    guesses: list[str] = []
    answers: list[str] = []
    exhausted = False
    stop: str | None = None
    port: int | None = None
    awaiting_answer = False
    for raw in stderr.splitlines():
        line = _message(raw)
        if (m := _TRYING.search(line)) is not None:
            guesses.append(m.group(1))
        elif line.endswith(_GUESS_SENT):
            awaiting_answer = True
        elif (m := _ANSWER.search(line)) is not None:
            if awaiting_answer:
                answers.append(m.group(1).strip())
                awaiting_answer = False
        elif (m := _CRACKED.search(line)) is not None:
            cracked[m.group(1)] = m.group(2)
        elif (m := _BOUND.search(line)) is not None or (m := _MOVED.search(line)) is not None:
            port = int(m.group(1))
        elif line.endswith("no more passwords"):
            exhausted = True
        elif stop is None and any(s in line for s in _STOPS):
            stop = line
    for row in stdout.splitlines():
        m = _TABLE_ROW.match(row.strip())
        if m is not None and m.group(1) != "Extension":
            cracked.setdefault(m.group(1), m.group(2))
    return SvcrackReport(
        tuple(cracked.items()), tuple(guesses), tuple(answers), exhausted, stop, port
    )


def _message(line: str) -> str:
    parts = line.split(":", 2)
    if len(parts) == 3 and parts[0] in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        return parts[2]
    return line


def crack(
    target: Address,
    username: str,
    passwords: Sequence[str],
    *,
    local_port: int | None = None,
    run_timeout: float = 120.0,
    max_silence: int = 3,
) -> tuple[SvcrackReport, ToolOutput]:
    """Run svcrack against ``username`` with ``passwords``, from ``local_port`` (default: any)."""
    if not passwords or any("\n" in p or not p for p in passwords):
        raise ValueError("passwords must be non-empty and without line breaks")
    port = local_port if local_port is not None else free_udp_port()
    with tempfile.TemporaryDirectory(prefix="callproof-svcrack-") as work:
        dictionary = Path(work) / "passwords.txt"
        dictionary.write_text("".join(f"{p}\n" for p in passwords))
        args = [
            *scanner_args(target, port, max_silence=max_silence),
            "-u",
            username,
            "-d",
            str(dictionary),
            target[0],
        ]
        output = run_tool("svcrack", args, timeout=run_timeout)
    return parse_svcrack(output.stdout, output.stderr), output
