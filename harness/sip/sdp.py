"""SDP (RFC 4566) and the offer/answer model (RFC 3264) for G.711 audio calls.

Only what a telephony harness needs is modelled (origin, connection, media lines,
attributes); every other line is kept in ``extra`` so a description survives a round trip.
Codecs: PCMU (payload type 0) and PCMA (8) at 8000 Hz, plus RFC 4733 telephone-event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from harness.sip.entropy import random_below
from harness.sip.grammar import SipParseError, is_digits

__all__ = [
    "DIRECTIONS",
    "Codec",
    "Connection",
    "MediaDescription",
    "Origin",
    "SdpNegotiationError",
    "SessionDescription",
    "make_answer",
    "make_offer",
    "mirror_answer",
    "negotiated",
    "next_offer",
    "remote_rtp_address",
    "telephone_event",
    "with_direction",
]

DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
# RFC 3264 section 6.1: the answer's direction mirrors the offer's.
_MIRROR = {
    "sendrecv": "sendrecv",
    "sendonly": "recvonly",
    "recvonly": "sendonly",
    "inactive": "inactive",
}
# Which directions each side may use, to intersect a wish with what the offer allows.
_CAN = {"sendrecv": (True, True), "sendonly": (True, False), "recvonly": (False, True),
        "inactive": (False, False)}  # fmt: skip
_FROM_CAN = {v: k for k, v in _CAN.items()}


class SdpNegotiationError(ValueError):
    """The offer and our capabilities have no audio codec in common (RFC 3264 section 6)."""


@dataclass(frozen=True)
class Codec:
    """An RTP payload format: name, payload type, clock rate, channels."""

    name: str
    payload_type: int
    clock_rate: int = 8000
    channels: int = 1

    @property
    def rtpmap(self) -> str:
        """The ``a=rtpmap`` value for this codec."""
        extra = f"/{self.channels}" if self.channels != 1 else ""
        return f"{self.payload_type} {self.name}/{self.clock_rate}{extra}"


PCMU = Codec("PCMU", 0)
PCMA = Codec("PCMA", 8)
STATIC_CODECS = {0: PCMU, 8: PCMA}
KNOWN_CODECS = {"PCMU": PCMU, "PCMA": PCMA}


def telephone_event(payload_type: int = 101) -> Codec:
    """The RFC 4733 DTMF payload format on a dynamic payload type."""
    return Codec("telephone-event", payload_type)


@dataclass(frozen=True)
class Origin:
    """The ``o=`` line (RFC 4566 section 5.2)."""

    username: str
    session_id: str
    session_version: int
    address: str
    nettype: str = "IN"
    addrtype: str = "IP4"

    def __str__(self) -> str:
        return (f"{self.username} {self.session_id} {self.session_version} "
                f"{self.nettype} {self.addrtype} {self.address}")  # fmt: skip


@dataclass(frozen=True)
class Connection:
    """The ``c=`` line (RFC 4566 section 5.7)."""

    address: str
    nettype: str = "IN"
    addrtype: str = "IP4"

    @classmethod
    def for_address(cls, address: str) -> Connection:
        """A connection line for an IPv4 or IPv6 literal."""
        return cls(address, addrtype="IP6" if ":" in address else "IP4")

    def __str__(self) -> str:
        return f"{self.nettype} {self.addrtype} {self.address}"


Attribute = tuple[str, str | None]


def _get_attr(attributes: Sequence[Attribute], name: str) -> str | None:
    for n, v in attributes:
        if n == name:
            return "" if v is None else v
    return None


@dataclass(frozen=True)
class MediaDescription:
    """One ``m=`` section with its connection and attributes."""

    media: str
    port: int
    proto: str
    formats: tuple[str, ...]
    connection: Connection | None = None
    attributes: tuple[Attribute, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()

    def attribute(self, name: str) -> str | None:
        """Value of the first ``a=name`` (``""`` for a flag), or None."""
        return _get_attr(self.attributes, name)

    @property
    def direction(self) -> str | None:
        """The media-level direction attribute, if any."""
        return next((n for n, _ in self.attributes if n in DIRECTIONS), None)

    def codecs(self) -> list[Codec]:
        """The formats as codecs, in offer order, from rtpmap or the static table."""
        maps: dict[int, Codec] = {}
        for name, value in self.attributes:
            if name == "rtpmap" and value:
                pt_text, _, encoding = value.partition(" ")
                parts = encoding.split("/")
                if is_digits(pt_text, 3) and len(parts) >= 2 and is_digits(parts[1]):
                    channels = int(parts[2]) if len(parts) > 2 and is_digits(parts[2], 3) else 1
                    maps[int(pt_text)] = Codec(parts[0], int(pt_text), int(parts[1]), channels)
        out = []
        for fmt in self.formats:
            if is_digits(fmt, 3):
                pt = int(fmt)
                codec = maps.get(pt) or STATIC_CODECS.get(pt)
                if codec is not None:
                    out.append(codec)
        return out

    def lines(self) -> list[str]:
        """The SDP lines of this section in RFC 4566 order."""
        out = [f"m={self.media} {self.port} {self.proto} {' '.join(self.formats)}"]
        out += [f"{k}={v}" for k, v in self.extra if k == "i"]
        if self.connection is not None:
            out.append(f"c={self.connection}")
        out += [f"{k}={v}" for k, v in self.extra if k != "i"]
        out += [f"a={n}" if v is None else f"a={n}:{v}" for n, v in self.attributes]
        return out


@dataclass(frozen=True)
class SessionDescription:
    """A parsed SDP body. ``bytes(sd)`` writes it with CRLF line ends."""

    origin: Origin
    session_name: str = "-"
    connection: Connection | None = None
    timing: str = "0 0"
    attributes: tuple[Attribute, ...] = ()
    media: tuple[MediaDescription, ...] = ()
    extra: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def parse(cls, data: bytes | str) -> SessionDescription:
        """Parse an SDP body; raises SipParseError naming the offending line."""
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
        if not lines or lines[0].strip() != "v=0":
            raise SipParseError("SDP must start with v=0")
        session = _Section()
        sections: list[_Section] = []
        origin: Origin | None = None
        name, timing = "-", "0 0"
        for line in lines[1:]:
            kind, eq, value = line.partition("=")
            if not eq or len(kind) != 1:
                raise SipParseError(f"bad SDP line {line!r}")
            target = sections[-1] if sections else session
            if kind == "m":
                sections.append(_Section(m_line=value))
            elif kind == "o" and not sections:
                origin = _parse_origin(value)
            elif kind == "s" and not sections:
                name = value
            elif kind == "t" and not sections:
                timing = value
            elif kind == "c":
                target.connection = _parse_connection(value)
            elif kind == "a":
                attr, colon, attr_value = value.partition(":")
                target.attributes.append((attr, attr_value if colon else None))
            else:
                target.extra.append((kind, value))
        if origin is None:
            raise SipParseError("SDP without an o= line")
        return cls(
            origin=origin,
            session_name=name,
            connection=session.connection,
            timing=timing,
            attributes=tuple(session.attributes),
            media=tuple(s.media() for s in sections),
            extra=tuple(session.extra),
        )

    def __bytes__(self) -> bytes:
        before_c = ("i", "u", "e", "p")
        lines = ["v=0", f"o={self.origin}", f"s={self.session_name}"]
        lines += [f"{k}={v}" for k, v in self.extra if k in before_c]
        if self.connection is not None:
            lines.append(f"c={self.connection}")
        lines += [f"{k}={v}" for k, v in self.extra if k == "b"]
        lines.append(f"t={self.timing}")
        lines += [f"{k}={v}" for k, v in self.extra if k not in (*before_c, "b")]
        lines += [f"a={n}" if v is None else f"a={n}:{v}" for n, v in self.attributes]
        for media in self.media:
            lines += media.lines()
        return ("\r\n".join(lines) + "\r\n").encode()

    def attribute(self, name: str) -> str | None:
        """Value of the first session-level ``a=name``, or None."""
        return _get_attr(self.attributes, name)

    def audio(self) -> MediaDescription | None:
        """The first audio stream that is not disabled (port 0), or None."""
        return next((m for m in self.media if m.media == "audio" and m.port != 0), None)

    def direction(self, media: MediaDescription | None = None) -> str:
        """Effective direction of ``media`` (default: the audio stream), sendrecv if unset."""
        media = media or self.audio()
        own = media.direction if media is not None else None
        session = next((n for n, _ in self.attributes if n in DIRECTIONS), None)
        return own or session or "sendrecv"

    def next_version(self) -> SessionDescription:
        """Copy with the origin's version incremented, as a new offer needs (RFC 3264 8)."""
        origin = replace(self.origin, session_version=self.origin.session_version + 1)
        return replace(self, origin=origin)


