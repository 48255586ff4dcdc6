"""Signature tones: each party transmits its own, and a receiver tells whom it hears.

A signature is a steady sine at a frequency chosen from `SIGNATURE_FREQUENCIES_HZ`. Several can
be present at once (a conference bridge or a whisper mixes parties), so the detector looks for
each candidate on its own instead of picking the loudest.

Detection works on 20 ms frames. Every signature sits on a multiple of 50 Hz, which is exactly
one DFT bin of a 20 ms frame at any sample rate, so each signature completes a whole number of
cycles per frame whatever the frame's alignment: two signatures are orthogonal and do not leak
into each other's bins. A candidate is reported when the frame is louder than a floor (so
near-silence is ignored) and its bin

1. holds a real share of the frame's energy (broadband noise spreads its energy over all bins);
2. stands well above the nearby non-signature bins on both sides (band-limited noise has
   neighbouring bins as loud as any);
3. is not one tooth of a harmonic comb (a vowel can put a harmonic on a signature bin, but its
   other harmonics stand at the same spacing on both sides).

Limits: a signature more than about 10 dB below the others of a mix falls under the energy
share, and one drowned in loud speech may be missed; parties transmit signatures, not speech.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DEFAULT_SAMPLE_RATE = 8000
DEFAULT_AMPLITUDE = 8000
"""Peak amplitude of a signature (about -12 dBFS): three mixed at this level do not clip."""

FRAME_SECONDS = 0.02
BIN_HZ = 50
"""Frequency resolution of a 20 ms frame, and the grid every signature sits on."""

# The signatures live above the DTMF high group (697-1633 Hz) and away from the tones a
# telephone network plays by itself, so none of those can pass for a party:
# - call progress tones (dial, ringback, busy, congestion: 350-620 Hz in the US, 400-450 Hz in
#   the UK, 425 Hz in most of Europe) lie below 700 Hz, as does most of the energy of speech;
# - the special information tone ends at 1776.7 Hz, 1.5 bins below 1850 Hz;
# - 2100 Hz (fax and modem answer tone, ITU-T V.25) is left out.
# Neighbours are at least 150 Hz (three bins) apart, and the top stays inside the 300-3400 Hz
# telephone passband so a transcoding or band-limiting platform carries every signature.
SIGNATURE_FREQUENCIES_HZ: tuple[int, ...] = (
    1850,
    2000,
    2200,
    2350,
    2500,
    2650,
    2800,
    2950,
    3100,
    3250,
)

# Detection thresholds, tuned by the false-positive/false-negative tests in tests/unit/media.
MIN_ENERGY_SHARE = 0.05
"""A signature's bin must hold at least this share of the frame's energy (1.0 for a pure tone)."""
MIN_PROMINENCE = 25.0
"""...and be this many times (14 dB) above the median of its neighbouring bins."""
MIN_RMS = 50.0
"""Frames quieter than this (about -56 dBFS) are treated as silence."""
COMB_MARGIN = 100.0
"""A candidate with bins this close (20 dB) on both sides at one spacing is a harmonic comb."""
_NEIGHBOURHOOD = 7
"""Bins on each side of a candidate that estimate the local noise floor (|offset| >= 2)."""


def tone(
    frequency_hz: float,
    n_samples: int,
    amplitude: float = DEFAULT_AMPLITUDE,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    start_sample: int = 0,
) -> npt.NDArray[np.int16]:
    """``n_samples`` of a sine starting at sample index ``start_sample``.

    Frames generated with consecutive ``start_sample`` values join without a phase jump, which
    a jump would otherwise spread over neighbouring bins.
    """
    if n_samples < 0:
        raise ValueError("n_samples must not be negative")
    if not 0 <= amplitude <= 32767:
        raise ValueError("amplitude must be within the int16 range")
    n = np.arange(start_sample, start_sample + n_samples, dtype=np.float64)
    # Reduce the phase modulo one cycle in exact-ish arithmetic before scaling by 2*pi, so hours
    # of audio keep the same precision as the first frame.
    cycles = np.mod(n * frequency_hz, sample_rate) / sample_rate
    return np.rint(amplitude * np.sin(2.0 * np.pi * cycles)).astype(np.int16)


def goertzel_power(frame: npt.ArrayLike, frequency_hz: float, sample_rate: int) -> float:
    """Power of ``frame`` at one frequency, |sum x[n] e^(-j w n)|^2 with w = 2 pi f / fs.

    This is the quantity the Goertzel recurrence produces; it is evaluated here as a dot product,
    which numpy runs faster than a per-sample Python loop. For a sine of amplitude A on a bin of
    an N-sample frame it equals (A N / 2)^2.
    """
    x = np.asarray(frame, dtype=np.float64)
    w = 2.0 * np.pi * frequency_hz / sample_rate
    n = np.arange(x.size)
    real = float(np.dot(x, np.cos(w * n)))
    imag = float(np.dot(x, np.sin(w * n)))
    return real * real + imag * imag


@dataclass(frozen=True, slots=True)
class Signature:
    """The tone one party transmits so that receivers can tell it is that party they hear."""

    frequency_hz: int

    def __post_init__(self) -> None:
        if self.frequency_hz <= 0 or self.frequency_hz % BIN_HZ:
            raise ValueError(f"a signature must be a positive multiple of {BIN_HZ} Hz")

    def samples(
        self,
        n_samples: int,
        start_sample: int = 0,
        amplitude: float = DEFAULT_AMPLITUDE,
        sample_rate: int = DEFAULT_SAMPLE_RATE,
    ) -> npt.NDArray[np.int16]:
        """The signature's waveform from ``start_sample`` on."""
        return tone(self.frequency_hz, n_samples, amplitude, sample_rate, start_sample)

    def __str__(self) -> str:
        return f"signature {self.frequency_hz} Hz"


