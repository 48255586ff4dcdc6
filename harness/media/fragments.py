"""Is any of a known sound still in the audio, even cut into pieces?

:func:`harness.media.prompts.identify` recognises a prompt by its first second, whole. A sound
that goes on beside other audio can reach a listener in pieces instead: two RTP streams sent
to the same party (a melody that did not stop, and the agent who answered) are taken packet by
packet, so the listener's audio alternates 20 ms of one with 20 ms of the other and no second
of either survives whole. Short pieces still carry the waveform: each ``CHUNK`` of the received
audio is compared with every position of the known sound by normalised cross-correlation, and
the share of loud chunks that match tells how much of what was heard was that sound. Sans-IO:
arrays in, a number out.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.media.prompts import SILENCE_RMS, Samples, locate

CHUNK = 80  # 10 ms at 8 kHz: shorter than a packet, so some chunk sits inside each piece
MATCH_SCORE = 0.9  # a chunk of the known sound scores near 1; a tone of another pitch far less


@dataclass(frozen=True)
class FragmentShare:
    """How many of the loud chunks of the received audio belong to the known sound."""

    matching: int
    loud: int

    @property
    def share(self) -> float:
        return self.matching / self.loud if self.loud else 0.0


def fragments_of(heard: Samples, known: Samples, chunk: int = CHUNK) -> FragmentShare:
    """Count the chunks of ``heard`` (loud ones only) found in ``known`` at ``MATCH_SCORE``."""
    matching = loud = 0
    for start in range(0, len(heard) - chunk + 1, chunk):
        piece = heard[start : start + chunk]
        rms = float(((piece.astype("float64") ** 2).mean()) ** 0.5)
        if rms < SILENCE_RMS:
            continue
        loud += 1
        score, _ = locate(known, piece)
        if score >= MATCH_SCORE:
            matching += 1
    return FragmentShare(matching, loud)
