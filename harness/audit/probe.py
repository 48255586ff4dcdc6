"""Enumeration probes: does the SUT answer an existing user differently from an unknown one?

svwar only compares first lines. This probe asks the same question more strictly (H-SEC-1): it
sends the same request for two users, several times, interleaved, and compares

* the status line,
* every header, in order, once the values that legitimately differ between two requests are
  masked (tags, branches, received/rport, Call-ID, nonces, and the user name itself),
* the timing class of the answer (see :func:`timing_class`).

``REGISTER!`` means a REGISTER that answers the challenge with a wrong password.
"""

from __future__ import annotations

import re
import secrets
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from harness.audit.tools import Address
from harness.audit.udp import DatagramSocket
from harness.sip.auth import build_authorization

__all__ = [
    "PROBE_METHODS",
    "Answer",
    "ProbeFailed",
    "UserProfile",
    "compare_profiles",
    "mask",
    "probe_users",
    "timing_class",
]

PROBE_METHODS = ("REGISTER", "REGISTER!", "OPTIONS", "INVITE")
ANSWER_TIMEOUT = 2.0


class ProbeFailed(AssertionError):
    """The SUT did not give a final answer to a probe in time."""


@dataclass(frozen=True)
class Answer:
    """A final answer, raw and masked, with its delay from the request that got it."""

    raw: str
    masked: tuple[str, ...]  # status line then header lines, masked
    seconds: float

    @property
    def status_line(self) -> str:
        return self.masked[0] if self.masked else ""


@dataclass(frozen=True)
class UserProfile:
    """Every answer one user got to one kind of probe."""

    user: str
    method: str
    answers: tuple[Answer, ...]

    @property
    def median_seconds(self) -> float:
        return statistics.median(a.seconds for a in self.answers)


_MASKS = (
    (re.compile(r"(;\s*tag\s*=\s*)[^;>,\s]+", re.I), r"\1*"),
    (re.compile(r"(;\s*branch\s*=\s*)[^;,\s]+", re.I), r"\1*"),
    (re.compile(r"(;\s*received\s*=\s*)[^;,\s]+", re.I), r"\1*"),
    (re.compile(r"(;\s*rport\s*=\s*)\d+", re.I), r"\1*"),
    (re.compile(r'(\bnonce\s*=\s*)"[^"]*"', re.I), r'\1"*"'),
    (re.compile(r'(\bopaque\s*=\s*)"[^"]*"', re.I), r'\1"*"'),
    (re.compile(r"^((?:Call-ID|i)\s*:).*$", re.I), r"\1 *"),
)


def mask(raw: str, user: str, local_port: int) -> tuple[str, ...]:
    """The status line and header lines of ``raw`` with per-request values masked."""
    head = raw.split("\r\n\r\n", 1)[0].replace("\r\n", "\n")
    lines = []
    for line in head.split("\n"):
        if user:  # only where a name appears: in a URI or quoted, never inside a word
            line = re.sub(rf"(?:(?<=sip:)|(?<=sips:)){re.escape(user)}(?=@)", "<user>", line)
            line = line.replace(f'"{user}"', '"<user>"')
        line = line.replace(f":{local_port}", ":<port>")
        for pattern, repl in _MASKS:
            line = pattern.sub(repl, line)
        lines.append(line)
    return tuple(lines)


def timing_class(seconds: float) -> int:
    """The decade a delay falls in: 0 under 10 ms, 1 under 100 ms, 2 under 1 s, 3 beyond."""
    for n, bound in enumerate((0.01, 0.1, 1.0)):
        if seconds < bound:
            return n
    return 3


def compare_profiles(a: UserProfile, b: UserProfile) -> list[str]:
    """How the answers to ``a`` and ``b`` differ (empty: indistinguishable)."""
    problems = []
    shapes_a = {ans.masked for ans in a.answers}
    shapes_b = {ans.masked for ans in b.answers}
    if len(shapes_a) == 1 and len(shapes_b) == 1 and shapes_a != shapes_b:
        (one,), (other,) = shapes_a, shapes_b
        diff = [f"{x!r} vs {y!r}" for x, y in zip(one, other, strict=False) if x != y]
        if len(one) != len(other):
            diff.append(f"{len(one)} vs {len(other)} lines")
        problems.append(f"{a.method}: answers differ: " + "; ".join(diff))
    elif shapes_a != shapes_b:
        problems.append(f"{a.method}: answers vary: {sorted(shapes_a)} vs {sorted(shapes_b)}")
    ta, tb = a.median_seconds, b.median_seconds
    same_decade = timing_class(ta) == timing_class(tb)
    # Two medians either side of a decade boundary are still one class when close together.
    close = max(ta, tb) <= 2 * max(min(ta, tb), 1e-4)
    if not (same_decade or close):
        problems.append(
            f"{a.method}: timing differs: {a.user} median {ta * 1000:.1f} ms, "
            f"{b.user} median {tb * 1000:.1f} ms"
        )
    return problems


