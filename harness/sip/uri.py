"""SIP URIs, name-addr values and Via values (RFC 3261 sections 19.1, 20.10, 20.42).

All three are frozen dataclasses with ``parse()`` and ``__str__``. Parsing is tolerant of
the linear white space the grammar allows (RFC 4475 "wsinv") and strict about everything
else; errors raise :class:`SipParseError` naming what was wrong.

IPv6 hosts are stored without brackets (``::1``) and written with them (``[::1]``).
User parts are kept exactly as on the wire, escapes included (RFC 4475 "esc01").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from harness.sip.grammar import (
    Params,
    SipParseError,
    drop_param,
    format_params,
    get_param,
    is_digits,
    is_token,
    parse_params,
    quote,
    set_param,
    unquote,
)

__all__ = ["NameAddr", "SipUri", "Via", "format_host", "parse_hostport"]

SCHEMES = ("sip", "sips", "tel")
_HOSTNAME_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9.])?")
_SPACE_RE = re.compile(r"\s")
_USER_FORBIDDEN = set(' \t\r\n<>"@')
_DEFAULT_PORTS = {"sip": 5060, "sips": 5061}


def format_host(host: str) -> str:
    """Bracket an IPv6 literal for use in a URI or Via."""
    return f"[{host}]" if ":" in host else host


def parse_hostport(text: str, *, what: str = "host") -> tuple[str, int | None]:
    """Parse ``host[:port]`` with optional LWS around the colon (RFC 3261 sent-by)."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise SipParseError(f"unterminated IPv6 reference in {what} {text!r}")
        host = text[1:end]
        if not host or any(c not in "0123456789abcdefABCDEF:." for c in host):
            raise SipParseError(f"bad IPv6 address in {what} {text!r}")
        rest = text[end + 1 :].strip()
    else:
        host, _, port_text = text.partition(":")
        host = host.strip()
        if not host or _HOSTNAME_RE.fullmatch(host) is None:
            raise SipParseError(f"bad {what} {text!r}")
        rest = ":" + port_text if _ else ""
    if not rest:
        return host, None
    if not rest.startswith(":"):
        raise SipParseError(f"unexpected text after {what} in {text!r}")
    port_text = rest[1:].strip()
    if not is_digits(port_text, 5) or not 0 < int(port_text) < 65536:
        raise SipParseError(f"bad port in {what} {text!r}")
    return host, int(port_text)


