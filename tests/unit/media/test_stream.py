"""MediaStream pairs joined in memory, on a virtual clock."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import cast

import numpy as np
import pytest

from harness.media import g711
from harness.media.events import (
    FirstPacket,
    MalformedPacket,
    MediaEvent,
    SignatureHeard,
    SignatureLost,
)
from harness.media.hearing import LATE_ALLOWANCE_S
from harness.media.rtp import RtpPacket
from harness.media.stream import MAX_BURST, MediaStream
from harness.media.tones import SignatureDetector, signature_for

A = signature_for(0)
B = signature_for(1)
C = signature_for(2)
FRAME = 0.02


def approx(t: float) -> float:
    """``pytest.approx`` typed as the time it stands for, to compare events holding times."""
    return cast(float, pytest.approx(t))


class Link:
    """Carries A's packets to B after ``delay``, dropping those ``drop`` selects."""

    def __init__(
        self,
        sender: MediaStream,
        receiver: MediaStream,
        delay: float = 0.0,
        drop: Callable[[int], bool] = lambda index: False,
    ) -> None:
        self.sender = sender
        self.receiver = receiver
        self.delay = delay
        self.drop = drop
        self.sent = 0
        self.events: list[MediaEvent] = []
        self._in_flight: list[tuple[float, bytes]] = []
        self._now = 0.0

    def run(self, until: float, step: float = 0.001) -> None:
        """Step the virtual clock to ``until``, producing and delivering as time passes."""
        now = self._now
        while now <= until + 1e-12:
            for packet in self.sender.produce(now):
                if not self.drop(self.sent):
                    self._in_flight.append((now + self.delay, packet))
                self.sent += 1
            due = [p for p in self._in_flight if p[0] <= now + 1e-12]
            self._in_flight = [p for p in self._in_flight if p[0] > now + 1e-12]
            for arrival, packet in due:
                self.events += self.receiver.receive(packet, arrival)
            self.events += self.receiver.handle_timer(now)
            now = round(now + step, 9)
        self._now = now


def _pair(**receiver_kwargs) -> tuple[MediaStream, MediaStream]:
    a = MediaStream(payload_type=g711.PCMU, ssrc=0xA, signature=A, rng=random.Random(1))
    b = MediaStream(payload_type=g711.PCMU, ssrc=0xB, listen_for=[A, C], **receiver_kwargs)
    return a, b


def test_b_hears_a_within_two_frames_of_the_first_packet():
    a, b = _pair()
    a.start_sending(0.0)
    link = Link(a, b, delay=0.005)
    link.run(0.2)
    assert link.events[0] == FirstPacket(at=approx(0.005))
    heard = [e for e in link.events if isinstance(e, SignatureHeard)]
    assert heard == [SignatureHeard(A, at=approx(0.005))]
    heard_at, first_packet_at, first_sent_at = b.first_heard(A), b.first_packet_at, a.first_sent_at
    assert heard_at is not None and first_packet_at is not None and first_sent_at is not None
    assert heard_at - first_packet_at <= 2 * FRAME
    # Latency from the first send to the onset of A's signature at B is the link delay.
    assert heard_at - first_sent_at == pytest.approx(0.005)
    assert b.heard_now() == {A}
    assert b.first_heard(C) is None


def test_heard_event_is_emitted_on_the_second_frame():
    a, b = _pair()
    a.start_sending(0.0)
    first, second = a.produce(0.0), a.produce(FRAME)
    assert b.receive(first[0], 0.001) == [FirstPacket(at=0.001)]
    assert b.receive(second[0], 0.021) == [SignatureHeard(A, at=0.001)]


