"""Debouncing detections into heard/lost transitions."""

from __future__ import annotations

from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.media.events import SignatureHeard, SignatureLost
from harness.media.hearing import LATE_ALLOWANCE_S, Hearing
from harness.media.tones import signature_for

A = signature_for(0)
B = signature_for(1)
F = 0.02


def approx(t: float) -> float:
    """``pytest.approx`` typed as the time it stands for, to compare events holding times."""
    return cast(float, pytest.approx(t))


def test_one_frame_is_not_enough_two_in_a_row_are():
    hearing = Hearing([A, B])
    assert hearing.frame({A}, 1.00) == []
    assert hearing.frame(set(), 1.02) == []
    assert hearing.frame({A}, 1.04) == []
    # Confirmed on the second consecutive frame; the onset is the first one's arrival.
    assert hearing.frame({A}, 1.06) == [SignatureHeard(A, at=1.04)]
    assert hearing.heard_now() == {A}
    assert hearing.first_heard(A) == pytest.approx(1.04)
    assert hearing.first_heard(B) is None
    # Fires once per transition, not on every frame.
    assert hearing.frame({A}, 1.08) == []


def test_lost_after_five_frames_without_it():
    hearing = Hearing([A])
    hearing.frame({A}, 0.0)
    hearing.frame({A}, F)
    events = [e for i in range(2, 7) for e in hearing.frame(set(), i * F)]
    assert events == [SignatureLost(A, at=approx(2 * F))]
    assert hearing.heard_now() == set()


def test_a_short_gap_does_not_flap():
    hearing = Hearing([A])
    hearing.frame({A}, 0.0)
    hearing.frame({A}, F)
    events = []
    for i in range(2, 6):  # four frames without it
        events += hearing.frame(set(), i * F)
    events += hearing.frame({A}, 6 * F)
    assert events == []
    assert hearing.heard_now() == {A}


def test_heard_again_after_lost_keeps_the_first_onset():
    hearing = Hearing([A], lost_after=1)
    hearing.frame({A}, 0.0)
    hearing.frame({A}, F)
    assert hearing.frame(set(), 2 * F) == [SignatureLost(A, at=approx(2 * F))]
    hearing.frame({A}, 3 * F)
    assert hearing.frame({A}, 4 * F) == [SignatureHeard(A, at=approx(3 * F))]
    assert hearing.first_heard(A) == 0.0


def test_audio_that_stops_is_lost_by_the_timer():
    hearing = Hearing([A, B])
    assert hearing.deadline() is None
    hearing.frame({A}, 0.0)
    hearing.frame({A}, F)
    assert hearing.deadline() == pytest.approx(F + LATE_ALLOWANCE_S)
    assert hearing.silence(F + LATE_ALLOWANCE_S - 0.001) == []
    # No frame came after F: the absence began when the next one was due.
    assert hearing.silence(F + LATE_ALLOWANCE_S) == [SignatureLost(A, at=approx(2 * F))]
    assert hearing.deadline() is None


def test_frame_counts_must_be_positive():
    with pytest.raises(ValueError):
        Hearing([A], heard_after=0)


class _EveryFrameInFull(Hearing):
    """A `Hearing` that never takes the shortcut for a frame that finds what is heard."""

    def frame(self, found, at, lost=0):
        self._settled = False
        return super().frame(found, at, lost)


@given(
    st.lists(
        st.one_of(
            st.sampled_from([frozenset(), frozenset({A}), frozenset({B}), frozenset({A, B})]),
            st.just("silence"),
        ),
        max_size=60,
    )
)
def test_the_shortcut_for_a_steady_frame_changes_nothing(steps):
    quick, full = Hearing([A, B]), _EveryFrameInFull([A, B])
    at = 0.0
    for step in steps:
        at += F
        if step == "silence":
            at += 5 * F
            assert quick.silence(at) == full.silence(at)
        else:
            assert quick.frame(step, at) == full.frame(step, at)
        assert quick.heard_now() == full.heard_now()
        assert quick.deadline() == full.deadline()


def test_a_heard_signature_is_lost_when_frames_keep_coming_without_it():
    hearing = Hearing([A, B])
    for i in range(10):
        hearing.frame({A}, i * F)
    # Another party's signature in place of the one heard: A goes within five frames.
    events = [e for i in range(10, 15) for e in hearing.frame({B}, i * F)]
    assert events == [SignatureHeard(B, at=approx(10 * F)), SignatureLost(A, at=approx(10 * F))]
    assert hearing.heard_now() == {B}


def test_frames_held_up_and_delivered_in_a_burst_are_late_not_lost():
    hearing = Hearing([A])
    hearing.frame({A}, 0.0)
    hearing.frame({A}, F)
    assert hearing.silence(F + 0.2) == []  # 200 ms without a frame: not yet a loss
    events = [e for n in range(10) for e in hearing.frame({A}, F + 0.2 + n * 0.001)]
    assert events == [] and hearing.heard_now() == {A}


def test_frames_the_timestamps_show_lost_are_frames_without_the_signature():
    hearing = Hearing([A])
    hearing.frame({A}, 0.0)
    hearing.frame({A}, F)
    assert hearing.frame({A}, 6 * F, lost=4) == []  # four lost: below the five a loss takes
    assert hearing.frame({A}, 13 * F, lost=6) == [SignatureLost(A, at=approx(7 * F))]
    assert hearing.frame({A}, 14 * F) == [SignatureHeard(A, at=approx(13 * F))]
