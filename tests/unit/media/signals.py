"""Test signals: noise of several colours, DTMF, call progress tones, voiced speech."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from harness.media import g711
from harness.media.tones import mix, tone

FRAME = 160
RATE = 8000

Int16 = npt.NDArray[np.int16]

DTMF_LOW = (697, 770, 852, 941)
DTMF_HIGH = (1209, 1336, 1477, 1633)


def frames(signal: Int16) -> Int16:
    """Whole 20 ms frames of ``signal``, one per row."""
    usable = signal.size - signal.size % FRAME
    return signal[:usable].reshape(-1, FRAME)


def through_g711(signal: Int16, payload_type: int = g711.PCMU) -> Int16:
    return g711.decode(payload_type, g711.encode(payload_type, signal))


def to_int16(x: npt.NDArray[np.float64]) -> Int16:
    return np.clip(np.rint(x), -32768, 32767).astype(np.int16)


def white_noise(rng: np.random.Generator, n_frames: int, rms: float) -> Int16:
    return to_int16(rng.normal(0.0, rms, n_frames * FRAME))


def shaped_noise(
    rng: np.random.Generator, n_frames: int, rms: float, gain: npt.NDArray[np.float64]
) -> Int16:
    """Noise whose spectrum follows ``gain`` (a function of frequency, sampled by rfftfreq)."""
    x = rng.normal(0.0, 1.0, n_frames * FRAME)
    spectrum = np.fft.rfft(x) * gain
    shaped = np.fft.irfft(spectrum, x.size)
    return to_int16(shaped / shaped.std() * rms)


def band_noise(rng: np.random.Generator, n_frames: int, rms: float, lo: float, hi: float) -> Int16:
    freqs = np.fft.rfftfreq(n_frames * FRAME, 1 / RATE)
    return shaped_noise(rng, n_frames, rms, ((freqs >= lo) & (freqs <= hi)).astype(float))


def comfort_noise(rng: np.random.Generator, n_frames: int, rms: float) -> Int16:
    """Low-level noise with the gently falling spectrum comfort noise generators produce."""
    freqs = np.fft.rfftfreq(n_frames * FRAME, 1 / RATE)
    return shaped_noise(rng, n_frames, rms, 1.0 / np.sqrt(1.0 + (freqs / 500.0) ** 2))


def dtmf(low: float, high: float, n_frames: int, amplitude: float = 6000) -> Int16:
    n = n_frames * FRAME
    return mix(tone(low, n, amplitude), tone(high, n, amplitude))


def vowel(
    rng: np.random.Generator, n_frames: int, f0: float, vibrato: float = 0.0, level: float = 12000
) -> Int16:
    """A voiced vowel like /i/: harmonics of ``f0`` shaped by formants at 300, 2300, 3000 Hz.

    /i/ has its second formant in the signature band, the hardest case for the detector; with
    ``vibrato`` the pitch wanders by that fraction at 5 Hz, as a human voice does.
    """
    n = np.arange(n_frames * FRAME)
    pitch = f0 * (1.0 + vibrato * np.sin(2 * np.pi * 5.0 * n / RATE))
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    out = np.zeros(n.size)
    for h in range(1, int(3600 / f0)):
        f = h * f0
        envelope = (
            1.0 / (1.0 + ((f - 300) / 80) ** 2)
            + 0.3 / (1.0 + ((f - 2300) / 120) ** 2)
            + 0.2 / (1.0 + ((f - 3000) / 150) ** 2)
        )
        out += envelope * np.sin(h * phase + rng.uniform(0, 2 * np.pi))
    return to_int16(out / np.abs(out).max() * level)