SIGNATURES: tuple[Signature, ...] = tuple(Signature(f) for f in SIGNATURE_FREQUENCIES_HZ)


def signature_for(index: int) -> Signature:
    """The ``index``-th signature of the table: give each party of a scenario its own index."""
    if not 0 <= index < len(SIGNATURES):
        raise ValueError(f"only {len(SIGNATURES)} signatures exist, no index {index}")
    return SIGNATURES[index]


class SignatureDetector:
    """Finds which of ``candidates`` are present in 20 ms frames of audio."""

    def __init__(
        self, candidates: Iterable[Signature], sample_rate: int = DEFAULT_SAMPLE_RATE
    ) -> None:
        self.candidates: tuple[Signature, ...] = tuple(dict.fromkeys(candidates))
        if sample_rate % BIN_HZ:
            raise ValueError(f"sample rate must be a multiple of {BIN_HZ} Hz")
        self.sample_rate = sample_rate
        self.frame_size = sample_rate // BIN_HZ
        nyquist_bin = self.frame_size // 2
        bins = [s.frequency_hz // BIN_HZ for s in self.candidates]
        if any(k >= nyquist_bin for k in bins):
            raise ValueError("a candidate signature is above the Nyquist frequency")
        self._bins = np.array(bins, dtype=np.intp)
        self._bin_list = bins
        # Bins that may carry a signature (a candidate or not) would bias a noise floor.
        reserved = set(bins) | {f // BIN_HZ for f in SIGNATURE_FREQUENCIES_HZ}
        self._floor_sides: list[tuple[list[int], list[int]]] = []
        self._comb_offsets: list[list[int]] = []
        for k in bins:
            offsets = range(2, _NEIGHBOURHOOD + 1)
            below = [k - d for d in offsets if k - d > 0 and k - d not in reserved]
            above = [k + d for d in offsets if k + d < nyquist_bin and k + d not in reserved]
            self._floor_sides.append((below, above))
            # A pair of signatures symmetric around k is a legitimate mix, not a comb.
            self._comb_offsets.append(
                [
                    d
                    for d in offsets
                    if k - d > 0
                    and k + d < nyquist_bin
                    and not (k - d in reserved and k + d in reserved)
                ]
            )

    def _spectrum(self, frame: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], float]:
        x = np.asarray(frame)
        if x.shape != (self.frame_size,):
            raise ValueError(f"expected a frame of {self.frame_size} samples, got {x.shape}")
        x = x.astype(np.float64)
        energy = float(np.dot(x, x))
        half = self.frame_size // 2 + 1
        terms = x @ _dft_basis(self.frame_size)
        return terms[:half] ** 2 + terms[half:] ** 2, energy

    def energy_shares(self, frame: npt.ArrayLike) -> dict[Signature, float]:
        """Each candidate's share of the frame energy (1.0 for a pure tone), for diagnostics."""
        power, energy = self._spectrum(frame)
        if energy == 0.0:
            return dict.fromkeys(self.candidates, 0.0)
        # Parseval for a real frame: bin k (0 < k < N/2) carries 2 |X_k|^2 / N of the energy.
        shares = 2.0 * power[self._bins] / (self.frame_size * energy)
        return dict(zip(self.candidates, shares.tolist(), strict=True))

    def analyse(self, frame: npt.ArrayLike) -> set[Signature]:
        """The candidates present in one frame of ``frame_size`` samples."""
        power, energy = self._spectrum(frame)
        if energy < self.frame_size * MIN_RMS * MIN_RMS:
            return set()
        shares = 2.0 * power[self._bins] / (self.frame_size * energy)
        found: set[Signature] = set()
        passing = np.flatnonzero(shares >= MIN_ENERGY_SHARE).tolist()
        if passing:
            # A few dozen scalar look-ups follow: plain floats are faster than numpy scalars.
            spectrum = power.tolist()
            found.update(self.candidates[i] for i in passing if self._stands_out(spectrum, i))
        return found

    def _stands_out(self, power: list[float], i: int) -> bool:
        """Whether candidate ``i`` is a lone tone rather than part of noise or a harmonic comb."""
        k = self._bin_list[i]
        peak = power[k]
        below, above = self._floor_sides[i]
        # The louder side sets the floor, so a band edge next to the candidate (one quiet side)
        # cannot make band-limited noise look like a tone.
        floor = max(_median(power, below), _median(power, above))
        if peak < MIN_PROMINENCE * floor:
            return False
        # Voiced speech is a comb of harmonics: a harmonic on a signature bin has comparable
        # harmonics at the same spacing on both sides, a signature has none.
        limit = peak / COMB_MARGIN
        return not any(
            power[k - d] >= limit and power[k + d] >= limit for d in self._comb_offsets[i]
        )


@functools.cache
def _dft_basis(n: int) -> npt.NDArray[np.float64]:
    """Cosine and sine terms of bins 0..n/2, shared by every detector of that frame size.

    One small matrix product yields every bin's power (each the value `goertzel_power` gives for
    that bin) and runs faster than an FFT call at this size.
    """
    phase = 2.0 * np.pi * np.outer(np.arange(n), np.arange(n // 2 + 1)) / n
    basis = np.concatenate([np.cos(phase), np.sin(phase)], axis=1)
    basis.flags.writeable = False
    return basis


def _median(power: list[float], bins: list[int]) -> float:
    if not bins:
        return 0.0
    values = sorted([power[b] for b in bins])
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2.0


def mix(*signals: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
    """Sum equal-length int16 signals with saturation, as a conference mixer does."""
    if not signals:
        raise ValueError("nothing to mix")
    total = np.sum([s.astype(np.int32) for s in signals], axis=0)
    return np.clip(total, -32768, 32767).astype(np.int16)
