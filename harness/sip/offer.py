"""Reviewing an SDP offer stream by stream before anything is done with it (RFC 3264 section 6).

An answerer that accepts a call first and only then finds it cannot use the offer has already
disturbed someone (a B2BUA has rung an agent). :func:`review_offer` decides everything an answer
depends on up front, for every ``m=`` line of the offer:

- the media type is audio and the port is not 0 (a port of 0 is a stream the offerer disabled);
- the transport is ``RTP/AVP``: RFC 3264 section 6.1 wants the answer on the offer's transport,
  so a stream on a transport we do not speak (``RTP/SAVP``, ``RTP/XAVP``, an unknown token) is
  rejected rather than answered on another one;
- the connection address, media level over session level (RFC 4566 section 5.7 wants one or the
  other): network type ``IN``, address type ``IP4`` or ``IP6``, an address of that type, or a
  host name that ``resolve`` turns into one; the address must pass ``reachable``;
- at least one codec in common (RFC 3264 section 6.1);
- an ``a=rtcp`` attribute (RFC 3605), when present, is well formed.

The first audio stream that passes is accepted; every other stream is rejected with port 0
(section 6: "the port number in the corresponding stream in the answer MUST be set to zero").
When no stream passes, :class:`OfferRefused` says why, with the SIP Warning code (RFC 3261
section 20.43) that fits the first problem, for a 488 response.

Sans-IO: name resolution is a function passed in, so nothing here touches the network.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.sip.entropy import random_below
from harness.sip.grammar import is_digits
from harness.sip.sdp import (
    _MIRROR,
    KNOWN_CODECS,
    Codec,
    Connection,
    MediaDescription,
    Origin,
    SdpNegotiationError,
    SessionDescription,
    _audio_section,
    _intersect,
)

__all__ = [
    "WARNING_CODES",
    "IpAddress",
    "OfferRefused",
    "OfferReview",
    "StreamVerdict",
    "any_unicast",
    "no_names",
    "review_offer",
    "warning_value",
]

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, str], str | None]
"""``resolve(name, addrtype)``: an address literal of that type ("IP4"/"IP6") for a host name."""

# RFC 3261 section 20.43: the 3xx warning codes that describe an SDP problem.
WARNING_CODES = {
    300: "Incompatible network protocol",
    301: "Incompatible network address formats",
    302: "Incompatible transport protocol",
    304: "Media type not available",
    305: "Incompatible media format",
    306: "Attribute not understood",
    307: "Session description parameter not understood",
}
SUPPORTED_TRANSPORT = "RTP/AVP"


def no_names(name: str, addrtype: str) -> str | None:
    """A resolver that resolves nothing: host names in ``c=`` lines are refused."""
    return None


def any_unicast(address: IpAddress) -> bool:
    """Any address media can be sent to: not unspecified, not multicast."""
    return not (address.is_unspecified or address.is_multicast)


@dataclass(frozen=True)
class StreamVerdict:
    """What the review decided for one ``m=`` line.

    ``problem`` is None for a usable stream; else it says what is wrong, with ``warning`` the
    RFC 3261 warning code that fits. A usable stream carries the address media goes to and the
    codec the answer would choose.
    """

    index: int
    media: MediaDescription
    problem: str | None = None
    warning: int = 0
    address: str | None = None
    codec: Codec | None = None
    telephone_event: Codec | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


class OfferRefused(SdpNegotiationError):
    """No stream of the offer can be answered; ``warning`` is the RFC 3261 warning code."""

    def __init__(self, reason: str, warning: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.warning = warning


def warning_value(code: int, agent: str, text: str) -> str:
    """A Warning header value (RFC 3261 section 20.43): ``code agent "text"``."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'{code} {agent} "{quoted}"'


