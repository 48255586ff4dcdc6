"""Redact pauses the call recording (seed 004, CC-SA-4): during a real call, recorded, the agent
starts a redact on the customer's mobile-SDK session, the customer goes on speaking (her
signature tone), the agent ends the redact; the downloaded recording has a silent span as long
as the redact, with both parties' audio before and after it.
"""

from __future__ import annotations

import io
import time
import wave
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pytest

from harness.errors import ConformanceFailure
from harness.media.tones import SignatureDetector
from harness.scenario.calls import CallFlows
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.recordings import FRAME, MIN_FRAMES, RecordingDesk
from harness.scenario.smart_actions import SmartActionDesk

SAMPLE_RATE = 8000
# How far the silent span may differ from the redact as the harness timed it: the request and
# the end each take an API round trip, and the recorder places audio on a 20 ms grid.
SPAN_TOLERANCE_S = 0.35


def heard_by_frame(wav: bytes, cast: Cast) -> list[frozenset[str]]:
    """Whose signature each 20 ms frame of a mono 8 kHz recording carries."""
    with wave.open(io.BytesIO(wav), "rb") as src:
        if (src.getnchannels(), src.getsampwidth(), src.getframerate()) != (1, 2, SAMPLE_RATE):
            raise ConformanceFailure((), "a mono 16-bit recording at 8 kHz", "another format")
        data = src.readframes(src.getnframes())
    track: npt.NDArray[np.int16] = np.frombuffer(data, dtype="<i2").astype(np.int16)
    detector = SignatureDetector(cast.stage.all_signatures)
    return [
        frozenset(cast.stage.whose(s) for s in detector.analyse(track[start : start + FRAME]))
        for start in range(0, len(track) - FRAME + 1, FRAME)
    ]


def longest_silence(frames: list[frozenset[str]]) -> tuple[int, int]:
    """The first and one-past-last frame of the longest run of frames where nobody is heard."""
    best, start = (0, 0), None
    for index, heard in enumerate([*frames, frozenset({"end"})]):
        if not heard and start is None:
            start = index
        elif heard and start is not None:
            if index - start > best[1] - best[0]:
                best = (start, index)
            start = None
    return best


@dataclass
class RedactDesk:
    """The redact of the scenario's call and how long it lasted as the harness timed it."""

    smart: SmartActionDesk
    flows: CallFlows
    recordings: RecordingDesk
    started_at: float = 0.0
    span_s: float = 0.0

    def start(self, name: str) -> None:
        """The agent starts a redact on ``name``'s session, for the scenario's last call."""
        call_id = self.flows.sut_call_id(self.flows.last)
        self.smart.request(name, "a redact", "call", call_id=call_id)
        self.started_at = time.monotonic()
        self.smart.expect_asked(name, "a redact")

    def end(self, name: str) -> None:
        action = self.smart.actions[name]
        self.smart.run(self.smart.smart_actions.end(action.id))
        self.span_s = time.monotonic() - self.started_at

    def expect_redacted(self, agent: str, user: str) -> None:
        """The recording is silent for the redact's span, with both parties around it."""
        recording = self.recordings.recording_of(self.flows.last)
        wav = self.smart.run(
            self.recordings.recordings.play(recording.url, user=self.smart.cast.agent(user))
        )
        frames = heard_by_frame(wav, self.smart.cast)
        lo, hi = longest_silence(frames)
        gap_s = (hi - lo) * FRAME / SAMPLE_RATE
        if abs(gap_s - self.span_s) > SPAN_TOLERANCE_S:
            raise ConformanceFailure(
                (),
                f"a silent span of about {self.span_s:.2f} s (the redact) in recording"
                f" {recording.id}",
                f"the longest silence lasts {gap_s:.2f} s",
            )
        for where, part in (("before", frames[:lo]), ("after", frames[hi:])):
            for party in (CUSTOMER, agent):
                count = sum(1 for heard in part if party in heard)
                if count < MIN_FRAMES:
                    raise ConformanceFailure(
                        (),
                        f"the audio of {party} {where} the redact in recording {recording.id}",
                        f"{count} frames",
                    )


@pytest.fixture
def redact_desk(
    smart_desk: SmartActionDesk, flows: CallFlows, recording_desk: RecordingDesk
) -> RedactDesk:
    """The scenario's redact (on the consumers of ``smart_desk``, the calls of ``flows``)."""
    return RedactDesk(smart_desk, flows, recording_desk)
