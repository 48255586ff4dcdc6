"""RTP packets and receiver statistics (RFC 3550), sans-IO.

`RtpPacket` is the wire format as a frozen value: `RtpPacket.parse(data)` and `bytes(packet)`.
`ReceiverStatistics` keeps what RFC 3550 appendix A.1, A.3 and A.8 keep for one source:
sequence validation, packets expected and lost (across 16-bit wrap-around) and the
interarrival jitter. Arrival times are passed in as seconds, so the same code runs on a
virtual clock in tests and on ``loop.time()`` in the transport.
"""

from __future__ import annotations

import os
import random
import struct
from dataclasses import dataclass

RTP_VERSION = 2
RTP_HEADER_SIZE = 12
RTP_SEQ_MOD = 1 << 16
RTP_TS_MOD = 1 << 32
MAX_CSRC = 15

_RANDOM = random.Random()
os.register_at_fork(after_in_child=_RANDOM.seed)

_HEADER = struct.Struct("!BBHII")
_EXTENSION_HEADER = struct.Struct("!HH")


def stream_random() -> random.Random:
    """The process's generator for SSRCs, first sequence numbers and timestamps.

    RFC 3550 wants them random, not secret (section 8.1): one shared generator, reseeded in a
    forked child, instead of a new one per stream seeded from the OS at every call.
    """
    return _RANDOM