@dataclass
class _Section:
    """Lines gathered for the session or one media section while parsing."""

    m_line: str = ""
    connection: Connection | None = None
    attributes: list[Attribute] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)

    def media(self) -> MediaDescription:
        parts = self.m_line.split()
        if len(parts) < 3:
            raise SipParseError(f"bad m= line {self.m_line!r}")
        port_text = parts[1].split("/")[0]
        if not is_digits(port_text, 5) or int(port_text) > 65535:
            raise SipParseError(f"bad media port in m={self.m_line!r}")
        return MediaDescription(
            parts[0],
            int(port_text),
            parts[2],
            tuple(parts[3:]),
            self.connection,
            tuple(self.attributes),
            tuple(self.extra),
        )


def _parse_origin(value: str) -> Origin:
    parts = value.split()
    if len(parts) != 6 or not is_digits(parts[2], 20):
        raise SipParseError(f"bad o= line {value!r}")
    return Origin(parts[0], parts[1], int(parts[2]), parts[5], parts[3], parts[4])


def _parse_connection(value: str) -> Connection:
    parts = value.split()
    if len(parts) != 3:
        raise SipParseError(f"bad c= line {value!r}")
    return Connection(parts[2].split("/")[0], parts[0], parts[1])


def _audio_section(
    port: int, codecs: Sequence[Codec], direction: str, ptime: int | None
) -> MediaDescription:
    attributes: list[Attribute] = [("rtpmap", c.rtpmap) for c in codecs]
    attributes += [
        ("fmtp", f"{c.payload_type} 0-16") for c in codecs if c.name == "telephone-event"
    ]
    if ptime:
        attributes.append(("ptime", str(ptime)))
    attributes.append((direction, None))
    formats = tuple(str(c.payload_type) for c in codecs)
    return MediaDescription("audio", port, "RTP/AVP", formats, attributes=tuple(attributes))


