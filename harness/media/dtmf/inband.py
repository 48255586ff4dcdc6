"""DTMF as tones in the audio (ITU-T Q.23 and Q.24): generating them and finding them, sans-IO."""

from __future__ import annotations

import functools
import math

import numpy as np
import numpy.typing as npt

from harness.media.dtmf.common import (
    DBM0_PEAK,
    DEFAULT_DURATION_MS,
    DEFAULT_PAUSE_MS,
    DEFAULT_VOLUME,
    DTMF_DIGITS,
    HIGH_GROUP_HZ,
    KEYPAD,
    LOW_GROUP_HZ,
    TOLERANCE,
    DigitReceived,
    Keying,
    event_for_digit,
)
from harness.media.tones import FRAME_SECONDS, goertzel_power, mix, tone

__all__ = [
    "InbandDtmfDetector",
    "InbandDtmfSender",
    "Tones",
    "dtmf_frequencies",
    "dtmf_tone",
]


def dtmf_frequencies(digit: str) -> tuple[int, int]:
    """The (low, high) tone pair of a digit (ITU-T Q.23)."""
    event = event_for_digit(digit)
    row = next(r for r, keys in enumerate(KEYPAD) if DTMF_DIGITS[event] in keys)
    return LOW_GROUP_HZ[row], HIGH_GROUP_HZ[KEYPAD[row].index(DTMF_DIGITS[event])]


def dtmf_tone(
    digit: str,
    n_samples: int,
    *,
    volume: int = DEFAULT_VOLUME,
    start_sample: int = 0,
    sample_rate: int = 8000,
) -> npt.NDArray[np.int16]:
    """``n_samples`` of a digit's two tones, each ``volume`` dB below 0 dBm0.

    Frames made with consecutive ``start_sample`` values join without a phase jump. Tones
    louder than about -4 dBm0 each add up past full scale and are clipped.
    """
    if not 0 <= volume <= 63:
        raise ValueError(f"volume out of range 0-63: {volume}")
    low, high = dtmf_frequencies(digit)
    amplitude = DBM0_PEAK * 10 ** (-volume / 20)
    return mix(
        tone(low, n_samples, amplitude, sample_rate, start_sample),
        tone(high, n_samples, amplitude, sample_rate, start_sample),
    )


class InbandDtmfSender:
    """Key presses as tones in the audio, sans-IO: which frames carry which tone.

    A press replaces the party's audio for the frames of its tone, as a phone does while a key
    is down; its last frame is completed with silence.
    """

    def __init__(
        self,
        *,
        ptime: float = 0.02,
        clock_rate: int = 8000,
        volume: int = DEFAULT_VOLUME,
        pause_ms: float = DEFAULT_PAUSE_MS,
    ) -> None:
        if not 0 <= volume <= 63:
            raise ValueError(f"volume out of range 0-63: {volume}")
        self.volume = volume
        self._keying = Keying(ptime, clock_rate, pause_ms)

    def press(self, digit: str, now: float, duration_ms: float = DEFAULT_DURATION_MS) -> float:
        """Queue a key press from ``now`` on (or after the previous one); returns its start."""
        return self._keying.add(digit, now, duration_ms).start

    def free_at(self) -> float | None:
        """The earliest start of a further press, or None if nothing was ever pressed."""
        return self._keying.free_at()

    def cancel(self) -> None:
        """Forget every press."""
        self._keying.cancel()

    @property
    def idle(self) -> bool:
        """Whether no press is queued: then no frame is a tone and `samples` returns None."""
        return not self._keying.presses

    def samples(self, t: float, n_samples: int) -> npt.NDArray[np.int16] | None:
        """The audio of the frame due at ``t`` if a press covers it, else None."""
        keying = self._keying
        keying.drop_done(t)
        press = keying.covering(t)
        if press is None:
            return None
        offset = round((t - press.start) * keying.clock_rate)
        out = dtmf_tone(
            press.digit,
            n_samples,
            volume=self.volume,
            start_sample=offset,
            sample_rate=keying.clock_rate,
        )
        out[max(0, press.duration - offset) :] = 0
        return out