@dataclass(frozen=True)
class SipUri:
    """A ``sip:``, ``sips:`` or ``tel:`` URI (RFC 3261 section 19.1, RFC 3966).

    For ``tel:`` the number is in ``user`` and ``host`` is empty.
    """

    scheme: str = "sip"
    user: str | None = None
    host: str = ""
    port: int | None = None
    params: Params = ()
    headers: tuple[tuple[str, str], ...] = ()
    password: str | None = None

    @classmethod
    def parse(cls, text: str) -> SipUri:
        """Parse a URI; raises SipParseError with the reason when it is not valid."""
        return _parse_uri(text)

    @classmethod
    def _parse(cls, text: str) -> SipUri:
        scheme, colon, rest = text.strip().partition(":")
        scheme = scheme.lower()
        if not colon or scheme not in SCHEMES:
            raise SipParseError(f"unsupported URI scheme in {text!r}")
        if not rest or _SPACE_RE.search(rest) is not None:
            raise SipParseError(f"whitespace or empty URI {text!r}")
        if scheme == "tel":
            number, _, param_text = rest.partition(";")
            if not number or any(c in "<>@?" for c in number):
                raise SipParseError(f"bad tel URI {text!r}")
            params = parse_params(";" + param_text, what="URI parameter") if _ else ()
            return cls(scheme=scheme, user=number, params=params)
        # '@' can appear neither in parameters nor in headers (19.1.1), while the user part
        # may hold ';', '?' and '/' (RFC 4475 "intmeth", "semiuri"): split on '@' first.
        user: str | None = None
        password: str | None = None
        at = rest.rfind("@")
        if at >= 0:
            userinfo, rest = rest[:at], rest[at + 1 :]
            user, pcolon, pw = userinfo.partition(":")
            password = pw if pcolon else None
            if not user or _USER_FORBIDDEN & set(userinfo):
                raise SipParseError(f"bad user part in {text!r}")
        rest, qmark, header_text = rest.partition("?")
        headers: list[tuple[str, str]] = []
        if qmark:
            for item in header_text.split("&"):
                name, eq, value = item.partition("=")
                if not name or not eq:
                    raise SipParseError(f"bad URI header {item!r} in {text!r}")
                headers.append((name, value))
        # An IPv6 reference contains colons but never ';', so cut params after any ']'.
        bracket = rest.find("]") if rest.startswith("[") else -1
        semi = rest.find(";", bracket + 1)
        hostport, param_text = (rest, "") if semi < 0 else (rest[:semi], rest[semi:])
        host, port = parse_hostport(hostport, what="URI host")
        params = parse_params(param_text, what="URI parameter")
        return cls(scheme, user, host, port, params, tuple(headers), password)

    def __str__(self) -> str:
        if self.scheme == "tel":
            return f"tel:{self.user}{format_params(self.params)}"
        out = f"{self.scheme}:"
        if self.user is not None:
            out += self.user
            if self.password is not None:
                out += ":" + self.password
            out += "@"
        out += format_host(self.host)
        if self.port is not None:
            out += f":{self.port}"
        out += format_params(self.params)
        if self.headers:
            out += "?" + "&".join(f"{n}={v}" for n, v in self.headers)
        return out

    def param(self, name: str) -> str | None:
        """URI parameter value; ``""`` for a flag such as ``lr``; None when absent."""
        return get_param(self.params, name)

    def with_param(self, name: str, value: str | None = None) -> SipUri:
        """Copy with parameter ``name`` set (None makes it a flag)."""
        return replace(self, params=set_param(self.params, name, value))

    def without_headers(self) -> SipUri:
        """Copy without the ``?header=value`` part (RFC 3261 section 19.1.5)."""
        return replace(self, headers=())

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)`` to send to, with the scheme's default port (no DNS here)."""
        if self.scheme == "tel":
            raise ValueError("a tel: URI has no host to send to")
        return self.host, self.port or _DEFAULT_PORTS[self.scheme]


@dataclass(frozen=True)
class NameAddr:
    """A From/To/Contact/Route value: optional display name, URI, header parameters."""

    display: str | None
    uri: SipUri
    params: Params = ()

    @classmethod
    def parse(cls, text: str) -> NameAddr:
        """Parse ``"Display" <uri>;p=v``, ``token <uri>``, ``<uri>`` or a bare addr-spec."""
        return _parse_name_addr(text)

    @classmethod
    def _parse(cls, text: str) -> NameAddr:
        text = text.strip()
        display: str | None = None
        if text.startswith('"'):
            end = _closing_quote(text)
            display = unquote(text[: end + 1])
            rest = text[end + 1 :].lstrip()
            if not rest.startswith("<"):
                raise SipParseError(f"expected '<' after display name in {text!r}")
        else:
            angle = text.find("<")
            if angle >= 0:
                words = text[:angle].split()
                if not all(is_token(w) for w in words):
                    raise SipParseError(f"bad display name in {text!r}")
                display = " ".join(words) or None
                rest = text[angle:]
            else:
                # addr-spec form: parameters after the URI belong to the header (20.10).
                uri_text, semi, param_text = text.partition(";")
                params = parse_params(semi + param_text, what="header parameter")
                return cls(None, SipUri.parse(uri_text), params)
        close = rest.find(">")
        if close < 0:
            raise SipParseError(f"missing '>' in {text!r}")
        uri = SipUri.parse(rest[1:close])
        params = parse_params(rest[close + 1 :], what="header parameter")
        return cls(display, uri, params)

    def __str__(self) -> str:
        head = f"{quote(self.display)} " if self.display else ""
        return f"{head}<{self.uri}>{format_params(self.params)}"

    @property
    def tag(self) -> str | None:
        """The ``tag`` parameter (RFC 3261 section 19.3), or None."""
        return get_param(self.params, "tag") or None

    def param(self, name: str) -> str | None:
        """Header parameter value (``""`` for a flag) or None."""
        return get_param(self.params, name)

    def with_tag(self, tag: str | None) -> NameAddr:
        """Copy with the tag set, or removed when ``tag`` is None."""
        if tag is None:
            return NameAddr(self.display, self.uri, drop_param(self.params, "tag"))
        return NameAddr(self.display, self.uri, set_param(self.params, "tag", tag))


