"""Signature tones and their detection: what is found, and how often it is wrong."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from harness.media import g711
from harness.media.tones import (
    BIN_HZ,
    SIGNATURE_FREQUENCIES_HZ,
    SIGNATURES,
    Signature,
    SignatureDetector,
    goertzel_power,
    mix,
    signature_for,
    tone,
)

from .signals import (
    DTMF_HIGH,
    DTMF_LOW,
    FRAME,
    band_noise,
    comfort_noise,
    dtmf,
    frames,
    through_g711,
    vowel,
    white_noise,
)


@pytest.fixture
def detector() -> SignatureDetector:
    return SignatureDetector(SIGNATURES)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261122)


def _detections(detector: SignatureDetector, signal: np.ndarray) -> list[set[Signature]]:
    return [detector.analyse(f) for f in frames(signal)]


def _false_positive_rates(found: list[set[Signature]]) -> tuple[float, int]:
    """(share of frames with any detection, number of detections in two consecutive frames)."""
    any_rate = sum(1 for f in found if f) / len(found)
    runs = sum(1 for a, b in itertools.pairwise(found) if a & b)
    return any_rate, runs


# -- tone and Goertzel ------------------------------------------------------------------------


def test_tone_is_phase_continuous_across_frames():
    whole = tone(1850, 480, amplitude=10000)
    pieces = np.concatenate([tone(1850, 160, 10000, start_sample=s) for s in (0, 160, 320)])
    np.testing.assert_array_equal(whole, pieces)
    assert whole.dtype == np.int16
    assert abs(int(whole.max()) - 10000) <= 1


def test_tone_keeps_its_phase_after_hours():
    start = 8000 * 3600 * 5 + 17
    late = tone(2650, 160, 8000, start_sample=start)
    expected = np.rint(8000 * np.sin(2 * np.pi * 2650 * (np.arange(160) + 17) / 8000))
    np.testing.assert_array_equal(late, expected.astype(np.int16))


def test_goertzel_power_matches_the_recurrence_and_the_closed_form():
    frame = tone(2200, 160, amplitude=1000).astype(float) + np.linspace(-50, 50, 160)
    # The Goertzel recurrence, written out: s[n] = x[n] + 2 cos(w) s[n-1] - s[n-2].
    coeff = 2 * math.cos(2 * math.pi * 2200 / 8000)
    s1 = s2 = 0.0
    for x in frame:
        s1, s2 = x + coeff * s1 - s2, s1
    recurrence = s1 * s1 + s2 * s2 - coeff * s1 * s2
    assert goertzel_power(frame, 2200, 8000) == pytest.approx(recurrence, rel=1e-9)
    # A sine of amplitude A on a bin of an N-sample frame: (A N / 2)^2.
    pure = tone(2200, 160, amplitude=1000)
    assert goertzel_power(pure, 2200, 8000) == pytest.approx((1000 * 160 / 2) ** 2, rel=1e-3)
    assert goertzel_power(pure, 2350, 8000) < 1e-6 * (1000 * 80) ** 2


# -- the signature table ----------------------------------------------------------------------


def test_signature_table_is_well_separated_and_clear_of_network_tones():
    freqs = sorted(SIGNATURE_FREQUENCIES_HZ)
    assert len(freqs) == 10
    assert all(f % BIN_HZ == 0 for f in freqs)
    assert min(b - a for a, b in itertools.pairwise(freqs)) >= 150
    assert min(freqs) > 1633 + 150  # above the DTMF high group
    assert all(abs(f - 1776.7) >= 70 for f in freqs)  # special information tone
    assert 2100 not in freqs  # fax/modem answer tone
    assert max(freqs) <= 3400  # telephone passband


def test_signature_for_indexes_the_table():
    assert signature_for(0) == Signature(1850)
    assert [signature_for(i) for i in range(10)] == list(SIGNATURES)
    with pytest.raises(ValueError, match="10 signatures"):
        signature_for(10)
    with pytest.raises(ValueError, match="multiple of 50"):
        Signature(1234)


# -- detection: what must be found ------------------------------------------------------------


@pytest.mark.parametrize("law", [g711.PCMU, g711.PCMA])
def test_each_signature_alone_is_found_after_g711(detector, rng, law):
    misses = 0
    trials = 0
    for signature in SIGNATURES:
        for _ in range(100):
            amplitude = rng.uniform(200, 20000)  # -44 to -4 dBFS
            start = int(rng.integers(0, 10**7))
            frame = through_g711(signature.samples(FRAME, start, amplitude), law)
            trials += 1
            misses += detector.analyse(frame) != {signature}
    assert trials == 1000
    assert misses == 0  # false negative rate 0 of 1000, and nothing else reported


def test_signature_in_white_noise_at_10_db_snr(detector, rng):
    amplitude = 4000
    noise_rms = amplitude / math.sqrt(2) / math.sqrt(10)
    misses = 0
    for signature in SIGNATURES:
        for _ in range(100):
            clean = signature.samples(FRAME, int(rng.integers(0, 10**6)), amplitude)
            noisy = clean + white_noise(rng, 1, noise_rms)
            misses += detector.analyse(through_g711(noisy)) != {signature}
    assert misses / 1000 <= 0.01


@pytest.mark.parametrize("size", [2, 3])
def test_every_mix_of_two_or_three_signatures_is_found(detector, rng, size):
    errors = []
    for combo in itertools.combinations(SIGNATURES, size):
        # Mixed at reduced level, each within 6 dB of the others, as a conference bridge does.
        parts = [
            s.samples(FRAME, int(rng.integers(0, 10**6)), rng.uniform(2500, 5000)) for s in combo
        ]
        found = detector.analyse(through_g711(mix(*parts)))
        if found != set(combo):
            errors.append((combo, found))
    assert errors == []


def test_a_detector_reports_only_its_candidates(rng):
    wanted = SignatureDetector([signature_for(2), signature_for(5)])
    everything = mix(*(s.samples(FRAME, amplitude=3000) for s in SIGNATURES[:6]))
    assert wanted.analyse(everything) == {signature_for(2), signature_for(5)}


def test_energy_shares_for_diagnostics(detector):
    pure = signature_for(3).samples(FRAME)
    shares = detector.energy_shares(pure)
    assert shares[signature_for(3)] == pytest.approx(1.0, abs=1e-3)
    assert shares[signature_for(4)] == pytest.approx(0.0, abs=1e-6)
    assert set(detector.energy_shares(np.zeros(FRAME, np.int16)).values()) == {0.0}


# -- detection: what must not be found --------------------------------------------------------


def test_silence_and_near_silence_are_silent(detector, rng):
    assert detector.analyse(np.zeros(FRAME, np.int16)) == set()
    # A-law idle pattern decodes to a small constant, not to zero.
    assert detector.analyse(g711.alaw_decode(b"\xd5" * FRAME)) == set()
    # A signature below the level floor (-60 dBFS) counts as silence.
    assert detector.analyse(signature_for(0).samples(FRAME, amplitude=30)) == set()


@pytest.mark.parametrize("rms", [30, 300, 3000, 12000])
def test_white_noise_false_positive_rate(detector, rng, rms):
    found = _detections(detector, through_g711(white_noise(rng, 5000, rms)))
    any_rate, runs = _false_positive_rates(found)
    assert any_rate <= 0.002  # per 20 ms frame, over all ten candidates
    assert runs == 0  # so SignatureHeard (two frames in a row) never fires


def test_comfort_noise_is_silent(detector, rng):
    for rms in (20, 100, 1000):
        found = _detections(detector, through_g711(comfort_noise(rng, 3000, rms)))
        any_rate, runs = _false_positive_rates(found)
        assert any_rate <= 0.002
        assert runs == 0


@pytest.mark.parametrize(("lo", "hi"), [(1700, 3400), (2000, 2600), (300, 3400)])
def test_band_limited_noise_false_positive_rate(detector, rng, lo, hi):
    found = _detections(detector, band_noise(rng, 5000, 3000, lo, hi))
    any_rate, runs = _false_positive_rates(found)
    assert any_rate <= 0.01
    assert runs == 0


def test_dtmf_digits_are_not_signatures(detector):
    for low, high in itertools.product(DTMF_LOW, DTMF_HIGH):
        for law in (g711.PCMU, g711.PCMA):
            found = _detections(detector, through_g711(dtmf(low, high, 25), law))
            assert not any(found), (low, high)


@pytest.mark.parametrize(
    "frequencies",
    [(350, 440), (440, 480), (480, 620), (400, 450), (425,), (913.8,), (1370.6,), (1776.7,)],
)
def test_call_progress_and_information_tones_are_not_signatures(detector, frequencies):
    signal = mix(*(tone(f, 50 * FRAME, 10000) for f in frequencies))
    assert not any(_detections(detector, through_g711(signal)))


@pytest.mark.parametrize("f0", [100, 120, 150, 200, 250])
@pytest.mark.parametrize("vibrato", [0.0, 0.02])
def test_voiced_speech_does_not_pass_for_a_signature(detector, rng, f0, vibrato):
    # With f0 = 200 Hz a harmonic sits exactly on 2200 Hz, inside the /i/ second formant.
    found = _detections(detector, through_g711(vowel(rng, 1000, f0, vibrato)))
    any_rate, runs = _false_positive_rates(found)
    assert any_rate <= 0.01
    assert runs == 0


def test_frames_of_the_wrong_size_are_a_caller_bug(detector):
    with pytest.raises(ValueError, match="160 samples"):
        detector.analyse(np.zeros(240, np.int16))
    assert SignatureDetector(SIGNATURES, sample_rate=16000).frame_size == 320
    with pytest.raises(ValueError, match="Nyquist"):
        SignatureDetector([Signature(4000)])
