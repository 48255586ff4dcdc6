"""Lexical helpers shared by the SIP parsers (RFC 3261 section 25.1).

Everything here works on already-unfolded header text: folding (a CRLF followed by
whitespace) has been replaced by a single space before these functions see a value.
"""

from __future__ import annotations

import re

__all__ = [
    "Params",
    "SipParseError",
    "drop_param",
    "format_params",
    "get_param",
    "is_digits",
    "is_token",
    "parse_params",
    "quote",
    "set_param",
    "split_outside",
    "unquote",
]

# RFC 3261 section 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`"
#                                   / "'" / "~")
_TOKEN_RE = re.compile(r"[A-Za-z0-9\-.!%*_+`'~]+")

Params = tuple[tuple[str, str | None], ...]
"""Ordered header or URI parameters: ``(name, value)``; value is None for a flag (``;lr``)."""


class SipParseError(ValueError):
    """A peer sent bytes that are not a valid SIP message (or SDP body, or header value).

    ``reason`` says what was wrong in words fit for a test report. When the start line and
    the header section could be read but a header failed validation, ``message`` carries the
    partially checked message so a UAS can still answer 400 (RFC 3261 section 21.4.1).
    ``status`` is the response such a request deserves: 400, 505 for an unknown SIP
    version (21.5.6), 513 for a message too large to take (21.5.7).
    """

    def __init__(self, reason: str, message: object | None = None, *, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.status = status


_DIGITS_RE = re.compile(r"[0-9]+")
_PARAM_VALUE_BAD_RE = re.compile(r"[\s\",;<>]")


def is_digits(text: str, max_len: int = 10) -> bool:
    """True for 1 to ``max_len`` ASCII digits.

    ``str.isdigit`` also accepts characters such as "²" that ``int`` refuses, and ``int``
    refuses strings of more than 4,300 digits: a peer's number must pass this first.
    """
    return len(text) <= max_len and _DIGITS_RE.fullmatch(text) is not None


def is_token(text: str) -> bool:
    """True when ``text`` is a non-empty RFC 3261 token."""
    return _TOKEN_RE.fullmatch(text) is not None


def split_outside(text: str, separator: str) -> list[str]:
    """Split on ``separator`` where it is outside quoted strings and ``<...>``.

    Used for comma-separated header values (RFC 3261 section 7.3.1) and for parameter
    lists, where a quoted display name or a URI may legitimately contain the separator.
    Raises SipParseError on an unterminated quoted string or angle bracket.
    """
    if '"' not in text:
        return _split_outside_angles(text, separator)
    parts: list[str] = []
    current: list[str] = []
    in_quotes = False
    in_angle = False
    escaped = False
    for char in text:
        if in_quotes:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_quotes = False
            continue
        if char == '"' and not in_angle:
            in_quotes = True
        elif char == "<":
            in_angle = True
        elif char == ">":
            in_angle = False
        elif char == separator and not in_angle:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if in_quotes:
        raise SipParseError(f"unterminated quoted string in {text!r}")
    if in_angle:
        raise SipParseError(f"unterminated '<' in {text!r}")
    parts.append("".join(current))
    return parts


def _split_outside_angles(text: str, separator: str) -> list[str]:
    """:func:`split_outside` for text without quotes: most header values, done in C loops."""
    if "<" not in text:
        return text.split(separator)
    parts: list[str] = []
    in_angle = False
    for piece in text.split(separator):
        if in_angle:
            parts[-1] += separator + piece
        else:
            parts.append(piece)
        opened, closed = piece.rfind("<"), piece.rfind(">")
        if opened != closed:  # both -1 when the piece has neither: the state carries over
            in_angle = opened > closed
    if in_angle:
        raise SipParseError(f"unterminated '<' in {text!r}")
    return parts


def unquote(text: str) -> str:
    """Decode an RFC 3261 quoted-string (with its quotes) into its content.

    A backslash escapes the next character (quoted-pair, section 25.1).
    """
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise SipParseError(f"not a quoted string: {text!r}")
    out: list[str] = []
    escaped = False
    for char in text[1:-1]:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            raise SipParseError(f"unescaped quote inside {text!r}")
        else:
            out.append(char)
    if escaped:
        raise SipParseError(f"dangling escape in {text!r}")
    return "".join(out)


def quote(text: str) -> str:
    """Encode ``text`` as a quoted-string, escaping backslashes and quotes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_params(text: str, *, what: str = "parameter") -> Params:
    """Parse ``;name[=value]`` pairs, tolerating LWS around ``;`` and ``=``.

    ``text`` starts at the first ``;`` (or is empty). Values keep their quotes, so a
    parameter such as ``+sip.instance="<urn:uuid:...>"`` survives a round trip unchanged.
    """
    text = text.strip()
    if not text:
        return ()
    if not text.startswith(";"):
        raise SipParseError(f"{what} list must start with ';': {text!r}")
    pairs: list[tuple[str, str | None]] = []
    for chunk in split_outside(text[1:], ";"):
        name, eq, value = chunk.partition("=")
        name = name.strip()
        if not is_token(name):
            raise SipParseError(f"bad {what} name {name!r} in {text!r}")
        if not eq:
            pairs.append((name, None))
            continue
        value = value.strip()
        if value.startswith('"'):
            unquote(value)  # validates
        elif not value or not _valid_param_value(value):
            raise SipParseError(f"bad value for {what} {name!r} in {text!r}")
        pairs.append((name, value))
    return tuple(pairs)


def _valid_param_value(value: str) -> bool:
    # Token, host (incl. IPv6 reference) or URI-parameter characters; never whitespace.
    return _PARAM_VALUE_BAD_RE.search(value) is None


def format_params(params: Params) -> str:
    """Serialise parameters as ``;name=value;flag``."""
    return "".join(f";{n}" if v is None else f";{n}={v}" for n, v in params)


def get_param(params: Params, name: str) -> str | None:
    """Value of parameter ``name`` (case-insensitive); ``""`` for a flag; None when absent."""
    lname = name.lower()
    for n, v in params:
        if n.lower() == lname:
            return "" if v is None else v
    return None


def set_param(params: Params, name: str, value: str | None) -> Params:
    """Return ``params`` with ``name`` set to ``value`` (replacing in place, or appended)."""
    lname = name.lower()
    out: list[tuple[str, str | None]] = []
    done = False
    for n, v in params:
        if n.lower() == lname:
            if not done:
                out.append((n, value))
                done = True
            continue
        out.append((n, v))
    if not done:
        out.append((name, value))
    return tuple(out)


def drop_param(params: Params, name: str) -> Params:
    """Return ``params`` without ``name``."""
    lname = name.lower()
    if all(n.lower() != lname for n, _ in params):
        return params
    return tuple((n, v) for n, v in params if n.lower() != lname)