def _lookup(names: Iterable[str]) -> list[Codec]:
    out = []
    for name in names:
        codec = KNOWN_CODECS.get(name.upper())
        if codec is None:
            raise ValueError(f"unknown codec {name!r}; known: {sorted(KNOWN_CODECS)}")
        out.append(codec)
    return out


def make_offer(
    address: str,
    port: int,
    codecs: Sequence[str] = ("PCMU", "PCMA"),
    direction: str = "sendrecv",
    session_id: str | None = None,
    *,
    dtmf_payload_type: int | None = 101,
    ptime: int | None = 20,
) -> SessionDescription:
    """An audio offer on ``address:port`` listing ``codecs`` in preference order."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}")
    chosen = _lookup(codecs)
    if dtmf_payload_type is not None:
        chosen.append(telephone_event(dtmf_payload_type))
    sid = session_id or str(random_below(2**31))
    return SessionDescription(
        origin=Origin("-", sid, 1, address, addrtype="IP6" if ":" in address else "IP4"),
        connection=Connection.for_address(address),
        media=(_audio_section(port, chosen, direction, ptime),),
    )


def make_answer(
    offer: SessionDescription,
    address: str,
    port: int,
    supported: Sequence[str] = ("PCMU", "PCMA"),
    direction: str | None = None,
    *,
    session_id: str | None = None,
) -> SessionDescription:
    """Answer ``offer`` (RFC 3264 section 6): one m= line per offered stream.

    The first RTP/AVP audio stream gets the first offered codec we support (the offerer's
    preference wins) plus telephone-event when offered; every other stream is rejected
    with port 0. ``direction`` is what we would like; it is intersected with the mirror of
    the offered direction.
    """
    wanted = {c.name for c in _lookup(supported)}
    sections: list[MediaDescription] = []
    accepted = False
    for media in offer.media:
        # RFC 3264 section 6.1: the answer uses the offer's transport, so a stream on one we
        # do not speak is rejected (port 0) rather than answered on RTP/AVP.
        if accepted or media.media != "audio" or media.port == 0 or media.proto != "RTP/AVP":
            sections.append(MediaDescription(media.media, 0, media.proto, media.formats[:1]))
            continue
        codecs = media.codecs()
        audio = next((c for c in codecs if c.name.upper() in wanted and c.clock_rate == 8000), None)
        if audio is None:
            sections.append(MediaDescription(media.media, 0, media.proto, media.formats[:1]))
            continue
        chosen = [audio, *[c for c in codecs if c.name.lower() == "telephone-event"][:1]]
        allowed = _MIRROR[offer.direction(media)]
        final = allowed if direction is None else _intersect(allowed, direction)
        ptime_text = media.attribute("ptime")
        ptime = int(ptime_text) if ptime_text and is_digits(ptime_text, 4) else None
        sections.append(_audio_section(port, chosen, final, ptime))
        accepted = True
    if not accepted:
        raise SdpNegotiationError("no offered audio stream uses a codec we support")
    sid = session_id or str(random_below(2**31))
    return SessionDescription(
        origin=Origin("-", sid, 1, address, addrtype="IP6" if ":" in address else "IP4"),
        connection=Connection.for_address(address),
        media=tuple(sections),
    )


def _intersect(allowed: str, wanted: str) -> str:
    if wanted not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}")
    a_send, a_recv = _CAN[allowed]
    w_send, w_recv = _CAN[wanted]
    return _FROM_CAN[(a_send and w_send, a_recv and w_recv)]


def with_direction(sd: SessionDescription, direction: str) -> SessionDescription:
    """A new offer with the audio stream's direction changed (hold/resume, RFC 3264 8.4)."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}")
    media = []
    for m in sd.media:
        if m.media == "audio" and m.port != 0:
            attrs = (*tuple(a for a in m.attributes if a[0] not in DIRECTIONS), (direction, None))
            m = replace(m, attributes=attrs)
        media.append(m)
    return replace(sd, media=tuple(media)).next_version()


