"""The packet logic of a two-leg RTP relay, as a B2BUA's media path does it, sans-IO.

Each outgoing leg is its own RTP stream: its own SSRC, sequence numbers and timestamps.
Packets from the other leg are renumbered by fixed offsets, so loss and reordering upstream stay
visible downstream; when the incoming source changes (a new SSRC, or the relay reconnected after
dropping media) the offsets are re-based so the outgoing stream stays continuous: the sequence
number goes on from the last one sent, the timestamp advances by the time that passed (RFC 3550
section 5.1), and the marker bit flags the new talkspurt (RFC 3551 section 4.1).

G.711 payloads are transcoded when the legs negotiated different laws.

Each direction is gated on its own: the party on each leg declares, as an SDP direction
(RFC 3264 section 6.1), whether it sends and whether it receives, and packets go from one leg to
the other only while the bridge is connected, the sender's side sends and the receiver's side
receives. A customer who offered ``sendonly`` is heard but hears nothing.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass

from harness.media import g711
from harness.media.rtp import RtpPacket, RtpParseError, is_rtcp, seq_delta, stream_random


class Leg(enum.Enum):
    """One side of the relay."""

    A = "a"
    B = "b"

    @property
    def other(self) -> Leg:
        return Leg.B if self is Leg.A else Leg.A


@dataclass
class RelayCounters:
    """What happened to the packets received on one leg (one direction of the relay)."""

    received: int = 0
    forwarded: int = 0
    dropped: int = 0
    """Valid RTP received while the relay was disconnected or this direction was closed."""
    transcoded: int = 0
    malformed: int = 0
    rtcp: int = 0
    """RTCP is terminated by the relay, as a B2BUA does, not forwarded."""


# Whether a party with this SDP direction sends, and whether it receives (RFC 3264 section 6.1).
DIRECTIONS: dict[str, tuple[bool, bool]] = {
    "sendrecv": (True, True),
    "sendonly": (True, False),
    "recvonly": (False, True),
    "inactive": (False, False),
}


class _Renumbering:
    """Sequence numbers, timestamps and SSRC of one outgoing leg."""

    def __init__(self, rng: random.Random, clock_rate: int) -> None:
        self.ssrc = rng.getrandbits(32)
        self._clock_rate = clock_rate
        self._next_seq = rng.getrandbits(16)
        self._last_ts = rng.getrandbits(32)
        self._last_sent_at: float | None = None
        self._source: int | None = None
        self._seq_offset = 0
        self._ts_offset = 0

    def rebase(self) -> None:
        """Treat the next packet as the start of a new incoming stream."""
        self._source = None

    def rewrite(
        self, packet: RtpPacket, payload_type: int, payload: bytes, now: float
    ) -> RtpPacket:
        marker = packet.marker
        if packet.ssrc != self._source:
            elapsed = 0 if self._last_sent_at is None else now - self._last_sent_at
            target_ts = (self._last_ts + max(1, round(elapsed * self._clock_rate))) & 0xFFFFFFFF
            self._source = packet.ssrc
            self._seq_offset = (self._next_seq - packet.sequence_number) & 0xFFFF
            self._ts_offset = (target_ts - packet.timestamp) & 0xFFFFFFFF
            marker = True
        seq = (packet.sequence_number + self._seq_offset) & 0xFFFF
        timestamp = (packet.timestamp + self._ts_offset) & 0xFFFFFFFF
        if seq_delta(seq, self._next_seq) >= 0:
            # The newest packet so far: a late one must not move the numbering backwards.
            self._next_seq = (seq + 1) & 0xFFFF
            self._last_ts = timestamp
            self._last_sent_at = now
        return RtpPacket(
            payload_type=payload_type,
            sequence_number=seq,
            timestamp=timestamp,
            ssrc=self.ssrc,
            payload=payload,
            marker=marker,
        )


class RelayCore:
    """Forwards RTP between leg A and leg B while connected; drops it while disconnected.

    While connected, each direction is open only as far as the two parties' SDP directions
    allow (see :meth:`set_direction`); both start as ``sendrecv``.
    """

    def __init__(
        self,
        payload_type_a: int = g711.PCMU,
        payload_type_b: int = g711.PCMU,
        *,
        clock_rate: int = g711.G711_CLOCK_RATE,
        rng: random.Random | None = None,
    ) -> None:
        rng = rng if rng is not None else stream_random()
        self._payload_types = {Leg.A: payload_type_a, Leg.B: payload_type_b}
        # Keyed by the leg the packets go out on.
        self._outgoing = {leg: _Renumbering(rng, clock_rate) for leg in Leg}
        self.a_to_b = RelayCounters()
        self.b_to_a = RelayCounters()
        self.connected = False
        self._directions = {leg: "sendrecv" for leg in Leg}

    def counters(self, from_leg: Leg) -> RelayCounters:
        """The counters of packets received on ``from_leg``."""
        return self.a_to_b if from_leg is Leg.A else self.b_to_a

    def payload_type(self, leg: Leg) -> int:
        """The payload type negotiated on ``leg`` (what the relay sends there)."""
        return self._payload_types[leg]

    def set_payload_type(self, leg: Leg, payload_type: int) -> None:
        """Change what ``leg`` negotiated (after a re-INVITE)."""
        if not 0 <= payload_type <= 0x7F:
            raise ValueError(f"payload type out of range: {payload_type}")
        self._payload_types[leg] = payload_type

    def ssrc(self, leg: Leg) -> int:
        """The SSRC of the stream the relay sends on ``leg``."""
        return self._outgoing[leg].ssrc

    def direction(self, leg: Leg) -> str:
        """The SDP direction the party on ``leg`` declared."""
        return self._directions[leg]

    def forwarding(self, from_leg: Leg) -> bool:
        """Whether packets received on ``from_leg`` are forwarded to the other leg now."""
        sends = DIRECTIONS[self._directions[from_leg]][0]
        receives = DIRECTIONS[self._directions[from_leg.other]][1]
        return self.connected and sends and receives

    def _open_directions(self) -> dict[Leg, bool]:
        return {leg: self.forwarding(leg) for leg in Leg}

    def _rebase_opened(self, before: dict[Leg, bool]) -> None:
        # A direction that opens starts a new incoming stream on its outgoing leg: re-based so
        # the dropped packets do not look like loss downstream.
        for from_leg, was_open in before.items():
            if not was_open and self.forwarding(from_leg):
                self._outgoing[from_leg.other].rebase()

    def set_direction(self, leg: Leg, direction: str) -> None:
        """The party on ``leg`` now sends and receives as ``direction`` says (its SDP offer or
        answer: ``sendrecv``, ``sendonly``, ``recvonly`` or ``inactive``)."""
        if direction not in DIRECTIONS:
            raise ValueError(f"unknown SDP direction {direction!r}; known: {', '.join(DIRECTIONS)}")
        before = self._open_directions()
        self._directions[leg] = direction
        self._rebase_opened(before)

    def connect(self) -> None:
        """Start forwarding media between the legs, in the directions the parties allow."""
        before = self._open_directions()
        self.connected = True
        self._rebase_opened(before)

    def disconnect(self) -> None:
        """Stop forwarding: packets are counted and dropped, as for legs not bridged."""
        self.connected = False

    def handle(self, from_leg: Leg, data: bytes, now: float) -> bytes | None:
        """A datagram received on ``from_leg`` at ``now``: what to send on the other leg."""
        counters = self.counters(from_leg)
        counters.received += 1
        if is_rtcp(data):
            counters.rtcp += 1
            return None
        try:
            packet = RtpPacket.parse(data)
        except RtpParseError:
            counters.malformed += 1
            return None
        if not self.forwarding(from_leg):
            counters.dropped += 1
            return None
        out_leg = from_leg.other
        out_type = self._payload_types[out_leg]
        payload = packet.payload
        payload_type = packet.payload_type
        if g711.is_g711(payload_type) and g711.is_g711(out_type) and payload_type != out_type:
            payload = g711.encode(out_type, g711.decode(payload_type, payload))
            payload_type = out_type
            counters.transcoded += 1
        out = self._outgoing[out_leg].rewrite(packet, payload_type, payload, now)
        counters.forwarded += 1
        return bytes(out)
