"""Pieces of a known sound found in received audio (harness.media.fragments)."""

from __future__ import annotations

import numpy as np

from harness.media.fragments import fragments_of
from harness.media.tones import signature_for, tone
from harness.reference.telephony.hold_audio import hold_melody

PACKET = 160


def _interleave(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """20 ms of one, 20 ms of the other: two RTP streams taken packet by packet."""
    n = min(len(first), len(second)) // PACKET
    pieces = [(first, second)[i % 2][i * PACKET : (i + 1) * PACKET] for i in range(n)]
    return np.concatenate(pieces).astype(np.int16)


def test_a_melody_cut_into_packets_beside_a_voice_is_still_found() -> None:
    melody = hold_melody()
    agent = signature_for(0).samples(len(melody))
    found = fragments_of(_interleave(melody, agent), melody)
    assert found.loud > 100
    assert found.share > 0.3


def test_a_party_signature_alone_is_no_piece_of_the_melody() -> None:
    melody = hold_melody()
    for index in range(4):
        agent = signature_for(index).samples(8000)
        assert fragments_of(agent, melody).matching == 0


def test_silence_has_no_loud_piece() -> None:
    found = fragments_of(np.zeros(8000, dtype=np.int16), hold_melody())
    assert found.loud == 0 and found.share == 0.0


def test_another_pitch_does_not_pass_for_the_melody() -> None:
    found = fragments_of(tone(1000.0, 8000), hold_melody())
    assert found.matching == 0