@dataclass(frozen=True)
class OfferReview:
    """The verdict on every stream of ``offer``; ``accepted`` is the one an answer will use."""

    offer: SessionDescription
    streams: tuple[StreamVerdict, ...]

    @property
    def accepted(self) -> StreamVerdict | None:
        """The first usable audio stream, or None."""
        return next((s for s in self.streams if s.usable), None)

    def refusal(self) -> OfferRefused:
        """Why no stream is usable (the first stream's problem names it)."""
        if not self.streams:
            return OfferRefused("the offer has no media stream", 304)
        problems = [s for s in self.streams if s.problem]
        first = problems[0]
        text = "; ".join(f"stream {s.index + 1}: {s.problem}" for s in problems)
        return OfferRefused(text, first.warning)

    def require(self) -> StreamVerdict:
        """The accepted stream, or raise :class:`OfferRefused`."""
        accepted = self.accepted
        if accepted is None:
            raise self.refusal()
        return accepted

    @property
    def remote(self) -> tuple[str, int]:
        """Where media goes: the accepted stream's address and port."""
        accepted = self.require()
        assert accepted.address is not None
        return accepted.address, accepted.media.port

    def answer(
        self,
        address: str,
        port: int,
        *,
        direction: str | None = None,
        session_id: str | None = None,
    ) -> SessionDescription:
        """The answer: the accepted stream on ``address:port``, every other one rejected.

        The accepted stream keeps the offerer's preferred codec, telephone-event when offered,
        the offered ptime, and the mirror of the offered direction (RFC 3264 section 6.1),
        intersected with ``direction`` when given.
        """
        accepted = self.require()
        sections: list[MediaDescription] = []
        for verdict in self.streams:
            media = verdict.media
            if verdict is not accepted:
                sections.append(_rejected(media))
                continue
            assert accepted.codec is not None
            chosen = [accepted.codec]
            if accepted.telephone_event is not None:
                chosen.append(accepted.telephone_event)
            allowed = _MIRROR[self.offer.direction(media)]
            final = allowed if direction is None else _intersect(allowed, direction)
            ptime_text = media.attribute("ptime")
            ptime = int(ptime_text) if ptime_text and is_digits(ptime_text, 4) else None
            sections.append(_audio_section(port, chosen, final, ptime))
        sid = session_id or str(random_below(2**31))
        return SessionDescription(
            origin=Origin("-", sid, 1, address, addrtype="IP6" if ":" in address else "IP4"),
            connection=Connection.for_address(address),
            media=tuple(sections),
        )


def _rejected(media: MediaDescription) -> MediaDescription:
    # RFC 3264 section 6: port 0, and at least one format, which the offerer ignores.
    return MediaDescription(media.media, 0, media.proto, media.formats[:1] or ("0",))


def review_offer(
    offer: SessionDescription,
    supported: Sequence[str] = ("PCMU", "PCMA"),
    *,
    resolve: Resolver = no_names,
    reachable: Callable[[IpAddress], bool] = any_unicast,
) -> OfferReview:
    """Decide, for every stream of ``offer``, whether an answer can use it (see the module)."""
    wanted = [KNOWN_CODECS[name.upper()] for name in supported]
    streams: list[StreamVerdict] = []
    accepted = False
    for index, media in enumerate(offer.media):
        verdict = _review_stream(index, media, offer, wanted, resolve, reachable)
        if verdict.usable and accepted:
            verdict = StreamVerdict(index, media, "only one audio stream is answered", 304)
        accepted = accepted or verdict.usable
        streams.append(verdict)
    return OfferReview(offer, tuple(streams))


