"""SIP messages (RFC 3261 section 7): parse, build and serialise.

``parse_message(data)`` turns a datagram into a frozen :class:`SipRequest` or
:class:`SipResponse`; ``bytes(message)`` writes it back with a correct Content-Length.
Parsing happens in two steps: syntax (start line, header lines, body framing) and then
validation of the headers every message needs (section 8.1.1). A message that fails the
second step raises :class:`SipParseError` carrying the partially read message, so a UAS
can still answer 400 to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from harness.sip.entropy import random_hex
from harness.sip.grammar import SipParseError, is_digits, is_token
from harness.sip.headers import Headers
from harness.sip.uri import NameAddr, SipUri, Via

__all__ = [
    "CSeq",
    "Headers",
    "NameAddr",
    "SipMessage",
    "SipParseError",
    "SipRequest",
    "SipResponse",
    "SipUri",
    "Via",
    "build_response",
    "make_branch",
    "make_call_id",
    "make_tag",
    "parse_message",
    "reason_phrase",
]

MAGIC_COOKIE = "z9hG4bK"  # RFC 3261 section 8.1.1.7
MAX_CSEQ = 2**31  # section 8.1.1.5: the sequence number MUST be less than 2**31
MAX_MESSAGE_SIZE = 65535  # the largest message we take; a longer request gets 513 (21.5.7)

_REASONS = {
    100: "Trying",
    180: "Ringing",
    181: "Call Is Being Forwarded",
    182: "Queued",
    183: "Session Progress",
    200: "OK",
    202: "Accepted",
    301: "Moved Permanently",
    302: "Moved Temporarily",
    380: "Alternative Service",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    410: "Gone",
    415: "Unsupported Media Type",
    416: "Unsupported URI Scheme",
    420: "Bad Extension",
    423: "Interval Too Brief",
    480: "Temporarily Unavailable",
    481: "Call/Transaction Does Not Exist",
    482: "Loop Detected",
    483: "Too Many Hops",
    484: "Address Incomplete",
    486: "Busy Here",
    487: "Request Terminated",
    488: "Not Acceptable Here",
    491: "Request Pending",
    500: "Server Internal Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Server Time-out",
    505: "Version Not Supported",
    513: "Message Too Large",
    600: "Busy Everywhere",
    603: "Decline",
    604: "Does Not Exist Anywhere",
    606: "Not Acceptable",
}


def reason_phrase(status: int) -> str:
    """The usual reason phrase for ``status`` (RFC 3261 section 21), or a class default."""
    default = {1: "Progress", 2: "OK", 3: "Redirect", 4: "Client Error", 5: "Server Error"}
    return _REASONS.get(status, default.get(status // 100, "Global Failure"))


def make_branch() -> str:
    """A fresh Via branch with the RFC 3261 magic cookie (section 8.1.1.7)."""
    return MAGIC_COOKIE + random_hex(10)


def make_tag() -> str:
    """A fresh From/To tag with 64 bits of randomness (section 19.3)."""
    return random_hex(8)


def make_call_id(host: str) -> str:
    """A globally unique Call-ID ``random@host`` (section 8.1.1.4)."""
    return f"{random_hex(12)}@{host}"


# List headers written comma-joined on one line; routing headers keep one value per line.
_JOINED = frozenset(
    {"Allow", "Supported", "Require", "Proxy-Require", "Unsupported", "Accept",
     "Accept-Encoding", "Accept-Language", "Allow-Events", "Content-Encoding",
     "Content-Language"}
)  # fmt: skip


class CSeq(NamedTuple):
    """A parsed CSeq value (section 20.16)."""

    seq: int
    method: str

    @classmethod
    def parse(cls, text: str) -> CSeq:
        """Parse ``"314159 INVITE"``; the number must be below 2**31."""
        parts = text.split()
        if len(parts) != 2 or not is_digits(parts[0], 4000) or not is_token(parts[1]):
            raise SipParseError(f"bad CSeq {text[:80]!r}")
        seq = int(parts[0]) if len(parts[0]) <= 10 else MAX_CSEQ
        if seq >= MAX_CSEQ:
            raise SipParseError(f"CSeq number {parts[0][:40]} is not below 2**31")
        return cls(seq, parts[1])

    def __str__(self) -> str:
        return f"{self.seq} {self.method}"


class _Common:
    """Header accessors shared by requests and responses."""

    headers: Headers
    body: bytes

    def _need(self, name: str) -> str:
        value = self.headers.get(name)
        if value is None:
            raise SipParseError(f"missing {name} header")
        return value

    @cached_property
    def call_id(self) -> str:
        """The Call-ID value."""
        return self._need("Call-ID")

    @cached_property
    def cseq(self) -> CSeq:
        """The parsed CSeq."""
        return CSeq.parse(self._need("CSeq"))

    @cached_property
    def from_(self) -> NameAddr:
        """The parsed From header."""
        return NameAddr.parse(self._need("From"))

    @cached_property
    def to(self) -> NameAddr:
        """The parsed To header."""
        return NameAddr.parse(self._need("To"))

    @cached_property
    def via(self) -> list[Via]:
        """All Via values, topmost first."""
        return [Via.parse(v) for v in self.headers.get_all("Via")]

    @property
    def branch(self) -> str | None:
        """The branch of the topmost Via, or None."""
        vias = self.via
        return vias[0].branch if vias else None

    @property
    def contact(self) -> NameAddr | None:
        """The first Contact value parsed (None when absent or ``*``)."""
        value = self.headers.get("Contact")
        if value is None or value.strip() == "*":
            return None
        return NameAddr.parse(value)

    @property
    def content_type(self) -> str | None:
        """The media type of the body, lower-cased, without parameters."""
        value = self.headers.get("Content-Type")
        return value.split(";")[0].strip().lower() if value else None

    def _serialise(self, start_line: str) -> bytes:
        lines = [start_line]
        previous = ""
        for name, value in self.headers:
            if name == previous and name in _JOINED:
                lines[-1] += f", {value}"  # short option lists read better on one line
            else:
                lines.append(f"{name}: {value}")
            previous = name
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


@dataclass(frozen=True, eq=True)
class SipRequest(_Common):
    """A SIP request (section 7.1). ``bytes(request)`` gives the wire form."""

    method: str
    uri: SipUri
    headers: Headers
    body: bytes = b""

    def __bytes__(self) -> bytes:
        return self._wire

    @cached_property
    def _wire(self) -> bytes:  # a message is measured, sent and retransmitted: build it once
        return self._serialise(f"{self.method} {self.uri} SIP/2.0")


@dataclass(frozen=True, eq=True)
class SipResponse(_Common):
    """A SIP response (section 7.2). ``bytes(response)`` gives the wire form."""

    status: int
    reason: str
    headers: Headers
    body: bytes = b""

    def __bytes__(self) -> bytes:
        return self._wire

    @cached_property
    def _wire(self) -> bytes:
        return self._serialise(f"SIP/2.0 {self.status} {self.reason}")


SipMessage = SipRequest | SipResponse

_HEAD_END = re.compile(rb"\r?\n\r?\n")
_LINE_SPLIT = re.compile(r"\r?\n")
_STATUS_RE = re.compile(r"SIP/2\.0 (\d{3})(?: (.*))?", re.I | re.S)


def parse_message(data: bytes) -> SipRequest | SipResponse:
    """Parse one SIP message from a datagram (LF-only line ends are tolerated)."""
    message = _parse_syntax(data)
    _validate(message)
    return message


def _parse_syntax(data: bytes) -> SipRequest | SipResponse:
    data = data.lstrip(b"\r\n")  # section 7.5: ignore CRLFs before the start line
    end = _HEAD_END.search(data)
    if end is None:
        raise SipParseError("no empty line after the header section")
    try:
        head = data[: end.start()].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SipParseError(f"header section is not UTF-8 ({exc.reason})") from None
    body = data[end.end() :]
    lines = _LINE_SPLIT.split(head)
    headers = _parse_header_lines(lines[1:])
    # Content-Length frames the body; it is not kept as a header since bytes() writes it
    # from the body, which makes parse(bytes(m)) == m hold for any message.
    length_values = headers.get_all("Content-Length")
    headers = headers.remove("Content-Length")
    if len(length_values) > 1:
        raise SipParseError("more than one Content-Length header")
    if length_values:
        text = length_values[0]
        if not is_digits(text, 4000):
            raise SipParseError(f"Content-Length is not a number: {text[:40]!r}")
        if len(text) > 10 or int(text) > len(body):
            raise SipParseError(f"Content-Length {text[:40]} but only {len(body)} body bytes")
        length = int(text)
        body = body[:length]
    return _parse_start_line(lines[0], headers, body)


def _parse_header_lines(lines: list[str]) -> Headers:
    unfolded: list[str] = []
    for line in lines:
        if line[:1] in (" ", "\t"):
            if not unfolded:
                raise SipParseError("continuation line before any header")
            unfolded[-1] += " " + line.strip()
        else:
            unfolded.append(line)
    items: list[tuple[str, str]] = []
    for line in unfolded:
        if "\r" in line:
            raise SipParseError(f"bare CR in header line {line[:60]!r}")  # 7.3.1: CRLF only
        name, colon, value = line.partition(":")
        name = name.rstrip(" \t")
        if not colon or not is_token(name):
            raise SipParseError(f"bad header line {line!r}")
        items.append((name, value.strip()))
    return Headers(items)  # expands compact names and splits list-valued headers


def _parse_start_line(line: str, headers: Headers, body: bytes) -> SipRequest | SipResponse:
    if line[:4].upper() == "SIP/":
        match = _STATUS_RE.fullmatch(line)
        if match is None:
            raise SipParseError(f"bad status line {line!r}")
        status = int(match.group(1))
        if not 100 <= status <= 699:
            raise SipParseError(f"status code {status} out of range")
        return SipResponse(status, match.group(2) or "", headers, body)
    parts = line.split(" ")
    if len(parts) != 3 or not all(parts):
        raise SipParseError(f"request line must be 'Method SP Request-URI SP SIP/2.0': {line!r}")
    method, uri_text, version = parts
    if not is_token(method):
        raise SipParseError(f"bad method {method!r}")
    uri = SipUri.parse(uri_text)
    request = SipRequest(method, uri, headers, body)
    if version.upper() != "SIP/2.0":
        # Section 21.5.6: a request in another version deserves 505, if it can be answered.
        raise SipParseError(f"unsupported SIP version {version[:20]!r}", request, status=505)
    if uri.headers:
        raise SipParseError(f"Request-URI must not carry headers: {uri_text!r}", request)
    return request


def _validate(message: SipRequest | SipResponse) -> None:
    """Check the headers every message must carry (RFC 3261 section 8.1.1)."""
    try:
        for name in ("Call-ID", "From", "To", "CSeq", "Via"):
            if message.headers.get(name) is None:
                raise SipParseError(f"missing {name} header")
        _ = message.from_, message.to, message.via
        cseq = message.cseq
        if isinstance(message, SipRequest) and cseq.method != message.method:
            raise SipParseError(f"CSeq method {cseq.method} does not match {message.method}")
        max_forwards = message.headers.get("Max-Forwards")
        if max_forwards is not None and not _in_range(max_forwards, 255):
            raise SipParseError(f"Max-Forwards {max_forwards[:40]!r} is not in 0-255 (20.22)")
        for value in message.headers.get_all("Contact"):
            if value != "*":
                NameAddr.parse(value)
        for name in ("Route", "Record-Route"):
            for value in message.headers.get_all(name):
                NameAddr.parse(value)
    except SipParseError as exc:
        raise SipParseError(exc.reason, message) from None


def _in_range(text: str, highest: int) -> bool:
    """True when ``text`` is a decimal number (leading zeros allowed) up to ``highest``."""
    significant = text.lstrip("0") or "0"
    return is_digits(text, 4000) and len(significant) <= 10 and int(significant) <= highest


def build_response(
    request: SipRequest,
    status: int,
    reason: str | None = None,
    *,
    to_tag: str | None = None,
    contact: str | NameAddr | SipUri | None = None,
    body: bytes = b"",
    content_type: str | None = None,
    extra: Iterable[tuple[str, str]] = (),
) -> SipResponse:
    """Build a response to ``request`` as a UAS does (RFC 3261 section 8.2.6).

    Via, From, To, Call-ID and CSeq are copied; ``to_tag`` is added to To unless the request
    already had one (an in-dialog request). Record-Route is copied into 1xx-2xx responses
    because they may create a dialog (section 12.1.1).
    """
    if not 100 <= status <= 699:
        raise ValueError(f"status {status} out of range")
    if body and content_type is None:
        raise ValueError("a body needs a content_type")
    items: list[tuple[str, str]] = [("Via", v) for v in request.headers.get_all("Via")]
    if 100 < status < 300:
        items += [("Record-Route", v) for v in request.headers.get_all("Record-Route")]
    items.append(("From", request.headers.get("From") or ""))
    to_value = request.headers.get("To") or ""
    if to_tag is not None and status != 100 and request.to.tag is None:
        to_value = str(request.to.with_tag(to_tag))
    items.append(("To", to_value))
    items.append(("Call-ID", request.call_id))
    items.append(("CSeq", request.headers.get("CSeq") or ""))
    if status == 100 and (timestamp := request.headers.get("Timestamp")) is not None:
        items.append(("Timestamp", timestamp))  # section 8.2.6.1
    # Everything so far is copied from the request's headers, which checked it on the way in.
    more: list[tuple[str, str]] = []
    if contact is not None:
        text = str(contact)
        more.append(("Contact", f"<{text}>" if isinstance(contact, SipUri) else text))
    more += extra
    if content_type is not None:
        more.append(("Content-Type", content_type))
    headers = Headers.copied(items, more)
    return SipResponse(status, reason or reason_phrase(status), headers, body)