async def probe_users(
    target: Address,
    method: str,
    users: Sequence[str],
    *,
    samples: int = 5,
    wrong_password: str = "not-the-password",
) -> list[UserProfile]:
    """Ask about each user ``samples`` times, round-robin, with one socket per user."""
    if method not in PROBE_METHODS:
        raise ValueError(f"method must be one of {PROBE_METHODS}")
    if not 1 <= samples <= 20:
        raise ValueError("samples must be between 1 and 20")
    answers: dict[str, list[Answer]] = {u: [] for u in users}
    for _ in range(samples):
        for user in users:
            async with await DatagramSocket.open() as sock:
                answers[user].append(await _ask(sock, target, method, user, wrong_password))
    return [UserProfile(u, method, tuple(answers[u])) for u in users]


async def _ask(
    sock: DatagramSocket, target: Address, method: str, user: str, password: str
) -> Answer:
    verb = method.rstrip("!")
    request = _request(verb, user, target, sock.local_address, cseq=1)
    if method == "REGISTER!":
        first, _ = await _final(sock, target, request, request_branch(request))
        challenge = _header(first, "WWW-Authenticate")
        if challenge is None:
            raise ProbeFailed(f"REGISTER for {user} got no challenge: {first.splitlines()[0]!r}")
        uri = f"sip:{target[0]}:{target[1]}"
        authorization = build_authorization(challenge, "REGISTER", uri, user, password)
        request = _request(
            verb,
            user,
            target,
            sock.local_address,
            cseq=2,
            extra=[f"Authorization: {authorization}"],
        )
    raw, seconds = await _final(sock, target, request, request_branch(request))
    if verb == "INVITE":
        _acknowledge(sock, target, request, raw)
    return Answer(raw, mask(raw, user, sock.local_address[1]), seconds)


async def _final(
    sock: DatagramSocket, target: Address, request: str, branch: str
) -> tuple[str, float]:
    sent = time.monotonic()
    sock.send(request.encode(), target)
    deadline = sent + ANSWER_TIMEOUT
    while (left := deadline - time.monotonic()) > 0:
        got = await sock.receive(left)
        if got is None:
            break
        text = got[0].decode("utf-8", "replace")
        status = re.match(r"SIP/2\.0 (\d{3}) ", text)
        if status and int(status.group(1)) >= 200 and branch in text:
            return text, got[1] - sent
    raise ProbeFailed(f"no final answer to {request.split(' ', 1)[0]} within {ANSWER_TIMEOUT} s")


def request_branch(request: str) -> str:
    found = re.search(r"branch=([^;\s]+)", request)
    assert found is not None
    return found.group(1)


def _request(
    method: str,
    user: str,
    target: Address,
    local: Address,
    *,
    cseq: int,
    extra: Sequence[str] = (),
) -> str:
    host, port = target
    uri = f"sip:{host}:{port}" if method == "REGISTER" else f"sip:{user}@{host}:{port}"
    tag, branch, call_id = secrets.token_hex(4), secrets.token_hex(6), secrets.token_hex(8)
    body = ""
    lines = [
        f"{method} {uri} SIP/2.0",
        f"Via: SIP/2.0/UDP {local[0]}:{local[1]};branch=z9hG4bK{branch};rport",
        "Max-Forwards: 70",
        f"From: <sip:{user}@{host}>;tag={tag}",
        f"To: <sip:{user}@{host}>",
        f"Call-ID: {call_id}@{local[0]}",
        f"CSeq: {cseq} {method}",
        f"Contact: <sip:{user}@{local[0]}:{local[1]}>",
        *extra,
    ]
    if method == "INVITE":
        body = (
            f"v=0\r\no=- 1 1 IN IP4 {local[0]}\r\ns=-\r\nc=IN IP4 {local[0]}\r\nt=0 0\r\n"
            f"m=audio {local[1] + 2} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
        )
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body.encode())}")
    return "\r\n".join(lines) + "\r\n\r\n" + body


def _header(raw: str, name: str) -> str | None:
    head = raw.split("\r\n\r\n", 1)[0]
    for line in head.split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


def _acknowledge(sock: DatagramSocket, target: Address, invite: str, answer: str) -> None:
    """ACK the final answer to our INVITE (RFC 3261 17.1.1.3); hang up if it was taken."""
    status = int(answer[8:11])
    uri = invite.split(" ", 2)[1]
    seq = int((_header(invite, "CSeq") or "1").split()[0])
    via = _header(invite, "Via") or ""
    common = [
        "Max-Forwards: 70",
        f"From: {_header(invite, 'From')}",
        f"To: {_header(answer, 'To')}",
        f"Call-ID: {_header(invite, 'Call-ID')}",
    ]
    # The ACK of a non-2xx reuses the INVITE's branch; the ACK of a 2xx is a transaction of
    # its own (17.1.1.3, 13.2.2.4), and so is the BYE that ends a call nobody wanted.
    ack_via = via if status >= 300 else _new_branch(via)
    requests = [("ACK", ack_via, seq)]
    if status < 300:
        requests.append(("BYE", _new_branch(via), seq + 1))
    for verb, top, number in requests:
        lines = [f"{verb} {uri} SIP/2.0", f"Via: {top}", *common, f"CSeq: {number} {verb}"]
        sock.send(("\r\n".join([*lines, "Content-Length: 0"]) + "\r\n\r\n").encode(), target)


def _new_branch(via: str) -> str:
    return re.sub(r"branch=[^;]+", f"branch=z9hG4bK{secrets.token_hex(6)}", via)