class RtpParseError(Exception):
    """A datagram that is not a well-formed RTP packet (the peer broke RFC 3550 section 5.1)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RtpExtension:
    """A header extension (RFC 3550 section 5.3.1): a 16-bit profile field and 32-bit words."""

    profile: int
    data: bytes = b""

    def __post_init__(self) -> None:
        if not 0 <= self.profile <= 0xFFFF:
            raise ValueError(f"extension profile out of range: {self.profile}")
        if len(self.data) % 4:
            raise ValueError("extension data must be a whole number of 32-bit words")
        if len(self.data) // 4 > 0xFFFF:
            raise ValueError("extension data too long")


@dataclass(frozen=True, slots=True)
class RtpPacket:
    """One RTP data packet (RFC 3550 section 5.1).

    ``padding`` is the number of padding octets after the payload (0 for none); parsing strips
    them and serialising writes them back as zeros ending with the count, as section 5.1 says.
    """

    payload_type: int
    sequence_number: int
    timestamp: int
    ssrc: int
    payload: bytes = b""
    marker: bool = False
    csrc: tuple[int, ...] = ()
    extension: RtpExtension | None = None
    padding: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.payload_type <= 0x7F:
            raise ValueError(f"payload type out of range: {self.payload_type}")
        if not 0 <= self.sequence_number < RTP_SEQ_MOD:
            raise ValueError(f"sequence number out of range: {self.sequence_number}")
        if not 0 <= self.timestamp < RTP_TS_MOD:
            raise ValueError(f"timestamp out of range: {self.timestamp}")
        if not 0 <= self.ssrc < RTP_TS_MOD:
            raise ValueError(f"SSRC out of range: {self.ssrc}")
        if len(self.csrc) > MAX_CSRC:
            raise ValueError("at most 15 CSRC identifiers fit in the CC field")
        if any(not 0 <= c < RTP_TS_MOD for c in self.csrc):
            raise ValueError("CSRC out of range")
        if not 0 <= self.padding <= 0xFF:
            raise ValueError(f"padding length out of range: {self.padding}")

    @classmethod
    def parse(cls, data: bytes) -> RtpPacket:
        """Decode one datagram; raises `RtpParseError` saying what is wrong with it."""
        if len(data) < RTP_HEADER_SIZE:
            raise RtpParseError(f"{len(data)} octets is shorter than the 12-octet RTP header")
        first, second, seq, timestamp, ssrc = _HEADER.unpack_from(data)
        version = first >> 6
        if version != RTP_VERSION:
            raise RtpParseError(f"RTP version {version}, expected 2")
        has_padding = bool(first & 0x20)
        has_extension = bool(first & 0x10)
        csrc_count = first & 0x0F
        offset = RTP_HEADER_SIZE + 4 * csrc_count
        if len(data) < offset:
            raise RtpParseError(f"CSRC count {csrc_count} runs past the end of the packet")
        csrc = struct.unpack_from(f"!{csrc_count}I", data, RTP_HEADER_SIZE)

        extension = None
        if has_extension:
            if len(data) < offset + 4:
                raise RtpParseError("extension bit set but no extension header")
            profile, words = _EXTENSION_HEADER.unpack_from(data, offset)
            offset += 4
            if len(data) < offset + 4 * words:
                raise RtpParseError(f"extension of {words} words runs past the end of the packet")
            extension = RtpExtension(profile, bytes(data[offset : offset + 4 * words]))
            offset += 4 * words

        end = len(data)
        padding = 0
        if has_padding:
            # Section 5.1: the last octet counts the padding octets, itself included.
            padding = data[-1]
            if padding == 0 or padding > end - offset:
                raise RtpParseError(f"padding count {padding} does not fit the packet")
            end -= padding
        return cls(
            payload_type=second & 0x7F,
            sequence_number=seq,
            timestamp=timestamp,
            ssrc=ssrc,
            payload=bytes(data[offset:end]),
            marker=bool(second & 0x80),
            csrc=tuple(csrc),
            extension=extension,
            padding=padding,
        )

    def __bytes__(self) -> bytes:
        first = (RTP_VERSION << 6) | len(self.csrc)
        if self.padding:
            first |= 0x20
        if self.extension is not None:
            first |= 0x10
        second = self.payload_type | (0x80 if self.marker else 0)
        parts = [_HEADER.pack(first, second, self.sequence_number, self.timestamp, self.ssrc)]
        if self.csrc:
            parts.append(struct.pack(f"!{len(self.csrc)}I", *self.csrc))
        if self.extension is not None:
            ext = self.extension
            parts.append(_EXTENSION_HEADER.pack(ext.profile, len(ext.data) // 4))
            parts.append(ext.data)
        parts.append(self.payload)
        if self.padding:
            parts.append(bytes(self.padding - 1) + bytes((self.padding,)))
        return b"".join(parts)


PLAIN_FIRST_OCTET = RTP_VERSION << 6
"""The first octet of a packet with a bare 12-octet header: no padding, extension or CSRC."""


def plain_header(
    payload_type: int, sequence_number: int, timestamp: int, ssrc: int, marker: bool = False
) -> bytes:
    """The 12-octet header of a packet without padding, extension or CSRC list.

    What ``bytes(RtpPacket(...))`` starts with for such a packet, without building the object:
    a media stream sends fifty a second per call. Values are trusted to be in range (the stream
    keeps them so); `RtpPacket` validates.
    """
    return _HEADER.pack(
        PLAIN_FIRST_OCTET,
        payload_type | (0x80 if marker else 0),
        sequence_number,
        timestamp,
        ssrc,
    )


def parse_plain(data: bytes) -> tuple[int, bool, int, int, int] | None:
    """``(payload type, marker, sequence number, timestamp, SSRC)`` of a packet whose header is
    the bare 12 octets, or None for any other datagram (use `RtpPacket.parse` for those).

    The payload is ``data[RTP_HEADER_SIZE:]``. Gives the same fields as `RtpPacket.parse`
    without building the object, for the receive path of a media stream.
    """
    if len(data) < RTP_HEADER_SIZE or data[0] != PLAIN_FIRST_OCTET:
        return None
    _, second, seq, timestamp, ssrc = _HEADER.unpack_from(data)
    return second & 0x7F, bool(second & 0x80), seq, timestamp, ssrc


def is_rtcp(data: bytes) -> bool:
    """Tell RTCP from RTP on a shared port (RFC 5761 section 4).

    RTCP packet types 192-223 occupy the second octet where RTP would carry marker plus payload
    type 64-95, a range RFC 5761 keeps free of RTP payload types for exactly this reason.
    """
    return len(data) >= 2 and data[0] >> 6 == RTP_VERSION and 192 <= data[1] <= 223


def seq_delta(a: int, b: int) -> int:
    """``a - b`` for 16-bit sequence numbers, in -32768..32767 (how far ``a`` is ahead of ``b``)."""
    return ((a - b + 0x8000) & 0xFFFF) - 0x8000


def ts_delta(a: int, b: int) -> int:
    """``a - b`` for 32-bit RTP timestamps, as a signed difference."""
    return ((a - b + 0x80000000) & 0xFFFFFFFF) - 0x80000000


# RFC 3550 appendix A.1 constants.
MAX_DROPOUT = 3000
MAX_MISORDER = 100


class ReceiverStatistics:
    """Reception statistics for one synchronisation source (RFC 3550 A.1, A.3, A.8).

    ``min_sequential`` is A.1's probation: how many packets in sequence make a new source valid.
    The RFC's example uses 2 for sources that appear unannounced; the default here is 1 because
    the harness receives from the source it negotiated with and its reports must count every
    packet, the first one included. Packets before validation are not counted, as in A.1.
    """

    def __init__(self, clock_rate: int = 8000, *, min_sequential: int = 1) -> None:
        if clock_rate <= 0:
            raise ValueError("clock rate must be positive")
        if min_sequential < 1:
            raise ValueError("min_sequential must be at least 1")
        self.clock_rate = clock_rate
        self.min_sequential = min_sequential
        self.ssrc: int | None = None
        self._started = False
        self._valid = False
        self._probation = 0
        self._max_seq = 0
        self._base_seq = 0
        self._bad_seq = RTP_SEQ_MOD + 1
        self._cycles = 0
        self.received = 0
        self._received_prior = 0
        self._expected_prior = 0
        # A.8 keeps jitter in timestamp units; floats avoid the truncation of the C version.
        self._jitter = 0.0
        self._last_arrival_units: float | None = None
        self._last_timestamp = 0

    def _init_seq(self, seq: int) -> None:
        self._base_seq = seq
        self._max_seq = seq
        self._bad_seq = RTP_SEQ_MOD + 1
        self._cycles = 0
        self.received = 0
        self._received_prior = 0
        self._expected_prior = 0

    def _update_seq(self, seq: int) -> bool:
        """A.1 ``update_seq``: returns whether the packet counts as valid."""
        udelta = (seq - self._max_seq) & 0xFFFF
        if self._probation:
            if seq == (self._max_seq + 1) & 0xFFFF:
                self._probation -= 1
                self._max_seq = seq
                if self._probation == 0:
                    self._valid = True
                    self._init_seq(seq)
                    self.received += 1
                    return True
            else:
                self._probation = self.min_sequential - 1
                self._max_seq = seq
            return False
        if udelta < MAX_DROPOUT:
            if seq < self._max_seq:
                # The sequence number wrapped: count another 64K cycle.
                self._cycles += RTP_SEQ_MOD
            self._max_seq = seq
        elif udelta <= RTP_SEQ_MOD - MAX_MISORDER:
            if seq == self._bad_seq:
                # Two sequential packets after a big jump: the sender restarted; resync.
                self._init_seq(seq)
            else:
                self._bad_seq = (seq + 1) & 0xFFFF
                return False
        # Otherwise a duplicate or reordered packet: counted, as A.1 does.
        self.received += 1
        return True

    def update(self, packet: RtpPacket, arrival: float) -> bool:
        """Account for one packet that arrived at ``arrival`` seconds; returns whether valid."""
        return self.record(packet.ssrc, packet.sequence_number, packet.timestamp, arrival)

    def record(self, ssrc: int, sequence_number: int, timestamp: int, arrival: float) -> bool:
        """`update` from the header fields alone (for a receive path that builds no packet)."""
        if not self._started:
            self._started = True
            self.ssrc = ssrc
            # A.1 init_seq followed by the probation set-up of a new source.
            self._init_seq(sequence_number)
            self._max_seq = (sequence_number - 1) & 0xFFFF
            self._probation = self.min_sequential
        valid = self._update_seq(sequence_number)
        self._update_jitter(timestamp, arrival)
        return valid

    def _update_jitter(self, timestamp: int, arrival: float) -> None:
        # A.8: D(i-1, i) = (Rj - Ri) - (Sj - Si) in timestamp units; J += (|D| - J) / 16.
        # The timestamp difference is taken modulo 2^32 so a wrapping timestamp is harmless.
        arrival_units = arrival * self.clock_rate
        if self._last_arrival_units is not None:
            sent_delta = ts_delta(timestamp, self._last_timestamp)
            d = abs((arrival_units - self._last_arrival_units) - sent_delta)
            self._jitter += (d - self._jitter) / 16.0
        self._last_arrival_units = arrival_units
        self._last_timestamp = timestamp

    @property
    def extended_max_sequence(self) -> int:
        """Highest sequence number seen, extended with the wrap-around cycles (A.3)."""
        return self._cycles + self._max_seq

    @property
    def base_sequence(self) -> int:
        return self._base_seq

    @property
    def expected(self) -> int:
        """Packets expected from the first valid one to the highest seen (A.3)."""
        if not self._valid:
            return 0
        return self.extended_max_sequence - self._base_seq + 1

    @property
    def lost(self) -> int:
        """Cumulative packets lost (A.3); negative when duplicates outnumber losses."""
        return self.expected - self.received

    @property
    def jitter(self) -> float:
        """Interarrival jitter in timestamp units (A.8)."""
        return self._jitter

    @property
    def jitter_ms(self) -> float:
        """Interarrival jitter in milliseconds."""
        return self._jitter * 1000.0 / self.clock_rate

    def take_fraction_lost(self) -> int:
        """Fraction lost since the previous call, as the 8-bit fixed point of an RR block (A.3).

        Starts a new reporting interval, which is why this is a method and not a property.
        """
        expected = self.expected
        expected_interval = expected - self._expected_prior
        received_interval = self.received - self._received_prior
        self._expected_prior = expected
        self._received_prior = self.received
        lost_interval = expected_interval - received_interval
        if expected_interval == 0 or lost_interval <= 0:
            return 0
        return (lost_interval << 8) // expected_interval
