"""A stream analyses each distinct frame once: what it reports must not change for that.

A signature completes whole cycles in every 20 ms frame, so a party's frames repeat the same
octets and their analysis is kept. These tests hold the kept analysis to what analysing every
frame afresh reports, and prove that audio which stops or changes is still lost in time.
"""

from __future__ import annotations

import random
from typing import cast

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.media import g711
from harness.media.dtmf import dtmf_tone
from harness.media.events import DtmfReceived, MediaEvent, SignatureHeard, SignatureLost
from harness.media.hearing import LATE_ALLOWANCE_S
from harness.media.rtp import RtpPacket
from harness.media.stream import ANALYSED_FRAMES, MediaStream
from harness.media.tones import SignatureDetector, mix, signature_for

A = signature_for(0)
B = signature_for(1)
C = signature_for(2)
FRAME = 0.02
N = 160


def approx(t: float) -> float:
    """``pytest.approx`` typed as the time it stands for, to compare events holding times."""
    return cast(float, pytest.approx(t))


class _AnalysingEveryFrame(MediaStream):
    """A stream that keeps no analysis: every frame is decoded and measured afresh."""

    def _analyse(self, payload_type, payload):
        self._analysed.clear()
        return super()._analyse(payload_type, payload)


def _frames() -> list[bytes]:
    """One-frame PCMU payloads: signatures, a mix, silence, noise, a DTMF digit in four frames."""
    rng = np.random.default_rng(7)
    noise = np.clip(rng.normal(0, 2000, N), -32768, 32767).astype(np.int16)
    digit = dtmf_tone("5", 4 * N)
    samples = [
        A.samples(N),
        B.samples(N),
        mix(A.samples(N, amplitude=4000), C.samples(N, amplitude=4000)),
        np.zeros(N, dtype=np.int16),
        noise,
        mix(A.samples(N), (noise // 8).astype(np.int16)),
        *(digit[i * N : (i + 1) * N] for i in range(4)),
    ]
    return [g711.ulaw_encode(s) for s in samples]


FRAMES = _frames()
DIGIT_FRAMES = list(range(6, 10))


def _streams() -> tuple[MediaStream, MediaStream]:
    listen = [A, B, C]
    return MediaStream(listen_for=listen), _AnalysingEveryFrame(listen_for=listen)


def _packet(seq: int, payload: bytes, payload_type: int = g711.PCMU) -> bytes:
    return bytes(RtpPacket(payload_type, seq & 0xFFFF, (seq * N) & 0xFFFFFFFF, 0x5EED, payload))


# A script step: a frame index (several in a row), a DTMF press (its frames), a lost packet, or
# the audio stopping for a while.
_step = st.one_of(
    st.tuples(st.just("frames"), st.integers(0, 5), st.integers(1, 8)),
    st.tuples(st.just("digit"), st.just(0), st.just(0)),
    st.tuples(st.just("lose"), st.just(0), st.integers(1, 3)),
    st.tuples(st.just("stop"), st.just(0), st.integers(1, 10)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_step, max_size=25))
def test_kept_analysis_reports_exactly_what_fresh_analysis_does(script):
    kept, fresh = _streams()
    seq, now = 0, 0.0

    def deliver(payload: bytes) -> None:
        nonlocal seq, now
        data = _packet(seq, payload)
        assert kept.receive(data, now) == fresh.receive(data, now)
        seq, now = seq + 1, now + FRAME
        assert kept.handle_timer(now) == fresh.handle_timer(now)

    for kind, index, count in script:
        if kind == "frames":
            for _ in range(count):
                deliver(FRAMES[index])
        elif kind == "digit":
            for i in DIGIT_FRAMES:
                deliver(FRAMES[i])
        elif kind == "lose":
            seq, now = seq + count, now + count * FRAME
        else:
            now += count * FRAME
            assert kept.handle_timer(now) == fresh.handle_timer(now)
        assert kept.heard_now() == fresh.heard_now()
        assert kept.next_timer() == fresh.next_timer()
    assert kept.frames_received == fresh.frames_received
    assert np.array_equal(kept.received_audio(), fresh.received_audio())


def _analyses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    analyse = SignatureDetector.analyse

    def counting(self, frame):
        calls.append(1)
        return analyse(self, frame)

    monkeypatch.setattr(SignatureDetector, "analyse", counting)
    return calls


def test_a_steady_signature_is_analysed_once(monkeypatch):
    calls = _analyses(monkeypatch)
    a = MediaStream(signature=A, rng=random.Random(3))
    b = MediaStream(listen_for=[A, B])
    a.start_sending(0.0)
    for i in range(50):
        for data in a.produce(i * FRAME):
            b.receive(data, i * FRAME + 0.001)
    assert b.heard_now() == {A}
    assert b.frames_received == 50
    assert len(calls) == 1


def test_a_kept_signature_is_lost_when_silence_arrives_in_its_place():
    b = MediaStream(listen_for=[A, B])
    events = []
    for seq in range(20):
        events += b.receive(_packet(seq, FRAMES[0]), seq * FRAME)
    assert [e for e in events if isinstance(e, SignatureHeard)] == [SignatureHeard(A, at=0.0)]
    silence = [e for seq in range(20, 25) for e in b.receive(_packet(seq, FRAMES[3]), seq * FRAME)]
    # Lost on the fifth silent frame, dated from the first: as when every frame was analysed.
    assert silence[:-1] == []
    assert silence == [SignatureLost(A, at=approx(20 * FRAME))]
    assert b.heard_now() == set()


def test_a_kept_signature_is_lost_when_another_party_arrives_in_its_place():
    b = MediaStream(listen_for=[A, B])
    for seq in range(20):
        b.receive(_packet(seq, FRAMES[0]), seq * FRAME)
    events = [e for seq in range(20, 25) for e in b.receive(_packet(seq, FRAMES[1]), seq * FRAME)]
    assert events == [
        SignatureHeard(B, at=approx(20 * FRAME)),
        SignatureLost(A, at=approx(20 * FRAME)),
    ]
    assert b.heard_now() == {B}


def test_a_kept_signature_is_lost_when_the_packets_stop():
    b = MediaStream(listen_for=[A])
    for seq in range(20):
        b.receive(_packet(seq, FRAMES[0]), seq * FRAME)
    last = 19 * FRAME
    assert b.next_timer() == approx(last + LATE_ALLOWANCE_S)
    assert b.handle_timer(last + LATE_ALLOWANCE_S - 0.001) == []
    assert b.handle_timer(last + LATE_ALLOWANCE_S) == [SignatureLost(A, at=approx(last + FRAME))]


def test_in_band_digits_are_found_between_kept_signature_frames():
    b = MediaStream(listen_for=[A])
    events = []
    payloads = [FRAMES[0]] * 10 + [FRAMES[i] for i in DIGIT_FRAMES] + [FRAMES[0]] * 10
    for seq, payload in enumerate(payloads):
        events += b.receive(_packet(seq, payload), seq * FRAME)
    digits = [e for e in events if isinstance(e, DtmfReceived)]
    assert digits == [DtmfReceived("5", 80.0, approx(10 * FRAME), "inband")]
    assert not any(isinstance(e, SignatureLost) for e in events)


def _deliver(stream: MediaStream, arrivals: list[tuple[int, bytes, float]]) -> list[MediaEvent]:
    """Packets (sequence, payload, arrival), with the stream's timers run when they come due."""
    events: list[MediaEvent] = []
    for seq, payload, at in arrivals:
        due = stream.next_timer()
        while due is not None and due <= at:
            events += stream.handle_timer(due)
            due = stream.next_timer()
        events += stream.receive(_packet(seq, payload), at)
    return events + stream.handle_timer(1e9)


def test_audio_held_up_on_the_way_is_late_not_lost_and_a_timestamp_jump_is_a_loss():
    late = MediaStream(listen_for=[A])
    held = [(seq, FRAMES[0], seq * FRAME + (0.2 if seq >= 10 else 0.0)) for seq in range(20)]
    assert not any(isinstance(e, SignatureLost) for e in _deliver(late, held)[:-1])
    jumped = MediaStream(listen_for=[A])
    sent = [(seq, FRAMES[0], seq * FRAME) for seq in range(20) if not 10 <= seq < 16]
    events = [e for e in _deliver(jumped, sent) if isinstance(e, (SignatureLost, SignatureHeard))]
    assert events[:3] == [
        SignatureHeard(A, at=approx(0.0)),
        SignatureLost(A, at=approx(10 * FRAME)),
        SignatureHeard(A, at=approx(16 * FRAME)),
    ]


def test_in_band_digit_frames_arriving_late_in_a_bunch_are_one_press():
    """Nothing lost, the digit's frames held up 120 ms on the way: one press, as the sender's
    timestamps say, not two."""
    b = MediaStream(listen_for=[A])
    payloads = [FRAMES[0]] * 6 + [FRAMES[i] for i in DIGIT_FRAMES] + [FRAMES[0]] * 10
    arrivals = [seq * FRAME + (0.12 if seq >= 8 else 0.0) for seq in range(len(payloads))]
    arrivals[8:11] = [arrivals[10]] * 3  # frames 8 and 9 wait for frame 10 and come with it
    sent = [(seq, p, at) for seq, (p, at) in enumerate(zip(payloads, arrivals, strict=True))]
    events = _deliver(b, sent)
    digits = [e for e in events if isinstance(e, DtmfReceived)]
    assert digits == [DtmfReceived("5", 80.0, approx(6 * FRAME), "inband")]


def test_in_band_digit_frames_lost_on_the_way_split_the_press():
    b = MediaStream(listen_for=[A])
    payloads = [FRAMES[0]] * 6 + [FRAMES[i] for i in DIGIT_FRAMES] * 2 + [FRAMES[0]] * 10
    sent = [(seq, p, seq * FRAME) for seq, p in enumerate(payloads) if seq not in (10, 11)]
    digits = [e for e in _deliver(b, sent) if isinstance(e, DtmfReceived)]
    assert [d.digit for d in digits] == ["5", "5"]


def test_the_same_octets_in_the_other_law_are_other_audio():
    b = MediaStream(listen_for=[A])
    b.receive(_packet(0, FRAMES[0], g711.PCMU), 0.0)
    b.receive(_packet(1, FRAMES[0], g711.PCMA), FRAME)
    audio = b.received_audio()
    assert np.array_equal(audio[:N], g711.ulaw_decode(FRAMES[0]))
    assert np.array_equal(audio[N:], g711.alaw_decode(FRAMES[0]))


def test_audio_that_never_repeats_keeps_a_bounded_analysis():
    b = MediaStream(listen_for=[A])
    rng = np.random.default_rng(1)
    for seq in range(3 * ANALYSED_FRAMES):
        b.receive(_packet(seq, rng.integers(0, 256, N, dtype=np.uint8).tobytes()), seq * FRAME)
    assert b.frames_received == 3 * ANALYSED_FRAMES
    assert len(b._analysed) <= ANALYSED_FRAMES


def test_a_new_payload_type_is_encoded_in_its_own_law():
    a = MediaStream(signature=A, rng=random.Random(5))
    a.start_sending(0.0)
    first = RtpPacket.parse(a.produce(0.0)[0])
    a.payload_type = g711.PCMA
    second = RtpPacket.parse(a.produce(FRAME)[0])
    assert (first.payload_type, second.payload_type) == (g711.PCMU, g711.PCMA)
    assert first.payload == g711.ulaw_encode(A.samples(N))
    assert second.payload == g711.alaw_encode(A.samples(N, N))


class _CheckingEveryTimer(MediaStream):
    """A stream whose `handle_timer` always looks at every receiving-side deadline."""

    def handle_timer(self, now):
        self._listen_due = float("-inf")
        return super().handle_timer(now)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["frame", "silence", "event", "event end", "digit"]),
            st.floats(0.0, 0.3),
        ),
        max_size=40,
    )
)
def test_a_stream_skips_its_timer_only_when_nothing_is_due(script):
    kept, checking = MediaStream(listen_for=[A, B]), _CheckingEveryTimer(listen_for=[A, B])
    seq, now, event_ts = 0, 0.0, 0

    def deliver(data: bytes) -> None:
        assert kept.receive(data, now) == checking.receive(data, now)

    for kind, wait in script:
        if kind == "frame":
            deliver(_packet(seq, FRAMES[seq % 2 * 3]))  # signature and silence in turn
        elif kind == "silence":
            deliver(_packet(seq, FRAMES[3]))
        elif kind == "digit":
            for i in DIGIT_FRAMES:
                deliver(_packet(seq, FRAMES[i]))
                seq, now = seq + 1, now + FRAME
        else:
            # RFC 4733 reports of one event (its end possibly lost): closed by the timer.
            report = bytes([5, 0x8A if kind == "event end" else 0x0A, 0, 160])
            deliver(bytes(RtpPacket(101, seq & 0xFFFF, event_ts, 0x5EED, report)))
            event_ts += 1600
        seq += 1
        for t in (now + wait / 2, now + wait):
            assert kept.handle_timer(t) == checking.handle_timer(t)
        now += wait + FRAME
        assert kept.heard_now() == checking.heard_now()
