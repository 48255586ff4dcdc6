"""Which prompt did a party hear? Normalised cross-correlation against the known prompt audio.

A contact center plays recorded or synthesised prompts (menus, after-hours messages, voicemail
greetings). "Some audio arrived" proves nothing about *which* prompt it was, so a party that
expects one compares what it received with every prompt it knows, as audio:

* each known prompt gives a *fingerprint*: its first ``FINGERPRINT_S`` seconds of speech
  (leading silence trimmed), or the whole prompt if shorter;
* :func:`locate` slides a fingerprint over the received audio and scores each lag with the
  normalised cross-correlation (the correlation divided by the energies of the fingerprint and
  of the received window under it), so loudness does not matter and a prompt found anywhere in
  the recording (after a greeting, after another menu) scores near 1;
* :func:`identify` scores every known prompt and says whether the expected one is clearly
  present, and if not, which known prompt was heard instead; silence (nothing above
  ``SILENCE_RMS``) is never a match.

G.711 keeps a prompt's waveform (its quantisation noise is some 35 dB below speech), so the
prompt a party really heard scores above 0.9 while a different sentence in the same synthetic
voice stays well under ``MATCH_SCORE``. Sans-IO: arrays in, verdicts out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RATE = 8000
FINGERPRINT_S = 1.0
MATCH_SCORE = 0.75  # normalised cross-correlation a heard prompt must reach
SILENCE_RMS = 100.0  # int16 RMS below which a 20 ms frame counts as silence
_FRAME = RATE // 50

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True)
class PromptScore:
    """How well one known prompt matches the received audio, and where it starts in it."""

    name: str
    score: float
    offset_s: float


@dataclass(frozen=True)
class PromptVerdict:
    """What :func:`identify` concluded about the received audio."""

    expected: str
    scores: tuple[PromptScore, ...]  # best first
    silent: bool
    heard_s: float

    @property
    def best(self) -> PromptScore | None:
        return self.scores[0] if self.scores else None

    @property
    def own(self) -> PromptScore | None:
        """The expected prompt's score, if it is among the known prompts."""
        return next((s for s in self.scores if s.name == self.expected), None)

    @property
    def matched(self) -> bool:
        """The expected prompt is in the audio: it scores at least ``MATCH_SCORE``.

        Other prompts may be there too (a greeting before a menu); what counts is that the
        one expected was heard.
        """
        own = self.own
        return not self.silent and own is not None and own.score >= MATCH_SCORE

    def explain(self) -> str:
        """One sentence for a failure message, naming the expected and the heard prompt."""
        if self.silent:
            return f"expected the prompt {self.expected!r} but heard silence ({self.heard_s:.1f} s)"
        best = next((s for s in self.scores if s.name != self.expected), None)
        expected = self.own
        own = f"{expected.score:.2f}" if expected else "not known"
        if best is None:
            return f"expected the prompt {self.expected!r}; no prompt is known to compare with"
        if best.score >= MATCH_SCORE:
            return (
                f"expected the prompt {self.expected!r} but heard the prompt {best.name!r} "
                f"(score {best.score:.2f} at {best.offset_s:.2f} s; {self.expected!r} "
                f"scores {own})"
            )
        return (
            f"expected the prompt {self.expected!r} but heard no known prompt in "
            f"{self.heard_s:.1f} s of audio (best: {best.name!r} at {best.score:.2f}; "
            f"{self.expected!r} scores {own}; a match needs {MATCH_SCORE})"
        )


def trim_silence(samples: Samples) -> Samples:
    """``samples`` without leading and trailing silence (20 ms frames under ``SILENCE_RMS``)."""
    loud = np.flatnonzero(_frame_rms(samples) >= SILENCE_RMS)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] * _FRAME : (loud[-1] + 1) * _FRAME]


def fingerprint(prompt: Samples, seconds: float = FINGERPRINT_S) -> Samples:
    """The part of a prompt a listener must hear to recognise it: its first seconds of speech."""
    speech = trim_silence(prompt)
    return speech[: round(seconds * RATE)]


def is_silent(samples: Samples) -> bool:
    """No 20 ms frame reaches ``SILENCE_RMS``."""
    return not bool(np.any(_frame_rms(samples) >= SILENCE_RMS))


def locate(heard: Samples, template: Samples) -> tuple[float, int]:
    """The best normalised cross-correlation of ``template`` over ``heard``, and its lag.

    Returns (0.0, 0) when the template is empty, silent, or longer than what was heard.
    """
    n, m = len(heard), len(template)
    if m == 0 or n < m:
        return 0.0, 0
    t = template.astype(np.float64)
    t -= t.mean()
    t_energy = float(np.dot(t, t))
    if t_energy <= 0.0:
        return 0.0, 0
    h = heard.astype(np.float64)
    size = 1 << int(np.ceil(np.log2(n + m)))
    corr = np.fft.irfft(np.fft.rfft(h, size) * np.conj(np.fft.rfft(t, size)), size)[: n - m + 1]
    # Energy of each window of `heard`, mean removed, from running sums.
    c1 = np.concatenate(([0.0], np.cumsum(h)))
    c2 = np.concatenate(([0.0], np.cumsum(h * h)))
    sums = c1[m:] - c1[:-m]
    energies = (c2[m:] - c2[:-m]) - sums * sums / m
    floor = m * SILENCE_RMS**2 / 4  # a near-silent window must not score by dividing by ~0
    scores = corr / np.sqrt(t_energy * np.maximum(energies, floor))
    lag = int(np.argmax(scores))
    return float(scores[lag]), lag


def identify(heard: Samples, prompts: Mapping[str, Samples], expected: str) -> PromptVerdict:
    """Score every known prompt against ``heard`` (8 kHz int16) and judge ``expected``."""
    silent = is_silent(heard)
    scores = []
    if not silent:
        for name, audio in prompts.items():
            score, lag = locate(heard, fingerprint(audio))
            scores.append(PromptScore(name, round(score, 3), round(lag / RATE, 3)))
    scores.sort(key=lambda s: s.score, reverse=True)
    return PromptVerdict(expected, tuple(scores), silent, round(len(heard) / RATE, 3))


def _frame_rms(samples: Samples) -> npt.NDArray[np.float64]:
    frames = len(samples) // _FRAME
    if frames == 0:
        return np.zeros(0)
    block = samples[: frames * _FRAME].astype(np.float64).reshape(frames, _FRAME)
    return np.asarray(np.sqrt(np.mean(block * block, axis=1)))