# Detection thresholds, in the spirit of ITU-T Q.24 (whose figures differ by administration);
# the false-digit tests in tests/unit/media/test_dtmf.py hold them in place.
MIN_TONE_DBM0 = -30.0
"""Each tone must be at least this loud."""
MAX_HIGH_OVER_LOW_DB = 4.0
MAX_LOW_OVER_HIGH_DB = 6.0
"""Twist: how much louder one tone may be than the other. Lines lose more of the high group,
which is why the low group may lead by more."""
MIN_GROUP_MARGIN_DB = 8.0
"""The tone found in each group must be this much above the other three of the group."""
MIN_PAIR_SHARE = 0.93
"""The two tones must carry this share of the frame's energy: speech and noise spread theirs
over the whole band, a keypad puts nearly all of it in two lines."""
MAX_DEVIATION = 0.025
"""How far (as a fraction) a tone may sit from its nominal frequency. Q.24 has a receiver
accept 1.5 % + 2 Hz and reject 3.5 %, leaving the band between open; this limit sits in it
(for the top two tones, whose offsets a frame tells only to 37.5 Hz, the band's edge blurs)."""
MAX_DRIFT_HZ = 6.0
"""How far a tone may move from one frame to the next while a press is being confirmed: a key
holds its frequencies, a voice glides (vibrato alone moves a harmonic by tens of Hz per frame)."""
MIN_FRAMES = 2
"""A digit counts once found in this many consecutive 20 ms frames (40 ms)."""
GAP_FRAMES = 2
"""A press ends after this many frames without its digit (40 ms): one odd frame inside a tone
does not split it in two. Frames the sender's timestamps show lost count as frames without it."""
LATE_ALLOWANCE_S = 0.3
"""How long frames may stop arriving before a press in progress is taken to have ended. The
timeline of a press is the sender's, not the arrival times: frames that arrive in a bunch after
a pause, their timestamps running on, are late, not absent, and the press goes on (a process
scheduled late, or a network queue, delays frames by tens of milliseconds at times)."""


Tones = tuple[str, float, float]
"""A digit found in a frame, and how far (Hz) its low and high tones sit off their nominal."""

KEYPAD_HZ = LOW_GROUP_HZ + HIGH_GROUP_HZ
_PROBE_HZ = 1 / (4 * FRAME_SECONDS)
"""A quarter of a frame's frequency resolution (12.5 Hz): where `_offset_hz` looks on each side
of a tone. It tells offsets up to 1/T - d = 37.5 Hz; a tone further off can read as nearer, and
is then caught by the share, measured where the tone was thought to be."""
_OFF_FREQUENCY_LOSS = float(np.sinc((1 / FRAME_SECONDS - _PROBE_HZ) * FRAME_SECONDS)) ** 2
"""Power a tone shows at its nominal frequency when as far off as `_offset_hz` can tell."""
_OFFSETS_HZ = np.linspace(-0.99, 0.99, 199) * (1 / FRAME_SECONDS - _PROBE_HZ)
_LOG_RATIOS = np.log(
    np.abs(np.sinc((_PROBE_HZ - _OFFSETS_HZ) * FRAME_SECONDS))
    / np.abs(np.sinc((_PROBE_HZ + _OFFSETS_HZ) * FRAME_SECONDS))
)