def test_packets_are_continuous_and_marked_at_the_start():
    a = MediaStream(payload_type=g711.PCMA, ssrc=42, signature=A, rng=random.Random(7))
    assert a.next_send_time() is None
    a.start_sending(10.0)
    assert a.next_send_time() == 10.0
    packets = [RtpPacket.parse(p) for p in a.produce(10.0 + 2 * FRAME)]
    assert len(packets) == 3
    assert [p.marker for p in packets] == [True, False, False]
    assert {p.ssrc for p in packets} == {42}
    assert {p.payload_type for p in packets} == {g711.PCMA}
    seqs = [p.sequence_number for p in packets]
    assert [(s - seqs[0]) & 0xFFFF for s in seqs] == [0, 1, 2]
    assert [(p.timestamp - packets[0].timestamp) & 0xFFFFFFFF for p in packets] == [0, 160, 320]
    assert a.next_send_time() == pytest.approx(10.0 + 3 * FRAME)
    assert a.produce(10.0 + 2.9 * FRAME) == []
    # The payload is the signature, phase continuous from frame to frame.
    audio = np.concatenate([g711.alaw_decode(p.payload) for p in packets])
    expected = g711.alaw_decode(g711.alaw_encode(A.samples(480)))
    np.testing.assert_array_equal(audio, expected)


def test_silent_stream_sends_digital_silence():
    s = MediaStream(payload_type=g711.PCMU)
    s.start_sending(0.0)
    (packet,) = s.produce(0.0)
    assert RtpPacket.parse(packet).payload == b"\xff" * 160


def test_stop_and_hold_keep_the_timestamp_running():
    a = MediaStream(signature=A, rng=random.Random(3))
    a.start_sending(0.0)
    first = RtpPacket.parse(a.produce(0.0)[0])
    a.set_hold(True, FRAME)
    assert a.next_send_time() is None
    assert a.produce(1.0) == []
    a.set_hold(False, 1.0)
    resumed = RtpPacket.parse(a.produce(1.0)[0])
    assert resumed.marker
    assert resumed.sequence_number == (first.sequence_number + 1) & 0xFFFF
    # One second later: 50 frames of 160 samples since the first packet.
    assert (resumed.timestamp - first.timestamp) & 0xFFFFFFFF == 50 * 160
    a.stop_sending()
    assert a.produce(2.0) == []
    a.start_sending(2.0)
    again = RtpPacket.parse(a.produce(2.0)[0])
    assert again.marker
    assert (again.timestamp - resumed.timestamp) & 0xFFFFFFFF == 50 * 160


def test_a_late_caller_gets_a_bounded_burst():
    a = MediaStream(signature=A)
    a.start_sending(0.0)
    a.produce(0.0)
    packets = [RtpPacket.parse(p) for p in a.produce(1.0)]  # 50 frames due
    assert len(packets) == MAX_BURST
    assert packets[0].marker
    assert a.next_send_time() == pytest.approx(1.0 + FRAME)


def test_lost_packets_are_counted_and_the_audio_keeps_its_timeline():
    a, b = _pair()
    a.start_sending(0.0)
    dropped = {10, 20, 21, 30}
    link = Link(a, b, delay=0.002, drop=lambda i: i in dropped)
    link.run(0.999)
    assert link.sent == 50
    assert b.stats.received == 46
    assert b.stats.expected == 50
    assert b.stats.lost == 4
    assert b.packets_received == 46
    assert b.frames_received == 46
    audio = b.received_audio()
    assert audio.size == 50 * 160  # lost frames are filled with silence
    assert not audio[10 * 160 : 11 * 160].any()
    assert audio[11 * 160 : 12 * 160].any()
    # Single lost frames are not a loss of the signature.
    assert not any(isinstance(e, SignatureLost) for e in link.events)


def test_signature_lost_when_the_sender_stops():
    a, b = _pair()
    a.start_sending(0.0)
    link = Link(a, b, delay=0.001)
    link.run(0.5)
    a.stop_sending()
    link.run(0.51)  # deliver what is still in flight
    last = b.last_packet_at
    assert last is not None
    assert last == pytest.approx(0.501)
    assert b.next_timer() == pytest.approx(last + LATE_ALLOWANCE_S)
    link.run(0.9)
    lost = [e for e in link.events if isinstance(e, SignatureLost)]
    assert lost == [SignatureLost(A, at=approx(last + FRAME))]
    assert b.heard_now() == set()
    assert b.next_timer() is None


