"""The monitor's mix (CC-MON-1): both directions of a call summed into the listener's stream."""

from __future__ import annotations

import random

import numpy as np

from harness.media import g711
from harness.media.relay import Leg
from harness.media.rtp import RtpPacket
from harness.reference.telephony.monitor import FRAME, MAX_QUEUED, TwoWayMix


def frame(value: int, seq: int = 0, pt: int = g711.PCMU) -> bytes:
    samples = np.full(FRAME, value, dtype=np.int16)
    return bytes(RtpPacket(pt, seq, seq * FRAME, 1234, g711.encode(pt, samples)))


def decoded(packet: bytes) -> np.ndarray:
    parsed = RtpPacket.parse(packet)
    return g711.decode(parsed.payload_type, parsed.payload).astype(np.int32)


def test_the_listener_hears_the_sum_of_both_directions():
    mix = TwoWayMix(g711.PCMU, random.Random(1))
    mix.feed(Leg.A, frame(1000))
    mix.feed(Leg.B, frame(-3000))
    out = decoded(mix.next_packet())
    assert abs(int(out.mean()) - (-2000)) < 100  # G.711 rounds; the sum is what is heard


def test_a_silent_direction_leaves_the_other_heard_alone_and_then_silence():
    mix = TwoWayMix(g711.PCMA, random.Random(1))
    mix.feed(Leg.B, frame(2000, pt=g711.PCMA))
    assert abs(int(decoded(mix.next_packet()).mean()) - 2000) < 100
    assert abs(int(decoded(mix.next_packet()).mean())) < 16  # nothing queued: silence


def test_the_mix_is_one_stream_of_its_own_twenty_ms_apart():
    mix = TwoWayMix(g711.PCMU, random.Random(1))
    first, second = RtpPacket.parse(mix.next_packet()), RtpPacket.parse(mix.next_packet())
    assert first.ssrc == second.ssrc
    assert (second.sequence_number - first.sequence_number) % (1 << 16) == 1
    assert (second.timestamp - first.timestamp) % (1 << 32) == FRAME


def test_a_direction_queues_a_bounded_delay_and_drops_the_oldest_frames():
    mix = TwoWayMix(g711.PCMU, random.Random(1))
    for n in range(MAX_QUEUED + 3):
        mix.feed(Leg.A, frame(100 * (n + 1), seq=n))
    assert mix.queued(Leg.A) == MAX_QUEUED
    oldest_kept = 100 * 4  # frames 1 to 3 were dropped
    assert abs(int(decoded(mix.next_packet()).mean()) - oldest_kept) < 16


def test_telephone_events_and_garbage_are_not_mixed():
    mix = TwoWayMix(g711.PCMU, random.Random(1))
    mix.feed(Leg.A, bytes(RtpPacket(101, 1, 0, 5, b"\x01\x0a\x00\xa0")))
    mix.feed(Leg.B, b"not rtp")
    assert mix.queued(Leg.A) == 0 and mix.queued(Leg.B) == 0
