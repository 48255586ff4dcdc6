"""Sending malformed SIP to the SUT and recording what came back (H-SEC-3).

Every case leaves from a socket of its own, so an answer belongs to its case without any
parsing; all cases are sent at once and given one common, bounded time to be answered. A
provisional answer (1xx) is noted but only a final one counts.
"""

from __future__ import annotations

import asyncio
import random
import re
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.audit.malformed import BASIC, MalformedCase, Wire, compose
from harness.audit.rfc4475 import RFC4475_INVALID
from harness.audit.tools import Address
from harness.audit.udp import DatagramSocket

__all__ = [
    "ALL_CASES",
    "CaseOutcome",
    "case_named",
    "fuzz",
    "send_cases",
    "still_answers",
]

ALL_CASES: tuple[MalformedCase, ...] = (*BASIC, *RFC4475_INVALID)
_STATUS = re.compile(rb"SIP/2\.0 (\d{3})[ \r\n]")


def case_named(name: str) -> MalformedCase:
    """The case called ``name`` (as the feature files list them)."""
    for case in ALL_CASES:
        if case.name.lower() == name.strip().lower():
            return case
    raise KeyError(f"no malformed message {name!r}; known: {', '.join(c.name for c in ALL_CASES)}")


@dataclass(frozen=True)
class CaseOutcome:
    """What one malformed datagram got: a final status line, or nothing."""

    case: MalformedCase
    size: int
    sent: str | None  # None when it left, else why the kernel refused it
    answer: str | None  # status line of the final answer

    @property
    def status(self) -> int | None:
        if self.answer is None:
            return None
        return int(self.answer.split()[1])

    @property
    def acceptable(self) -> bool:
        return self.sent is None and self.case.acceptable(self.status)

    def __str__(self) -> str:
        got = self.answer or ("not sent: " + self.sent if self.sent else "no answer (dropped)")
        return f"{self.case.name} ({self.size} bytes): {got}"


def _wire(local: Address, target: Address) -> Wire:
    return Wire(local, target, secrets.token_hex(4), secrets.token_hex(6), secrets.token_hex(8))


async def send_cases(
    target: Address, cases: Sequence[MalformedCase], *, wait: float = 1.5
) -> list[CaseOutcome]:
    """Send every case at once, then wait up to ``wait`` seconds for their final answers."""
    if not 0 < wait <= 10:
        raise ValueError("wait must be within (0, 10] seconds")
    sockets = [await DatagramSocket.open() for _ in cases]
    try:
        sizes: list[int] = []
        refused: list[str | None] = []
        for sock, case in zip(sockets, cases, strict=True):
            data = case.build(_wire(sock.local_address, target))
            sizes.append(len(data))
            try:
                sock.send(data, target)
                refused.append(None)
            except OSError as exc:
                refused.append(exc.strerror or repr(exc))
        deadline = time.monotonic() + wait
        answers = await asyncio.gather(*(_final_status(s, deadline) for s in sockets))
    finally:
        for sock in sockets:
            sock.close()
    return [
        CaseOutcome(case, size, why, answer)
        for case, size, why, answer in zip(cases, sizes, refused, answers, strict=True)
    ]


async def _final_status(sock: DatagramSocket, deadline: float) -> str | None:
    while (left := deadline - time.monotonic()) > 0:
        got = await sock.receive(left)
        if got is None:
            return None
        match = _STATUS.match(got[0])
        if match is not None and int(match.group(1)) >= 200:
            return got[0].split(b"\r\n", 1)[0].decode("utf-8", "replace")
    return None


def mutants(seed: int, count: int, target: Address, local: Address) -> Iterable[bytes]:
    """``count`` random mutations of a valid OPTIONS (bytes flipped, cut, lines repeated)."""
    if not 0 < count <= 10_000:
        raise ValueError("count must be within 1..10000")
    rng = random.Random(seed)
    for _ in range(count):
        w = Wire(local, target, f"{rng.getrandbits(32):x}", f"{rng.getrandbits(48):x}", "fuzz")
        data = bytearray(compose(f"OPTIONS sip:{w.host} SIP/2.0", w.headers("OPTIONS")))
        for _ in range(rng.randint(1, 4)):
            kind = rng.randrange(4)
            at = rng.randrange(len(data))
            if kind == 0:
                data[at] = rng.randrange(256)
            elif kind == 1:
                del data[at:]
                data += b"\r\n\r\n"
            elif kind == 2:
                line_end = data.find(b"\r\n", at)
                line_start = data.rfind(b"\r\n", 0, at) + 2
                if line_end > line_start:
                    data[line_end:line_end] = data[line_start - 2 : line_end] * rng.randint(2, 50)
            else:
                data[at:at] = bytes(rng.choice(b':;<>"\\ \t,=@%\x00\xff') for _ in range(8))
        yield bytes(data)


async def fuzz(target: Address, *, seed: int, count: int) -> int:
    """Send ``count`` mutated OPTIONS from one socket; returns how many the kernel took."""
    sent = 0
    async with await DatagramSocket.open() as sock:
        for data in mutants(seed, count, target, sock.local_address):
            try:
                sock.send(data, target)
                sent += 1
            except OSError:  # a full socket buffer: that datagram is simply lost
                pass
    return sent


async def still_answers(target: Address, *, timeout: float = 2.0) -> str | None:
    """The status line of the answer to a plain OPTIONS, or None when the SUT is silent."""
    async with await DatagramSocket.open() as sock:
        w = _wire(sock.local_address, target)
        sock.send(compose(f"OPTIONS sip:{w.host} SIP/2.0", w.headers("OPTIONS")), target)
        return await _final_status(sock, time.monotonic() + timeout)