def mirror_answer(offer: SessionDescription, previous: SessionDescription) -> SessionDescription:
    """Answer a re-offer with our ``previous`` description, its direction mirrored.

    RFC 3264 section 6.1: sendonly is answered recvonly, recvonly sendonly, inactive
    inactive, sendrecv sendrecv. Our address, port and origin are kept (section 8: the
    version goes up by one); the audio formats are narrowed to those the offer still
    lists. Raises SdpNegotiationError when the offer cannot be answered that way (another
    number of streams, no format left).
    """
    if len(offer.media) != len(previous.media):
        raise SdpNegotiationError(
            f"the offer has {len(offer.media)} streams, our description {len(previous.media)}"
        )
    media = []
    for ours, theirs in zip(previous.media, offer.media, strict=True):
        if ours.media != "audio" or ours.port == 0 or theirs.port == 0:
            media.append(replace(ours, port=0) if theirs.port == 0 else ours)
            continue
        formats = tuple(f for f in ours.formats if f in theirs.formats)
        if not formats or all(_is_event(ours, f) for f in formats):
            raise SdpNegotiationError("the offer no longer lists our audio format")
        kept = {f"{f} " for f in formats}
        attrs = tuple(
            (n, v)
            for n, v in ours.attributes
            if n not in DIRECTIONS
            and not (n in ("rtpmap", "fmtp") and v is not None and not v.startswith(tuple(kept)))
        )
        direction = _MIRROR[offer.direction(theirs)]
        media.append(replace(ours, formats=formats, attributes=(*attrs, (direction, None))))
    session_attrs = tuple(a for a in previous.attributes if a[0] not in DIRECTIONS)
    return replace(previous, media=tuple(media), attributes=session_attrs).next_version()


def _is_event(media: MediaDescription, fmt: str) -> bool:
    rtpmap = next((v for n, v in media.attributes if n == "rtpmap" and v and
                   v.startswith(f"{fmt} ")), "")  # fmt: skip
    return "telephone-event" in rtpmap.lower()


def next_offer(offer: SessionDescription, previous: SessionDescription) -> SessionDescription:
    """``offer`` with ``previous``'s origin, version plus one (RFC 3264 section 8).

    A new offer in a session must keep the o= line of the last description sent, except
    for a version one higher; this makes any description a valid re-offer.
    """
    origin = replace(previous.origin, session_version=previous.origin.session_version + 1)
    return replace(offer, origin=origin)


def negotiated(answer: SessionDescription) -> Codec:
    """The audio codec an answer settled on (its first non-DTMF format)."""
    audio = answer.audio()
    if audio is None:
        raise SdpNegotiationError("the answer has no active audio stream")
    codec = next((c for c in audio.codecs() if c.name.lower() != "telephone-event"), None)
    if codec is None:
        raise SdpNegotiationError("the answer's audio stream has no audio codec")
    return codec


def dtmf_payload_type(sd: SessionDescription) -> int | None:
    """The telephone-event payload type of the audio stream, or None."""
    audio = sd.audio()
    codecs = audio.codecs() if audio is not None else []
    return next((c.payload_type for c in codecs if c.name.lower() == "telephone-event"), None)


def remote_rtp_address(sd: SessionDescription) -> tuple[str, int]:
    """Where to send RTP for the audio stream: media-level c= over session-level c=."""
    audio = sd.audio()
    if audio is None:
        raise SdpNegotiationError("no active audio stream")
    connection = audio.connection or sd.connection
    if connection is None:
        raise SipParseError("audio stream without a connection address")
    return connection.address, audio.port
