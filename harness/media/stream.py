"""One party's RTP session as a sans-IO object: packets out on a clock, events from packets in.

The stream never reads a clock or touches a socket. The caller passes ``now`` (seconds) to
`MediaStream.produce`, `MediaStream.receive` and `MediaStream.handle_timer`, and asks
`MediaStream.next_timer` when to call again, so unit tests run it on a virtual clock and the
transport runs it on ``loop.time()``.

Sending: a G.711 frame every ``ptime`` carrying the party's signature (or silence), with
sequence numbers and timestamps continuous across frames (RFC 3550 section 5.1) and the
timestamp still advancing while nothing is sent (stopped or on hold), as a sampling clock does.

Receiving: per-source statistics (RFC 3550 A.1/A.3/A.8), the decoded audio kept on its RTP
timeline for evidence, and signature detection debounced into `SignatureHeard` and
`SignatureLost` events. Every frame received is judged, but a frame whose octets were seen
recently reuses their analysis (decoding and detection are functions of the octets alone): a
party's signature repeats the same octets every frame, so a steady call is analysed once.

DTMF: `MediaStream.send_dtmf` keys a digit as RFC 4733 telephone events (on this stream's SSRC,
sequence numbers and clock, in place of the audio frames) or as tones in the audio; digits
received either way are reported as `DtmfReceived`.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from harness.media import g711
from harness.media.dtmf import (
    DEFAULT_DURATION_MS,
    TELEPHONE_EVENT_PT,
    DigitReceived,
    DtmfReceiver,
    DtmfSender,
    InbandDtmfDetector,
    InbandDtmfSender,
    TelephoneEventError,
    Tones,
)
from harness.media.events import (
    DtmfMode,
    DtmfReceived,
    FirstPacket,
    MalformedPacket,
    MediaEvent,
    SignatureHeard,
    SignatureLost,
)
from harness.media.hearing import Hearing
from harness.media.rtp import (
    RTP_HEADER_SIZE,
    ReceiverStatistics,
    RtpPacket,
    RtpParseError,
    is_rtcp,
    parse_plain,
    plain_header,
    stream_random,
    ts_delta,
)
from harness.media.tones import DEFAULT_AMPLITUDE, FRAME_SECONDS, Signature, SignatureDetector

__all__ = [
    "DtmfReceived",
    "FirstPacket",
    "MalformedPacket",
    "MediaEvent",
    "MediaStream",
    "SignatureHeard",
    "SignatureLost",
]

MAX_BURST = 10
"""Frames sent at once to catch up after the caller was late; beyond that the stream skips."""
MAX_GAP_FILL_SECONDS = 1.0
"""A timestamp jump up to this long is lost audio, filled with silence in the evidence audio;
a longer one is a discontinuity (a new talkspurt or a restarted sender) and is not filled."""
_TOLERANCE = 1e-6
"""Seconds early a frame still counts as due (float noise in the caller's clock)."""
ANALYSED_FRAMES = 16
"""Distinct one-frame payloads whose analysis a stream keeps. A signature's frames repeat the
same octets (it completes whole cycles in every 20 ms frame), so a call's steady audio is one
or a few entries; audio that never repeats (speech, noise) is analysed frame by frame."""


@dataclass(frozen=True, slots=True)
class _Analysed:
    """A one-frame payload decoded, with what the detectors found in it."""

    samples: npt.NDArray[np.int16]
    found: frozenset[Signature]
    tones: Tones | None


class _AudioTail:
    """The last ``capacity`` samples appended, kept as a queue of chunks."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._chunks: deque[npt.NDArray[np.int16]] = deque()
        self._size = 0

    def append(self, samples: npt.NDArray[np.int16]) -> None:
        if not samples.size:
            return
        self._chunks.append(samples)
        self._size += samples.size
        while self._size - self._chunks[0].size >= self.capacity:
            self._size -= self._chunks.popleft().size
        excess = self._size - self.capacity
        if excess > 0:
            self._chunks[0] = self._chunks[0][excess:]
            self._size -= excess

    def __len__(self) -> int:
        return self._size

    def samples(self) -> npt.NDArray[np.int16]:
        if not self._chunks:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(list(self._chunks))


class MediaStream:
    """The media of one party in one RTP session (one direction out, one in)."""

    def __init__(
        self,
        payload_type: int = g711.PCMU,
        ssrc: int | None = None,
        signature: Signature | None = None,
        listen_for: Iterable[Signature] = (),
        ptime: float = 0.02,
        clock_rate: int = g711.G711_CLOCK_RATE,
        *,
        amplitude: float = DEFAULT_AMPLITUDE,
        keep_seconds: float = 60.0,
        rng: random.Random | None = None,
        telephone_event_pt: int = TELEPHONE_EVENT_PT,
        detect_inband_dtmf: bool = True,
    ) -> None:
        if not g711.is_g711(payload_type):
            raise ValueError(f"payload type {payload_type} is not G.711 (PCMU=0, PCMA=8)")
        if clock_rate != g711.G711_CLOCK_RATE:
            raise ValueError("G.711 uses an 8000 Hz RTP clock (RFC 3551 section 4.5.14)")
        samples_per_frame = ptime * clock_rate
        if ptime <= 0 or abs(samples_per_frame - round(samples_per_frame)) > 1e-6:
            raise ValueError(f"ptime {ptime} s is not a whole number of samples")
        rng = rng if rng is not None else stream_random()
        self.payload_type = payload_type
        self.ssrc = ssrc if ssrc is not None else rng.getrandbits(32)
        if not 0 <= self.ssrc <= 0xFFFFFFFF:
            raise ValueError(f"SSRC out of range: {self.ssrc}")
        if not 0 <= amplitude <= 32767:
            raise ValueError("amplitude must be within the int16 range")
        self._signature = signature
        self.listen_for: tuple[Signature, ...] = tuple(dict.fromkeys(listen_for))
        self.ptime = ptime
        self.clock_rate = clock_rate
        self.amplitude = amplitude
        self.samples_per_frame = round(samples_per_frame)

        # Sending side. RFC 3550 section 5.1: sequence number and timestamp start at random.
        self._seq = rng.getrandbits(16)
        self._timestamp = rng.getrandbits(32)
        self._sample_index = 0
        self._sending = False
        self._held = False
        self._epoch = 0.0
        self._frames_since_epoch = 0
        self._last_due: float | None = None
        self._marker = True
        # Encoded frames by (payload type, phase): the payload type may change after the offer.
        self._payload_cache: dict[tuple[int, int], bytes] = {}
        self.packets_sent = 0
        self.first_sent_at: float | None = None
        self._dtmf_out = DtmfSender(
            self.ssrc, TELEPHONE_EVENT_PT, ptime=ptime, clock_rate=clock_rate
        )
        self._inband_out = InbandDtmfSender(ptime=ptime, clock_rate=clock_rate)
        self.telephone_event_pt = telephone_event_pt

        # Receiving side.
        self._sources: dict[int, ReceiverStatistics] = {}
        self._current_source: int | None = None
        self._audio = _AudioTail(max(1, round(keep_seconds * clock_rate)))
        self._audio_source: int | None = None
        self._next_timestamp: int | None = None
        self._detector = SignatureDetector(self.listen_for, clock_rate) if self.listen_for else None
        self._pending = np.zeros(0, dtype=np.int16)
        self._hearing = Hearing(self.listen_for, frame_seconds=FRAME_SECONDS)
        self.first_packet_at: float | None = None
        self.last_packet_at: float | None = None
        self.packets_received = 0
        self.frames_received = 0
        self.rtcp_received = 0
        self.malformed_received = 0
        self._dtmf_in = DtmfReceiver(clock_rate)
        self._inband_in = InbandDtmfDetector(clock_rate) if detect_inband_dtmf else None
        self._frame_size = round(FRAME_SECONDS * clock_rate)
        self._max_gap = round(MAX_GAP_FILL_SECONDS * clock_rate)
        self._analysed: dict[tuple[int, bytes], _Analysed] = {}
        self._listen_due: float | None = None
        """`_listening_deadline`, kept: the media clock asks every stream at every frame."""
        # Per source: arrival and timestamp of a packet whose transit event packets reuse.
        self._transit: dict[int, tuple[float, int]] = {}
        # Whether telephone events came since the last audio packet (their time is not lost).
        self._events_between = False

    # -- sending -----------------------------------------------------------------------------

    @property
    def sending(self) -> bool:
        """Whether packets are being produced (started and not on hold)."""
        return self._sending and not self._held

    def start_sending(self, now: float) -> None:
        """Send a frame at ``now`` and every ``ptime`` after it."""
        if not self._sending:
            self._sending = True
            self._resume(now)

    def stop_sending(self) -> None:
        """Stop producing packets; a later `start_sending` continues the same RTP stream.

        Digits not sent yet are dropped.
        """
        self._sending = False
        self._cancel_dtmf()

    def set_hold(self, on_hold: bool, now: float) -> None:
        """Stop (or resume) transmitting while the session is on hold."""
        if on_hold == self._held:
            return
        self._held = on_hold
        self._cancel_dtmf()
        if not on_hold and self._sending:
            self._resume(now)

    @property
    def signature(self) -> Signature | None:
        """What this party transmits (None: digital silence)."""
        return self._signature

    def set_signature(self, signature: Signature | None) -> None:
        """Transmit ``signature`` (or silence) from the next frame on."""
        self._signature = signature
        self._payload_cache.clear()

    @property
    def telephone_event_pt(self) -> int:
        """The payload type of telephone events, sent and received (from the SDP)."""
        return self._dtmf_out.payload_type

    @telephone_event_pt.setter
    def telephone_event_pt(self, payload_type: int) -> None:
        if not 0 <= payload_type <= 0x7F or g711.is_g711(payload_type):
            raise ValueError(f"payload type {payload_type} cannot carry telephone events")
        self._dtmf_out.payload_type = payload_type

    def send_dtmf(
        self,
        digit: str,
        now: float,
        duration_ms: float = DEFAULT_DURATION_MS,
        mode: DtmfMode = "rfc4733",
    ) -> float:
        """Key ``digit`` from the next frame on, or after the digits already queued.

        Returns when the digit starts. The digit replaces this party's audio for its length,
        as a phone does while a key is down; queued digits are a pause apart.
        """
        due = self.next_send_time()
        if due is None:
            raise ValueError("DTMF is sent on a stream that is sending")
        if due < now - _TOLERANCE:
            # Frames are overdue (the caller is late): the digit starts with the next one.
            due += math.ceil((now - due) / self.ptime - _TOLERANCE) * self.ptime
        starts = [due, self._dtmf_out.free_at(), self._inband_out.free_at()]
        start = max(t for t in starts if t is not None)
        if mode == "rfc4733":
            return self._dtmf_out.press(digit, start, duration_ms)
        if mode == "inband":
            return self._inband_out.press(digit, start, duration_ms)
        raise ValueError(f"unknown DTMF mode {mode!r}")

    def _cancel_dtmf(self) -> None:
        # A later start or resume begins a new frame grid, which queued digits are not on.
        self._dtmf_out.cancel()
        self._inband_out.cancel()

    def _resume(self, now: float) -> None:
        if self._last_due is not None:
            # The sampling clock ran on while silent: skip the frames that were not sent.
            skipped = max(0, math.floor((now - self._last_due) / self.ptime + _TOLERANCE) - 1)
            self._advance(skipped)
        self._epoch = now
        self._frames_since_epoch = 0
        # RFC 3551 section 4.1: the first packet of a talkspurt carries the marker bit.
        self._marker = True

    def _advance(self, frames: int) -> None:
        samples = frames * self.samples_per_frame
        self._timestamp = (self._timestamp + samples) & 0xFFFFFFFF
        self._sample_index += samples

    def next_send_time(self) -> float | None:
        """When the next packet is due, or None when not sending."""
        if not self.sending:
            return None
        return self._epoch + self._frames_since_epoch * self.ptime

    def produce(self, now: float) -> list[bytes]:
        """The RTP packets due by ``now``."""
        due = self.next_send_time()
        if due is None or now + _TOLERANCE < due:
            return []
        frames = math.floor((now - due) / self.ptime + _TOLERANCE) + 1
        if frames > MAX_BURST:
            # The caller fell far behind: rather than flood the peer, skip ahead as a sender
            # whose audio device dropped those frames would, and mark the discontinuity.
            skipped = frames - MAX_BURST
            self._advance(skipped)
            self._frames_since_epoch += skipped
            self._marker = True
            frames = MAX_BURST
        packets = []
        for _ in range(frames):
            slot = self._epoch + self._frames_since_epoch * self.ptime
            if self._dtmf_out.idle and self._inband_out.idle:
                packets.append(self._audio_packet(self._frame_payload()))
            else:
                # RFC 4733 section 3.1: events go "instead of regular audio packets", on the
                # audio's sequence numbers and clock; the audio after them starts a talkspurt.
                events, self._seq = self._dtmf_out.produce(slot, self._seq, self._timestamp)
                packets.extend(events)
                if self._dtmf_out.holds(slot):
                    self._marker = True
                else:
                    tone = self._inband_out.samples(slot, self.samples_per_frame)
                    payload = (
                        self._frame_payload()
                        if tone is None
                        else g711.encode(self.payload_type, tone)
                    )
                    packets.append(self._audio_packet(payload))
            self._last_due = slot
            self._frames_since_epoch += 1
            self._timestamp = (self._timestamp + self.samples_per_frame) & 0xFFFFFFFF
            self._sample_index += self.samples_per_frame  # as _advance(1), inline on this path
        if self.first_sent_at is None:
            self.first_sent_at = now
        self.packets_sent += len(packets)
        return packets

    def _audio_packet(self, payload: bytes) -> bytes:
        # The header built directly: the same octets as bytes(RtpPacket(...)) for a packet
        # without CSRC, extension or padding, at a fraction of the cost.
        header = plain_header(
            self.payload_type, self._seq, self._timestamp, self.ssrc, self._marker
        )
        self._marker = False
        self._seq = (self._seq + 1) & 0xFFFF
        return header + payload

    def _frame_payload(self) -> bytes:
        # A signature on the 50 Hz grid repeats within 160 samples, so the encoded frames repeat
        # too: caching them by phase saves synthesising and encoding every frame.
        signature = self._signature
        key = 0
        if signature is not None:
            period = self.clock_rate // math.gcd(signature.frequency_hz, self.clock_rate)
            key = self._sample_index % period
        payload = self._payload_cache.get((self.payload_type, key))
        if payload is None:
            if signature is None:
                samples = np.zeros(self.samples_per_frame, dtype=np.int16)
            else:
                samples = signature.samples(
                    self.samples_per_frame, self._sample_index, self.amplitude, self.clock_rate
                )
            payload = g711.encode(self.payload_type, samples)
            self._payload_cache[(self.payload_type, key)] = payload
        return payload

    # -- receiving ---------------------------------------------------------------------------

    @property
    def stats(self) -> ReceiverStatistics:
        """Statistics of the source heard most recently (an empty record before any packet)."""
        if self._current_source is None:
            return ReceiverStatistics(self.clock_rate)
        return self._sources[self._current_source]

    @property
    def sources(self) -> dict[int, ReceiverStatistics]:
        """Statistics of every source (SSRC) heard in this session."""
        return dict(self._sources)

    def receive(self, data: bytes, now: float) -> list[MediaEvent]:
        """Account for one datagram that arrived at ``now``; returns what changed."""
        events = self._receive(data, now)
        self._listen_due = self._listening_deadline()
        return events

    def _receive(self, data: bytes, now: float) -> list[MediaEvent]:
        if is_rtcp(data):
            self.rtcp_received += 1
            return []
        packet: RtpPacket | None = None
        plain = parse_plain(data)
        if plain is None:
            try:
                packet = RtpPacket.parse(data)
            except RtpParseError as exc:
                self.malformed_received += 1
                return [MalformedPacket(reason=exc.reason, at=now)]
            payload_type, timestamp, ssrc = packet.payload_type, packet.timestamp, packet.ssrc
            sequence_number, payload = packet.sequence_number, packet.payload
        else:
            # The usual packet, with a bare header: no packet object to build.
            payload_type, _, sequence_number, timestamp, ssrc = plain
            payload = data[RTP_HEADER_SIZE:]
        events: list[MediaEvent] = []
        if self.first_packet_at is None:
            self.first_packet_at = now
            events.append(FirstPacket(at=now))
        self.last_packet_at = now
        self.packets_received += 1
        stats = self._sources.get(ssrc)
        if stats is None:
            stats = self._sources[ssrc] = ReceiverStatistics(self.clock_rate)
        self._current_source = ssrc
        if payload_type == self._dtmf_out.payload_type:  # telephone_event_pt
            if packet is None:
                packet = RtpPacket.parse(data)
            stats.update(packet, self._event_arrival(packet, now))
            self._take_event(packet, now, events)
            return events
        self._transit[ssrc] = (now, timestamp)
        stats.record(ssrc, sequence_number, timestamp, now)
        # Other payload types of the session (comfort noise) are counted above but carry no
        # audio to analyse.
        if g711.is_g711(payload_type):
            self._take_audio(ssrc, timestamp, payload_type, payload, now, events)
        return events

    def _event_arrival(self, packet: RtpPacket, now: float) -> float:
        """The arrival time to give the jitter estimate (RFC 3550 A.8) for an event packet.

        Every packet of an event carries the event's start timestamp while arriving a frame
        apart, which A.8 would read as jitter. Given the arrival that implies the same transit
        time as the last audio packet, the event packet adds nothing to the estimate and leaves
        the next audio packet compared with that audio packet, as if events were skipped.
        """
        arrival, timestamp = self._transit.setdefault(packet.ssrc, (now, packet.timestamp))
        return arrival + ts_delta(packet.timestamp, timestamp) / self.clock_rate

    def _take_event(self, packet: RtpPacket, now: float, events: list[MediaEvent]) -> None:
        try:
            digits = self._dtmf_in.receive(packet, now)
        except TelephoneEventError as exc:
            self.malformed_received += 1
            events.append(MalformedPacket(reason=exc.reason, at=now))
            return
        events.extend(_received(digits, "rfc4733"))
        # The event's packets took the place of audio frames on the same timeline (RFC 4733
        # section 2.5): the jump in the audio's timestamps that follows is not a loss.
        self._events_between = True
        # A party keying a digit has not gone silent: what was heard stays heard meanwhile.
        events.extend(self._hearing.frame(self._hearing.heard_now(), now))

    def _take_audio(
        self,
        ssrc: int,
        timestamp: int,
        payload_type: int,
        payload: bytes,
        now: float,
        events: list[MediaEvent],
    ) -> None:
        size = len(payload)  # G.711: one octet per sample
        max_gap = self._max_gap
        lost = 0  # whole frames missing before this packet, by the sender's timestamps
        if ssrc == self._audio_source and self._next_timestamp is not None:
            gap = ts_delta(timestamp, self._next_timestamp)
            if -max_gap <= gap < 0:
                return  # late or duplicate: its place in the timeline has passed
            if gap > 0:
                self._pending = self._pending[:0]
                if gap <= max_gap:
                    self._audio.append(np.zeros(gap, dtype=np.int16))
                lost = 0 if self._events_between else -(-gap // self._frame_size)
        else:
            self._pending = self._pending[:0]
        self._audio_source = ssrc
        self._next_timestamp = (timestamp + size) & 0xFFFFFFFF
        self._events_between = False
        listening = self._detector is not None or self._inband_in is not None
        if size == self._frame_size and not self._pending.size:
            # One packet is one whole frame (the usual case): what it holds is a function of
            # its octets, kept for the frames that repeat them.
            analysed = self._analyse(payload_type, payload)
            self._audio.append(analysed.samples)
            if listening:
                self.frames_received += 1
                self._hear(analysed.found, analysed.tones, now, events, lost)
            return
        samples = g711.decode(payload_type, payload)
        self._audio.append(samples)
        if not listening:
            return
        block = np.concatenate([self._pending, samples]) if self._pending.size else samples
        whole = block.size - block.size % self._frame_size
        for start in range(0, whole, self._frame_size):
            self.frames_received += 1
            frame = block[start : start + self._frame_size]
            found = self._detector.analyse(frame) if self._detector is not None else set()
            tones = self._inband_in.measure(frame) if self._inband_in is not None else None
            self._hear(found, tones, now, events, lost)
            lost = 0
        self._pending = block[whole:].copy()

    def _analyse(self, payload_type: int, payload: bytes) -> _Analysed:
        """The decoded samples of a one-frame payload and what the detectors find in them."""
        key = (payload_type, payload)
        analysed = self._analysed.get(key)
        if analysed is None:
            samples = g711.decode(payload_type, payload)
            samples.flags.writeable = False  # shared by every frame with these octets
            found = frozenset(self._detector.analyse(samples)) if self._detector else frozenset()
            tones = self._inband_in.measure(samples) if self._inband_in is not None else None
            analysed = _Analysed(samples, found, tones)
            if len(self._analysed) >= ANALYSED_FRAMES:
                del self._analysed[next(iter(self._analysed))]  # the oldest
            self._analysed[key] = analysed
        return analysed

    def _hear(
        self,
        found: AbstractSet[Signature],
        tones: Tones | None,
        now: float,
        events: list[MediaEvent],
        lost: int = 0,
    ) -> None:
        """One received frame, as the detectors found it; ``lost`` frames missing before it."""
        inband = self._inband_in
        if inband is not None:
            digits = inband.take(tones, now, lost)
            if digits:
                events.extend(_received(digits, "inband"))
            if inband.tone_present:
                # As for telephone events: a frame of DTMF does not lose the party.
                found = found | self._hearing.heard_now()
        events.extend(self._hearing.frame(found, now, lost))

    def heard_now(self) -> set[Signature]:
        """The signatures audible at the moment."""
        return self._hearing.heard_now()

    def first_heard(self, signature: Signature) -> float | None:
        """When ``signature`` was first heard (its onset), or None if never."""
        return self._hearing.first_heard(signature)

    def received_audio(self) -> npt.NDArray[np.int16]:
        """The decoded audio received (the most recent ``keep_seconds``), lost frames as silence."""
        return self._audio.samples()

    @property
    def received_samples(self) -> int:
        """How many samples `received_audio` holds."""
        return len(self._audio)

    # -- timers ------------------------------------------------------------------------------

    def next_timer(self) -> float | None:
        """The earliest time `produce` or `handle_timer` has work to do, or None."""
        # Asked for every stream at every frame: the receiving side's deadline is kept.
        due = self._listen_due
        if self._sending and not self._held:
            send = self._epoch + self._frames_since_epoch * self.ptime
            if due is None or send < due:
                due = send
        return due

    def _listening_deadline(self) -> float | None:
        """When the silence of the received audio or of a digit would change something.

        Only `receive` and `handle_timer` change what it depends on; both keep it up to date.
        """
        due = self._hearing.deadline()
        for t in (
            self._dtmf_in.next_timer(),
            self._inband_in.deadline() if self._inband_in is not None else None,
        ):
            if t is not None and (due is None or t < due):
                due = t
        return due

    def excuse_silence(self, seconds: float) -> None:
        """This party's own process was stalled for ``seconds`` (see `Hearing.excuse`): that
        time does not count towards losing what it hears."""
        self._hearing.excuse(seconds)
        self._listen_due = self._listening_deadline()

    def handle_timer(self, now: float) -> list[MediaEvent]:
        """Events due by ``now`` without any packet arriving (audio or a digit that stopped)."""
        if self._listen_due is None or now + _TOLERANCE < self._listen_due:
            return []  # nothing is due: the usual tick, which only sends
        events = self._hearing.silence(now)
        events.extend(_received(self._dtmf_in.handle_timer(now), "rfc4733"))
        if self._inband_in is not None:
            events.extend(_received(self._inband_in.silence(now), "inband"))
        self._listen_due = self._listening_deadline()
        return events


def _received(digits: list[DigitReceived], mode: DtmfMode) -> list[MediaEvent]:
    return [DtmfReceived(d.digit, d.duration_ms, d.at, mode) for d in digits]