def _review_stream(
    index: int,
    media: MediaDescription,
    offer: SessionDescription,
    wanted: Sequence[Codec],
    resolve: Resolver,
    reachable: Callable[[IpAddress], bool],
) -> StreamVerdict:
    def refuse(problem: str, warning: int) -> StreamVerdict:
        return StreamVerdict(index, media, problem, warning)

    if media.media != "audio":
        return refuse(f"media type {media.media!r} is not available, only audio", 304)
    if media.port == 0:
        return refuse("the stream is disabled (port 0)", 304)
    if media.proto.upper() != SUPPORTED_TRANSPORT:
        return refuse(
            f"transport {media.proto!r} is not supported, only {SUPPORTED_TRANSPORT}", 302
        )
    connection = media.connection or offer.connection
    if connection is None:
        return refuse("no connection address (no c= line at session or media level)", 307)
    address, problem, warning = _connection_address(connection, resolve, reachable)
    if address is None:
        return refuse(problem, warning)
    rtcp = media.attribute("rtcp")
    if rtcp is not None:
        rtcp_problem = _rtcp_problem(rtcp)
        if rtcp_problem is not None:
            return refuse(rtcp_problem, 306)
    codecs = media.codecs()
    names = {c.name for c in wanted}
    audio = next(
        (c for c in codecs if c.name.upper() in names and c.clock_rate == 8000 and c.channels == 1),
        None,
    )
    if audio is None:
        offered = " ".join(media.formats) or "none"
        supported = ", ".join(c.name for c in wanted)
        return refuse(f"no codec in common (offered formats {offered}; supported {supported})", 305)
    event = next((c for c in codecs if c.name.lower() == "telephone-event"), None)
    return StreamVerdict(index, media, address=address, codec=audio, telephone_event=event)


def _connection_address(
    connection: Connection, resolve: Resolver, reachable: Callable[[IpAddress], bool]
) -> tuple[str | None, str, int]:
    """The usable address of ``c=``, or None with the problem and its warning code."""
    described = f"c={connection}"
    if connection.nettype != "IN":
        return None, f"network type {connection.nettype!r} in {described} is not IN", 300
    if connection.addrtype not in ("IP4", "IP6"):
        return None, f"address type {connection.addrtype!r} in {described} is not IP4 or IP6", 301
    text = connection.address
    literal: IpAddress | None
    try:
        literal = ipaddress.ip_address(text)
    except ValueError:
        literal = None
    if literal is None:
        if not _looks_like_host_name(text):
            return None, f"{text!r} in {described} is not an address", 301
        resolved = resolve(text, connection.addrtype)
        if resolved is None:
            return None, f"host name {text!r} in {described} does not resolve here", 301
        try:
            literal = ipaddress.ip_address(resolved)
        except ValueError:
            return None, f"host name {text!r} resolved to {resolved!r}, not an address", 301
    version = 4 if connection.addrtype == "IP4" else 6
    if literal.version != version:
        return None, f"{text!r} in {described} is not an {connection.addrtype} address", 301
    if not reachable(literal):
        return None, f"media cannot be sent to {literal} ({described})", 301
    return str(literal), "", 0


def _looks_like_host_name(text: str) -> bool:
    """RFC 4566 FQDN / RFC 1123 host name: dot-separated labels of letters, digits, hyphens."""
    labels = text.rstrip(".").split(".")
    if not text or len(text) > 253 or labels[-1].isdigit():
        return False  # a last label of digits is a broken IPv4 literal such as 10.10.10.256
    return all(
        0 < len(label) <= 63
        and label[0] != "-"
        and label[-1] != "-"
        and all(ch.isalnum() or ch == "-" for ch in label)
        and label.isascii()
        for label in labels
    )


def _rtcp_problem(value: str) -> str | None:
    """RFC 3605: ``a=rtcp:<port> [<nettype> <addrtype> <connection-address>]``."""
    parts = value.split()
    if not parts or not is_digits(parts[0], 5) or not 0 < int(parts[0]) <= 65535:
        return f"a=rtcp:{value} has no valid port"
    if len(parts) not in (1, 4):
        return f"a=rtcp:{value} is not 'port [nettype addrtype address]'"
    if len(parts) == 4:
        nettype, addrtype, address = parts[1:]
        if nettype != "IN" or addrtype not in ("IP4", "IP6"):
            return f"a=rtcp:{value} has an unknown network or address type"
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            if not _looks_like_host_name(address):
                return f"a=rtcp:{value} has no valid address"
            return None
        if parsed.version != (4 if addrtype == "IP4" else 6):
            return f"a=rtcp:{value} has an address of another type"
    return None
