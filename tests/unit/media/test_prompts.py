"""The prompt matcher: the prompt a party heard is found, another prompt or silence is not.

Prompts here are synthetic "speech": seeded sequences of voiced syllables (a glottal pulse
train through two formant resonances, with a syllable envelope), passed through G.711 as a
call would carry them. No program is started: the reference renders real prompts with
espeak-ng, which the features exercise.
"""

from __future__ import annotations

import numpy as np
import pytest

from harness.media import g711
from harness.media.prompts import MATCH_SCORE, RATE, fingerprint, identify, locate, trim_silence


def syllables(seed: int, count: int = 12) -> np.ndarray:
    """A made-up utterance: ``count`` syllables of random pitch and vowel, 8 kHz int16."""
    rng = np.random.default_rng(seed)
    pieces = []
    for _ in range(count):
        length = int(rng.integers(1000, 2000))
        t = np.arange(length) / RATE
        pitch = rng.uniform(90, 220)
        f1, f2 = rng.uniform(300, 900), rng.uniform(900, 2500)
        phase = np.cumsum(np.full(length, pitch / RATE))
        source = np.sign(np.sin(2 * np.pi * phase)) * 0.3 + rng.normal(0, 0.05, length)
        voiced = source * (np.sin(2 * np.pi * f1 * t) + 0.5 * np.sin(2 * np.pi * f2 * t))
        envelope = np.sin(np.pi * np.arange(length) / length) ** 2
        pieces.append(voiced * envelope * 9000)
        pieces.append(np.zeros(int(rng.integers(200, 600))))
    return np.clip(np.concatenate(pieces), -32768, 32767).astype(np.int16)


def over_the_phone(samples: np.ndarray) -> np.ndarray:
    return g711.decode(g711.PCMU, g711.encode(g711.PCMU, samples))


PROMPTS = {"main-menu": syllables(1), "after-hours": syllables(2), "voicemail": syllables(3)}


def recording(*parts: np.ndarray) -> np.ndarray:
    return over_the_phone(np.concatenate([p.astype(np.int16) for p in parts]))


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE), dtype=np.int16)


def test_the_prompt_heard_is_found_wherever_it_starts() -> None:
    heard = recording(silence(0.73), PROMPTS["after-hours"] // 3, silence(0.5))
    verdict = identify(heard, PROMPTS, "after-hours")
    assert verdict.matched, verdict.explain()
    assert verdict.best is not None and verdict.best.score > 0.95
    assert verdict.best.offset_s == pytest.approx(0.73, abs=0.03)


def test_hearing_only_the_first_second_of_a_prompt_is_enough() -> None:
    start = fingerprint(PROMPTS["main-menu"])
    heard = recording(silence(0.2), PROMPTS["main-menu"][: len(start) + 400])
    assert identify(heard, PROMPTS, "main-menu").matched


def test_a_prompt_after_another_one_is_found_and_told_apart() -> None:
    heard = recording(PROMPTS["main-menu"], silence(0.3), PROMPTS["voicemail"])
    assert identify(heard, PROMPTS, "voicemail").matched
    assert identify(heard, PROMPTS, "main-menu").matched


def test_a_wrong_prompt_is_rejected_with_both_names() -> None:
    heard = recording(silence(0.4), PROMPTS["after-hours"])
    verdict = identify(heard, PROMPTS, "main-menu")
    assert not verdict.matched
    message = verdict.explain()
    assert "'main-menu'" in message and "'after-hours'" in message
    own = next(s for s in verdict.scores if s.name == "main-menu")
    assert own.score < MATCH_SCORE


def test_silence_and_noise_are_never_a_prompt() -> None:
    quiet = identify(recording(silence(3.0)), PROMPTS, "main-menu")
    assert not quiet.matched and quiet.silent
    assert "heard silence" in quiet.explain()
    noise = np.random.default_rng(9).normal(0, 3000, 3 * RATE).astype(np.int16)
    noisy = identify(recording(noise), PROMPTS, "main-menu")
    assert not noisy.matched and not noisy.silent
    assert "no known prompt" in noisy.explain()


def test_locate_ignores_loudness_and_needs_enough_audio() -> None:
    template = fingerprint(PROMPTS["voicemail"])
    loud = recording(silence(0.1), PROMPTS["voicemail"])
    quiet = recording(silence(0.1), PROMPTS["voicemail"] // 8)
    assert locate(loud, template)[0] > 0.95 and locate(quiet, template)[0] > 0.9
    assert locate(template[:100], template) == (0.0, 0)  # shorter than the fingerprint


def test_trim_silence_keeps_only_the_speech() -> None:
    speech = PROMPTS["main-menu"]
    trimmed = trim_silence(np.concatenate([silence(0.5), speech, silence(0.5)]))
    assert abs(len(trimmed) - len(trim_silence(speech))) <= RATE // 50
    assert len(trim_silence(silence(1.0))) == 0
