"""Finding the redacted span of a recording: the longest run of frames where nobody is heard."""

from __future__ import annotations

from harness.scenario.redaction import longest_silence

A, B, NOBODY = frozenset({"a"}), frozenset({"a", "b"}), frozenset[str]()


def test_the_longest_silent_run_is_found() -> None:
    frames = [B, NOBODY, B, NOBODY, NOBODY, NOBODY, A, B]
    assert longest_silence(frames) == (3, 6)


def test_a_silence_running_to_the_end_counts() -> None:
    assert longest_silence([B, NOBODY, NOBODY]) == (1, 3)


def test_no_silence_gives_an_empty_span() -> None:
    lo, hi = longest_silence([A, B])
    assert hi - lo == 0
