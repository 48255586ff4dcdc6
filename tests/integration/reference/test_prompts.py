"""Prompts rendered by espeak-ng (the reference's IVR voice) are told apart by the matcher.

Real speech in one synthetic voice is the hard case for the matcher: menus share words ("For
..., press 1"). Each prompt must match itself through G.711 and stay under the bar against the
others; silence and an unrendered text never match.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from harness.media import g711
from harness.media.prompts import MATCH_SCORE, RATE, identify, is_silent
from harness.reference.telephony.prompts import PromptRenderer

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed ('./callproof test')"
)

TEXTS = {
    "main": "For Sales, press 1. For Support, press 2.",
    "sales": "For Billing, press 1. For Refunds, press 2.",
    "support": "For Support, press 1.",
    "after_hours": "We are closed now. Please call again during our business hours.",
    "greeting": "Please leave a message after the tone.",
}


@pytest.fixture(scope="module")
def prompts() -> dict[str, np.ndarray]:
    renderer = PromptRenderer()
    return {name: renderer.render(text) for name, text in TEXTS.items()}


def over_the_phone(samples: np.ndarray) -> np.ndarray:
    return g711.decode(g711.PCMA, g711.encode(g711.PCMA, samples))


def test_a_rendering_is_speech_at_8_khz_and_is_kept(prompts: dict[str, np.ndarray]) -> None:
    renderer = PromptRenderer()
    audio = renderer.render(TEXTS["greeting"])
    assert audio.dtype == np.int16 and 1.0 < len(audio) / RATE < 5.0
    assert not is_silent(audio)
    assert renderer.render("  Please leave a message   after the tone. ") is audio
    assert np.array_equal(audio, prompts["greeting"])  # the same text renders the same


@pytest.mark.parametrize("expected", sorted(TEXTS))
def test_each_prompt_is_recognised_and_no_other(
    prompts: dict[str, np.ndarray], expected: str
) -> None:
    heard = over_the_phone(
        np.concatenate([np.zeros(1234, np.int16), prompts[expected], np.zeros(800, np.int16)])
    )
    verdict = identify(heard, prompts, expected)
    assert verdict.matched, verdict.explain()
    for score in verdict.scores:
        if score.name != expected:
            assert score.score < MATCH_SCORE, f"{score.name} passes for {expected}: {score}"