class InbandDtmfDetector:
    """DTMF digits in 20 ms frames of decoded audio, one `DigitReceived` per press, sans-IO.

    Each frame is measured at the eight keypad frequencies and a quarter bin either side (the
    Goertzel powers, as one matrix product). It holds a digit when the loudest tone of each
    group stands clear of the rest of its group, sits within `MAX_DEVIATION` of its nominal
    frequency, is loud enough, keeps the twist within limits and, measured where it was found,
    carries with the other tone nearly all of the frame's energy. A digit found in `MIN_FRAMES`
    consecutive frames whose tones do not drift is a press, reported with its onset (the
    arrival of its first frame) and length once `GAP_FRAMES` frames without it have passed or
    another digit has taken its place.

    Frame-aligned tones of 40 ms are found, as a packetised source sends them; a tone straddling
    frame boundaries needs up to 60 ms, as a frame it only partly fills fails the share. A voice
    that holds two harmonics steadily on a row and a column tone, with little else, can pass.
    """

    def __init__(self, sample_rate: int = 8000) -> None:
        self.sample_rate = sample_rate
        self.frame_seconds = FRAME_SECONDS
        self.frame_size = round(sample_rate * FRAME_SECONDS)
        # A sine of peak A on N samples gives a Goertzel power of (A N / 2)^2.
        min_peak = DBM0_PEAK * 10 ** (MIN_TONE_DBM0 / 20)
        self._min_power = (min_peak * self.frame_size / 2) ** 2
        self._basis = _basis(self.frame_size, sample_rate, KEYPAD_HZ)
        self._probes = _basis(
            self.frame_size,
            sample_rate,
            tuple(f - _PROBE_HZ for f in KEYPAD_HZ) + tuple(f + _PROBE_HZ for f in KEYPAD_HZ),
        )
        self._digit: str | None = None
        self._onset = 0.0
        self._frames = 0
        self._misses = 0
        self._run_digit: str | None = None
        self._run = 0
        self._run_onset = 0.0
        self._offsets: tuple[float, float] | None = None
        self._last_frame_at: float | None = None
        self.tone_present = False
        """Whether the last frame held a digit."""

    def classify(self, frame: npt.ArrayLike) -> str | None:
        """The digit one frame holds, or None."""
        found = self._tones(frame)
        return None if found is None else found[0]

    def _tones(self, frame: npt.ArrayLike) -> Tones | None:
        """The digit one frame holds and how far (Hz) its tones are off, or None."""
        x = np.asarray(frame)
        if x.shape != (self.frame_size,):
            raise ValueError(f"expected a frame of {self.frame_size} samples, got {x.shape}")
        x = x.astype(np.float64)
        energy = float(np.dot(x, x))
        if energy == 0.0:
            return None
        terms = x @ self._basis
        terms *= terms
        powers = (terms[:8] + terms[8:]).tolist()
        low, high = powers[:4], powers[4:]
        top_low, top_high = max(low), max(high)
        # Even found off its nominal frequency, a tone cannot be louder than this bound.
        if min(top_low, top_high) < self._min_power * _OFF_FREQUENCY_LOSS:
            return None
        row, col = low.index(top_low), high.index(top_high)
        margin = _ratio(MIN_GROUP_MARGIN_DB)
        if any(p * margin > low[row] for i, p in enumerate(low) if i != row):
            return None
        if any(p * margin > high[col] for i, p in enumerate(high) if i != col):
            return None
        # Each tone's distance from its nominal frequency, then its power measured there.
        keys = (row, 4 + col)
        probes = x @ self._probes
        probe_powers = (probes[:16] ** 2 + probes[16:] ** 2).tolist()
        offsets = [_offset_hz(probe_powers[k], probe_powers[8 + k]) for k in keys]
        if any(abs(e) > MAX_DEVIATION * KEYPAD_HZ[k] for e, k in zip(offsets, keys, strict=True)):
            return None
        p_low, p_high = (
            goertzel_power(x, KEYPAD_HZ[k] + e, self.sample_rate)
            for e, k in zip(offsets, keys, strict=True)
        )
        if min(p_low, p_high) < self._min_power:
            return None
        if p_high > p_low * _ratio(MAX_HIGH_OVER_LOW_DB):
            return None
        if p_low > p_high * _ratio(MAX_LOW_OVER_HIGH_DB):
            return None
        # Parseval: a sine's Goertzel power P is a share 2 P / (N E) of the frame energy E.
        if 2.0 * (p_low + p_high) < MIN_PAIR_SHARE * self.frame_size * energy:
            return None
        return KEYPAD[row][col], offsets[0], offsets[1]

    def measure(self, frame: npt.ArrayLike) -> Tones | None:
        """What one frame holds, for `take`: the digit and how far (Hz) its tones are off.

        A function of the frame's samples alone, so a receiver may keep it for a frame that
        repeats instead of measuring again.
        """
        return self._tones(frame)

    def frame(self, frame: npt.ArrayLike, at: float, lost: int = 0) -> list[DigitReceived]:
        """One frame that arrived at ``at``, ``lost`` frames after the one before it (by the
        sender's timestamps); returns the presses that ended with it."""
        return self.take(self._tones(frame), at, lost)

    def take(self, found: Tones | None, at: float, lost: int = 0) -> list[DigitReceived]:
        """A frame that arrived at ``at``, as `measure` found it, ``lost`` frames missing before
        it; returns the presses ended."""
        out: list[DigitReceived] = []
        if lost >= GAP_FRAMES:
            self._run_digit, self._run = None, 0
            if self._digit is not None:
                out.append(self._finish())
        elif lost and self._digit is not None:
            self._misses += lost  # as one odd frame inside a tone: it does not split it
        return out + self._take(found, at)

    def _take(self, found: Tones | None, at: float) -> list[DigitReceived]:
        digit = None if found is None else found[0]
        if found is not None and digit == self._run_digit and self._offsets is not None:
            drift = max(abs(found[1] - self._offsets[0]), abs(found[2] - self._offsets[1]))
            if drift > MAX_DRIFT_HZ:
                self._run_digit = None  # a tone that glides is a voice: the run starts again
        self._offsets = None if found is None else (found[1], found[2])
        self._last_frame_at = at
        self.tone_present = digit is not None
        if digit is not None and digit == self._run_digit:
            self._run += 1
        else:
            self._run_digit, self._run, self._run_onset = digit, int(digit is not None), at
        out: list[DigitReceived] = []
        if self._digit is not None:
            if digit == self._digit:
                self._frames += self._misses + 1
                self._misses = 0
            else:
                self._misses += 1
                if self._misses >= GAP_FRAMES or self._run >= MIN_FRAMES:
                    out.append(self._finish())
        if self._digit is None and self._run >= MIN_FRAMES:
            # A run that outlived the gap is always of another digit or a fresh press.
            self._digit, self._onset, self._frames = self._run_digit, self._run_onset, self._run
            self._misses = 0
        return out

    def _finish(self) -> DigitReceived:
        assert self._digit is not None
        digit, self._digit = self._digit, None
        self._misses = 0
        return DigitReceived(digit, self._frames * self.frame_seconds * 1000, self._onset)

    def deadline(self) -> float | None:
        """When a press in progress ends if no further frame arrives, or None."""
        if self._last_frame_at is None or (self._digit is None and not self._run):
            return None
        return self._last_frame_at + LATE_ALLOWANCE_S

    def silence(self, now: float) -> list[DigitReceived]:
        """Account for the time up to ``now`` in which no frame arrived (the audio stopped)."""
        due = self.deadline()
        if due is None or now + TOLERANCE < due:
            return []
        self._run_digit, self._run = None, 0
        self.tone_present = False
        return [self._finish()] if self._digit is not None else []