def _closing_quote(text: str) -> int:
    escaped = False
    for index in range(1, len(text)):
        char = text[index]
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            return index
    raise SipParseError(f"unterminated quoted string in {text!r}")


_VIA_RE = re.compile(r"\s*SIP\s*/\s*2\.0\s*/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+(.*)", re.S | re.I)


@dataclass(frozen=True)
class Via:
    """One Via value (RFC 3261 section 20.42), e.g. ``SIP/2.0/UDP 127.0.0.1:5060;branch=...``."""

    transport: str
    host: str
    port: int | None = None
    params: Params = ()

    @classmethod
    def parse(cls, text: str) -> Via:
        """Parse one Via value (already split from its neighbours on commas)."""
        return _parse_via(text)

    @classmethod
    def _parse(cls, text: str) -> Via:
        match = _VIA_RE.fullmatch(text)
        if match is None:
            raise SipParseError(f"bad Via {text.strip()!r}")
        transport, rest = match.group(1).upper(), match.group(2)
        bracket = rest.find("]") if rest.lstrip().startswith("[") else -1
        semi = rest.find(";", bracket + 1)
        sent_by, param_text = (rest, "") if semi < 0 else (rest[:semi], rest[semi:])
        host, port = parse_hostport(sent_by, what="Via sent-by")
        return cls(transport, host, port, parse_params(param_text, what="Via parameter"))

    def __str__(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        return (
            f"SIP/2.0/{self.transport} {format_host(self.host)}{port}{format_params(self.params)}"
        )

    def param(self, name: str) -> str | None:
        """Via parameter value (``""`` for a flag) or None."""
        return get_param(self.params, name)

    def with_param(self, name: str, value: str | None = None) -> Via:
        """Copy with parameter ``name`` set (None makes it a flag)."""
        return replace(self, params=set_param(self.params, name, value))

    @property
    def branch(self) -> str | None:
        """The branch parameter (the transaction id, RFC 3261 section 17)."""
        return get_param(self.params, "branch") or None

    @property
    def received(self) -> str | None:
        """The ``received`` parameter a server added (RFC 3261 section 18.2.1)."""
        return get_param(self.params, "received") or None

    @property
    def rport(self) -> int | None:
        """The ``rport`` value filled in by the server (RFC 3581); None when absent or empty."""
        value = get_param(self.params, "rport")
        return int(value) if value and is_digits(value, 5) else None

    @property
    def sent_by(self) -> tuple[str, int]:
        """``(host, port)`` with the transport's default port (5061 for TLS)."""
        default = 5061 if self.transport == "TLS" else 5060
        return self.host, self.port or default


# The values are immutable, and a dialog's messages repeat the same URIs, From, To and Via
# over and over: parse each text once. Bounded, and errors are not kept (each raises anew).
_parse_uri = lru_cache(maxsize=4096)(SipUri._parse)
_parse_name_addr = lru_cache(maxsize=4096)(NameAddr._parse)
_parse_via = lru_cache(maxsize=4096)(Via._parse)
