"""The call recorder: both directions mixed, each party's audio whole whatever the jitter."""

from __future__ import annotations

import numpy as np

from harness.media import g711
from harness.media.relay import Leg
from harness.media.rtp import RtpPacket
from harness.media.tones import SIGNATURES, SignatureDetector
from harness.reference.telephony.recorder import CallRecorder


def _packets(signature_index: int, ssrc: int, count: int) -> list[bytes]:
    tone = SIGNATURES[signature_index].samples(160 * count)
    return [
        bytes(
            RtpPacket(
                payload_type=0,
                sequence_number=i,
                timestamp=1000 + 160 * i,
                ssrc=ssrc,
                payload=g711.encode(0, tone[160 * i : 160 * (i + 1)]),
            )
        )
        for i in range(count)
    ]


def test_both_directions_are_in_the_mix_despite_jitter() -> None:
    recorder = CallRecorder()
    rng = np.random.default_rng(7)
    for i, (a, b) in enumerate(zip(_packets(0, 11, 50), _packets(1, 22, 50), strict=True)):
        jitter = float(rng.uniform(0, 0.015))
        recorder(Leg.A, a, 100.0 + 0.02 * i + jitter)
        recorder(Leg.B, b, 100.005 + 0.02 * i + jitter / 2)
    mix = recorder.samples()
    assert 0.99 <= recorder.seconds <= 1.01 and recorder.packets == {Leg.A: 50, Leg.B: 50}
    detector = SignatureDetector(SIGNATURES[:4])
    frames = [detector.analyse(mix[s : s + 160]) for s in range(0, len(mix) - 159, 160)]
    for signature in SIGNATURES[:2]:
        assert sum(signature in found for found in frames) >= 45
    assert not any(SIGNATURES[2] in found for found in frames)


def test_a_recording_stops_growing_at_its_limit() -> None:
    recorder = CallRecorder(max_seconds=1)
    for i, packet in enumerate(_packets(0, 11, 100)):
        recorder(Leg.A, packet, 5.0 + 0.02 * i)
    assert recorder.seconds == 1.0
    recorder(Leg.A, b"\x00garbage", 9.0)  # not RTP: ignored
    assert len(recorder.samples()) == 8000


def test_a_paused_recording_keeps_the_span_silent_and_the_audio_after_it_in_place() -> None:
    recorder = CallRecorder()
    for i, packet in enumerate(_packets(0, 11, 150)):
        recorder.paused = 50 <= i < 100  # a redact for the second second
        recorder(Leg.A, packet, 10.0 + 0.02 * i)
    mix = recorder.samples()
    assert recorder.seconds == 3.0
    detector = SignatureDetector(SIGNATURES[:1])
    heard = [bool(detector.analyse(mix[s : s + 160])) for s in range(0, len(mix) - 159, 160)]
    assert sum(heard[:50]) >= 48 and sum(heard[100:]) >= 48
    assert not any(heard[50:100])