def _ratio(db: float) -> float:
    return float(10 ** (db / 10))


def _offset_hz(below: float, above: float) -> float:
    """How far a tone sits from a frequency f, from its powers at f - `_PROBE_HZ` and f + it.

    On a rectangular window of T seconds a sine at f + e has magnitudes in the ratio
    sinc((d - e) T) / sinc((d + e) T) at f + d and f - d, which grows with e from -(1/T - d)
    to 1/T - d; a table of it is read backwards. Outside that range the offset is infinite.
    """
    if below <= 0.0 or above <= 0.0:
        return math.copysign(math.inf, above - below)
    log_ratio = 0.5 * math.log(above / below)
    if not _LOG_RATIOS[0] <= log_ratio <= _LOG_RATIOS[-1]:
        return math.copysign(math.inf, log_ratio)
    return float(np.interp(log_ratio, _LOG_RATIOS, _OFFSETS_HZ))


@functools.cache
def _basis(n: int, sample_rate: int, freqs: tuple[float, ...]) -> npt.NDArray[np.float64]:
    """Cosine then sine terms of ``freqs`` over ``n`` samples: ``x @ basis`` holds the real and
    imaginary parts whose squares sum to each frequency's Goertzel power."""
    phase = 2.0 * np.pi * np.outer(np.arange(n), np.array(freqs)) / sample_rate
    basis = np.concatenate([np.cos(phase), np.sin(phase)], axis=1)
    basis.flags.writeable = False
    return basis