def test_signature_lost_when_the_audio_changes():
    a, b = _pair()
    a.start_sending(0.0)
    link = Link(a, b)
    link.run(0.2)
    a.set_signature(C)  # as if the path now carried another party
    link.run(0.5)
    kinds = [(type(e).__name__, e.signature) for e in link.events if hasattr(e, "signature")]
    assert kinds == [("SignatureHeard", A), ("SignatureHeard", C), ("SignatureLost", A)]


def test_received_audio_is_bounded():
    a, b = _pair(keep_seconds=0.1)
    a.start_sending(0.0)
    Link(a, b).run(0.5)
    assert b.received_audio().size == 800


def test_ptime_30_ms_is_analysed_in_20_ms_frames():
    a = MediaStream(signature=A, ptime=0.03)
    b = MediaStream(listen_for=[A])
    a.start_sending(0.0)
    link = Link(a, b)
    link.run(0.3)
    assert RtpPacket.parse(a.produce(10.0)[0]).payload.__len__() == 240
    assert b.frames_received == (11 * 240) // 160
    assert b.heard_now() == {A}


def test_malformed_and_rtcp_datagrams():
    b = MediaStream(listen_for=[A])
    events = b.receive(b"\x40" + bytes(20), 1.0)
    assert len(events) == 1 and isinstance(events[0], MalformedPacket)
    assert "version" in events[0].reason
    assert b.receive(b"\x80\xc9\x00\x01" + bytes(4), 1.0) == []
    assert b.receive(b"\x80\x00", 2.0) == [
        MalformedPacket(reason="2 octets is shorter than the 12-octet RTP header", at=2.0)
    ]
    assert (b.malformed_received, b.rtcp_received, b.packets_received) == (2, 1, 0)
    assert b.first_packet_at is None


def test_other_payload_types_are_counted_but_not_decoded():
    b = MediaStream(listen_for=[A])
    event = RtpPacket(101, 1, 0, 5, b"\x01\x00\x00\xa0")
    b.receive(bytes(event), 0.0)
    assert b.stats.received == 1
    assert b.received_audio().size == 0


def test_statistics_follow_the_current_source():
    b = MediaStream(listen_for=[A])
    for i in range(5):
        b.receive(bytes(RtpPacket(0, i, 160 * i, 1, bytes(160))), i * FRAME)
    for i in range(3):
        b.receive(bytes(RtpPacket(0, 900 + i, 7 + 160 * i, 2, bytes(160))), 1 + i * FRAME)
    assert b.stats.ssrc == 2
    assert b.stats.received == 3
    assert {ssrc: s.received for ssrc, s in b.sources.items()} == {1: 5, 2: 3}


def test_mixed_signatures_are_all_heard():
    b = MediaStream(listen_for=[A, B, C])
    detector = SignatureDetector([A, B, C])
    assert detector.frame_size == 160
    for i in range(3):
        samples = (
            A.samples(160, 160 * i, 3000).astype(int) + B.samples(160, 160 * i, 3000).astype(int)
        ).astype(np.int16)
        b.receive(bytes(RtpPacket(0, i, 160 * i, 1, g711.ulaw_encode(samples))), i * FRAME)
    assert b.heard_now() == {A, B}


def test_invalid_configuration_is_a_caller_bug():
    with pytest.raises(ValueError, match=r"not G\.711"):
        MediaStream(payload_type=18)
    with pytest.raises(ValueError, match="8000"):
        MediaStream(clock_rate=16000)
    with pytest.raises(ValueError, match="whole number"):
        MediaStream(ptime=0.0201)
