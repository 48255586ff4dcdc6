"""Malformed SIP messages (H-SEC-3), written for this harness.

Each :class:`MalformedCase` builds one datagram for a given source and target, so that a SUT
able to read the Via can answer us (and nobody else). The expected outcome is always "400 Bad
Request, or dropped"; a few cases list other answers the RFCs also allow (505 for an unknown
SIP version, for instance). The invalid messages of RFC 4475 are in
:mod:`harness.audit.rfc4475`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from harness.audit.tools import Address

__all__ = ["BASIC", "MAX_UDP_PAYLOAD", "MalformedCase", "Wire", "compose", "replace_header"]

MAX_UDP_PAYLOAD = 65_507  # the most one IPv4 UDP datagram carries (65,535 - 8 - 20)


@dataclass(frozen=True)
class Wire:
    """Where a case comes from and goes to, and the unique values it uses."""

    local: Address
    target: Address
    tag: str
    branch: str
    call_id: str

    @property
    def via(self) -> str:
        return f"SIP/2.0/UDP {self.local[0]}:{self.local[1]};branch=z9hG4bK{self.branch};rport"

    @property
    def host(self) -> str:
        return f"{self.target[0]}:{self.target[1]}"

    def headers(self, method: str, *, cseq: str = "1", user: str = "audit") -> list[str]:
        """A complete, valid header set for ``method`` (cases break it as they need)."""
        return [
            f"Via: {self.via}",
            "Max-Forwards: 70",
            f"From: <sip:audit@{self.local[0]}>;tag={self.tag}",
            f"To: <sip:{user}@{self.host}>",
            f"Call-ID: {self.call_id}@{self.local[0]}",
            f"CSeq: {cseq} {method}",
            f"Contact: <sip:audit@{self.local[0]}:{self.local[1]}>",
        ]


def compose(start: str, headers: list[str], body: str = "", *, length: int | None = None) -> bytes:
    """Start line, headers, Content-Length (the body's, unless ``length`` is given), body."""
    size = len(body.encode()) if length is None else length
    return ("\r\n".join([start, *headers, f"Content-Length: {size}"]) + "\r\n\r\n" + body).encode()


@dataclass(frozen=True)
class MalformedCase:
    """One malformed datagram and what may come back besides a 400 or silence."""

    name: str
    build: Callable[[Wire], bytes]
    why: str
    also_allowed: frozenset[int] = frozenset()
    answerable: bool = True  # False for a response: a response is never answered

    def acceptable(self, status: int | None) -> bool:
        """Whether ``status`` (None: no answer) is an outcome this case allows."""
        if status is None:
            return True
        return self.answerable and (status == 400 or status in self.also_allowed)


def replace_header(headers: list[str], prefix: str, line: str | None) -> list[str]:
    """``headers`` with the line starting with ``prefix`` replaced (or removed when None)."""
    out = []
    for h in headers:
        if h.startswith(prefix):
            if line is not None:
                out.append(line)
        else:
            out.append(h)
    return out


def _truncated_start_line(w: Wire) -> bytes:
    return compose("INVITE sip:audit@", w.headers("INVITE"))


def _bad_cseq(w: Wire) -> bytes:
    return compose(f"OPTIONS sip:{w.host} SIP/2.0", w.headers("OPTIONS", cseq="one"))


def _missing_via(w: Wire) -> bytes:
    return compose(
        f"OPTIONS sip:{w.host} SIP/2.0", replace_header(w.headers("OPTIONS"), "Via:", None)
    )


def _binary_garbage(w: Wire) -> bytes:
    noise = random.Random(w.branch).randbytes(1024)  # seeded: the same bytes on a re-run
    return noise.replace(b"\r\n\r\n", b"\x00\x00\x00\x00")


def _huge_header(w: Wire) -> bytes:
    # 32 kB of From display name whose quote is never closed.
    broken = f'From: "{"A" * 32_000} <sip:audit@{w.local[0]}>;tag={w.tag}'
    headers = replace_header(w.headers("OPTIONS"), "From:", broken)
    return compose(f"OPTIONS sip:{w.host} SIP/2.0", headers)


def _seventy_kilobytes(w: Wire) -> bytes:
    # A 70 kB message cannot travel in one UDP datagram (RFC 3261 18.1.1 sends such messages
    # over TCP). What can be sent is its first 65,507 bytes, still claiming all 70,000.
    start = f"MESSAGE sip:audit@{w.host} SIP/2.0"
    headers = [*w.headers("MESSAGE"), "Content-Type: text/plain"]
    head = compose(start, headers, length=70_000)
    return head + b"x" * (MAX_UDP_PAYLOAD - len(head))


BASIC: tuple[MalformedCase, ...] = (
    MalformedCase("truncated start line", _truncated_start_line, "no SIP version, cut URI"),
    MalformedCase("bad CSeq", _bad_cseq, "CSeq sequence number is not a number"),
    MalformedCase("missing Via", _missing_via, "nowhere to send an answer (RFC 3261 8.1.1)"),
    MalformedCase("binary garbage", _binary_garbage, "1 kB of random bytes"),
    MalformedCase(
        "huge header",
        _huge_header,
        "a 32 kB From header, quote never closed",
        frozenset({513}),  # RFC 3261 21.5.11: a server may refuse the size itself
    ),
    MalformedCase(
        "70 kB datagram",
        _seventy_kilobytes,
        "the largest UDP datagram, its Content-Length saying 70,000",
        frozenset({413, 513}),  # RFC 3261 21.4.11 / 21.5.11: too large
    ),
)
