"""The response a malformed request still deserves (RFC 3261 sections 8.2, 21.4.1, 21.5.6-7).

A request that fails to parse is answered when it can be: 400 Bad Request, 505 Version Not
Supported or 513 Message Too Large, as :class:`~harness.sip.grammar.SipParseError` says.
"Can be" means the start line reads as a request line (never answer a response, never an
ACK: 17.1.1.3) and the topmost Via parses, since the Via is where a response goes (8.2.6.2,
18.2.2). From, To, Call-ID and CSeq are copied as they came, so the peer can match the
answer to its transaction even when one of them is what was wrong.

This is lenient on purpose: it reads what the strict parser refused, line by line, and
skips lines it cannot use. It never raises.
"""

from __future__ import annotations

from harness.sip.grammar import SipParseError, is_token, split_outside
from harness.sip.headers import Headers, canonical_name
from harness.sip.message import SipRequest, SipResponse, make_tag, reason_phrase
from harness.sip.uri import NameAddr, Via

__all__ = ["error_response"]

_COPIED = ("From", "To", "Call-ID", "CSeq")
_MAX_HEAD = 65535  # never look further than this for the end of the header section
_MAX_REASON = 100


def error_response(data: bytes, error: SipParseError) -> SipResponse | None:
    """The 400/505/513 response to the request in ``data``, or None when it cannot be answered.

    ``error`` is what the parser (or the size check) raised; when it carries the partially
    checked request, its headers are used as they are.
    """
    if isinstance(error.message, SipRequest):
        method = error.message.method
        fields = _fields_from_headers(error.message.headers)
    else:
        read = _read_leniently(data)
        if read is None:
            return None
        method, fields = read
    if method == "ACK":
        return None
    vias = fields.get("Via", [])
    if not vias:
        return None
    try:
        Via.parse(vias[0])
    except SipParseError:
        return None
    items = [("Via", v) for v in vias]
    for name in _COPIED:
        values = fields.get(name)
        if values:
            items.append((name, _tagged(values[0]) if name == "To" else values[0]))
    status = error.status
    reason = reason_phrase(status)
    if status == 400:
        reason = f"{reason} ({_printable(error.reason)})"[:_MAX_REASON]
    for chosen in (items, items[:1]):
        try:
            return SipResponse(status, reason, Headers(chosen))
        except ValueError:  # SipParseError included: a copied value Headers refuses
            continue
    return None


def _fields_from_headers(headers: Headers) -> dict[str, list[str]]:
    return {name: headers.get_all(name) for name in ("Via", *_COPIED) if name in headers}


def _read_leniently(data: bytes) -> tuple[str, dict[str, list[str]]] | None:
    """Method and the headers a response copies, from bytes the parser refused."""
    data = data.lstrip(b"\r\n")
    end = data.find(b"\r\n\r\n", 0, _MAX_HEAD)
    head = data[: end if end >= 0 else _MAX_HEAD].decode("utf-8", "replace")
    lines = head.replace("\r\n", "\n").split("\n")
    start = lines[0].split()
    if len(start) < 3 or not start[-1].upper().startswith("SIP/") or not is_token(start[0]):
        return None  # a response, or nothing recognisable: drop it silently
    fields: dict[str, list[str]] = {}
    for line in _unfold(lines[1:]):
        name, colon, value = line.partition(":")
        name = name.strip()
        if not colon or not is_token(name):
            continue
        name = canonical_name(name)
        if name == "Via":
            fields.setdefault(name, []).extend(_split_vias(value))
        elif name in _COPIED:
            fields.setdefault(name, []).append(value.strip())
    return start[0], fields


def _unfold(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line[:1] in (" ", "\t") and out:
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return out


def _split_vias(value: str) -> list[str]:
    try:
        parts = split_outside(value, ",")
    except SipParseError:
        parts = value.split(",")
    return [p.strip() for p in parts if p.strip()]


def _tagged(to_value: str) -> str:
    """Add a To tag when the value parses and has none (8.2.6.2); else copy it unchanged."""
    try:
        to = NameAddr.parse(to_value)
    except SipParseError:
        return to_value
    return to_value if to.tag is not None else str(to.with_tag(make_tag()))


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)
