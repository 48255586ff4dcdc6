"""The monitor's mix (CC-MON-1): both directions of a call summed into the listener's stream,
at the senders' pace, on a virtual clock."""

from __future__ import annotations

import random

import numpy as np
import numpy.typing as npt

from harness.media import g711
from harness.media.relay import Leg
from harness.media.rtp import RtpPacket
from harness.reference.telephony.monitor import FRAME, HOLD_S, MAX_QUEUED, TwoWayMix


def frame(value: int, seq: int = 0, pt: int = g711.PCMU) -> bytes:
    samples = np.full(FRAME, value, dtype=np.int16)
    return bytes(RtpPacket(pt, seq, seq * FRAME, 1234, g711.encode(pt, samples)))


def level(packet: bytes) -> int:
    parsed = RtpPacket.parse(packet)
    decoded: npt.NDArray[np.int16] = g711.decode(parsed.payload_type, parsed.payload)
    return int(decoded.astype(np.int32).mean())


def mix(pt: int = g711.PCMU) -> TwoWayMix:
    return TwoWayMix(pt, random.Random(1))


def test_a_frame_waits_for_the_other_direction_and_the_two_leave_as_their_sum():
    m = mix()
    assert m.feed(Leg.A, frame(1000), 0.0) == []
    assert m.next_timer() == HOLD_S
    (out,) = m.feed(Leg.B, frame(-3000), 0.01)
    assert abs(level(out) - (-2000)) < 100  # G.711 rounds; the sum is what is heard
    assert m.next_timer() is None


def test_a_frame_whose_other_direction_is_silent_leaves_alone_after_the_hold():
    m = mix(g711.PCMA)
    m.feed(Leg.B, frame(2000, pt=g711.PCMA), 1.0)
    assert m.handle_timer(1.0 + HOLD_S / 2) == []
    (out,) = m.handle_timer(1.0 + HOLD_S)
    assert abs(level(out) - 2000) < 100


def test_a_late_burst_is_passed_on_as_audio_not_as_silence():
    m = mix()
    for n in range(4):  # one direction's frames arrive together, after a stall
        m.feed(Leg.A, frame(500, seq=n), 2.0)
    sent = []
    for n in range(4):
        sent += m.feed(Leg.B, frame(500, seq=n), 2.0)
    assert [abs(level(p) - 1000) < 100 for p in sent] == [True] * 4


def test_the_mix_is_one_stream_of_its_own_twenty_ms_apart():
    m = mix()
    m.feed(Leg.A, frame(1), 0.0)
    (first,) = m.feed(Leg.B, frame(1), 0.0)
    m.feed(Leg.A, frame(1, seq=1), 0.02)
    (second,) = m.feed(Leg.B, frame(1, seq=1), 0.02)
    one, two = RtpPacket.parse(first), RtpPacket.parse(second)
    assert one.ssrc == two.ssrc
    assert (two.sequence_number - one.sequence_number) % (1 << 16) == 1
    assert (two.timestamp - one.timestamp) % (1 << 32) == FRAME


def test_a_direction_queues_a_bounded_delay_and_drops_the_oldest_frames():
    m = mix()
    for n in range(MAX_QUEUED + 3):
        m.feed(Leg.A, frame(100 * (n + 1), seq=n), 0.0)
    assert m.queued(Leg.A) == MAX_QUEUED
    first = m.handle_timer(HOLD_S)[0]
    assert abs(level(first) - 100 * 4) < 16  # frames 1 to 3 were dropped


def test_telephone_events_and_garbage_are_not_mixed():
    m = mix()
    m.feed(Leg.A, bytes(RtpPacket(101, 1, 0, 5, b"\x01\x0a\x00\xa0")), 0.0)
    m.feed(Leg.B, b"not rtp", 0.0)
    assert m.queued(Leg.A) == 0 and m.queued(Leg.B) == 0
