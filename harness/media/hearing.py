"""Turns per-frame detections into debounced heard/lost transitions, sans-IO.

A signature is heard once it is detected in `HEARD_AFTER_FRAMES` consecutive frames. One frame
can show a tone-like peak by accident (a splice, a burst of noise, the edge of a prompt), and
frames are nearly independent, so asking for two in a row squares that small probability while
adding only one frame (20 ms) to the time it takes to confirm; the onset reported is still the
first frame's arrival.

A heard signature is lost after `LOST_AFTER_FRAMES` frames without it: frames received without
it, and frames the sender's RTP timestamps show were lost on the way. Five frames (100 ms) ride
out a short loss burst or a mixer's switching transient without flapping, and stay far below the
durations a scenario asserts ("within 1 second").

Frames that stop arriving are not yet lost: a process scheduled late, or a queue on the way,
holds them up and then delivers them in a burst whose timestamps run on, and a listener with a
jitter buffer plays them without a gap. So a stream that goes quiet is lost only once
`LATE_ALLOWANCE_S` passes with no frame at all (dated from its first missing frame); if frames
come back before that, their timestamps tell late (nothing lost) from lost (a jump).

Silence is counted in time the listener itself was running: `Hearing.excuse` takes out time in
which the listener's own process was stalled (its event loop woke late). During such a stall the
listener could not read what arrived, and the harness's own senders did not send either, so the
peer had nothing to relay: counting that time as silence judged the harness, not the peer.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from harness.media.events import MediaEvent, SignatureHeard, SignatureLost
from harness.media.tones import FRAME_SECONDS, Signature

HEARD_AFTER_FRAMES = 2
LOST_AFTER_FRAMES = 5
LATE_ALLOWANCE_S = 0.3
"""How long frames may stop arriving before the stream is taken to have stopped."""


@dataclass
class _Track:
    """Detection state of one signature."""

    heard: bool = False
    run: int = 0
    onset: float = 0.0
    misses: int = 0
    absent_since: float | None = None


class Hearing:
    """What one listener hears, frame by frame."""

    def __init__(
        self,
        candidates: Iterable[Signature],
        frame_seconds: float = FRAME_SECONDS,
        *,
        heard_after: int = HEARD_AFTER_FRAMES,
        lost_after: int = LOST_AFTER_FRAMES,
        late_allowance: float = LATE_ALLOWANCE_S,
    ) -> None:
        if heard_after < 1 or lost_after < 1:
            raise ValueError("frame counts must be at least 1")
        # Never shorter than the frames a loss takes: a stopped stream is not lost sooner.
        self.late_allowance = max(late_allowance, lost_after * frame_seconds)
        self._tracks = {s: _Track() for s in candidates}
        self.frame_seconds = frame_seconds
        self.heard_after = heard_after
        self.lost_after = lost_after
        self._first_heard: dict[Signature, float] = {}
        self._last_frame_at: float | None = None
        # Seconds of the listener's own stalls since the last frame: they push the deadline.
        self._excused = 0.0
        # Whether silence would change anything: kept up to date rather than recomputed, as
        # the media clock asks for the deadline of every stream on every wake-up.
        self._watching = False
        # The signatures heard, and whether no track is part way to a change (no run towards
        # heard, no miss towards lost): then a frame that finds exactly those changes nothing.
        self._heard: frozenset[Signature] = frozenset()
        self._settled = True

    def frame(self, found: AbstractSet[Signature], at: float, lost: int = 0) -> list[MediaEvent]:
        """One analysed frame that arrived at ``at``, with the signatures found in it;
        ``lost``: frames the sender's timestamps show missing just before it."""
        if lost and self._excused:
            # Frames the harness's own senders skipped while its process was stalled (they
            # catch up only so far): the listener's stall, not the peer's loss.
            lost = max(0, lost - round(self._excused / self.frame_seconds))
        events: list[MediaEvent] = self._missed(lost) if lost > 0 else []
        self._last_frame_at = at
        self._excused = 0.0
        if self._settled and found == self._heard and not events:
            # What is heard is found again and nothing is being confirmed or missed: a frame
            # changes nothing but its time (the common case, fifty times a second).
            return []
        for signature, track in self._tracks.items():
            if signature in found:
                track.misses = 0
                track.absent_since = None
                if track.heard:
                    continue
                track.run += 1
                if track.run == 1:
                    track.onset = at
                if track.run >= self.heard_after:
                    track.heard = True
                    track.run = 0
                    self._first_heard.setdefault(signature, track.onset)
                    events.append(SignatureHeard(signature=signature, at=track.onset))
            else:
                track.run = 0
                if not track.heard:
                    continue
                track.misses += 1
                if track.absent_since is None:
                    track.absent_since = at
                if track.misses >= self.lost_after:
                    events.append(self._lose(signature, track, track.absent_since))
        self._update()
        return events

    def _missed(self, lost: int) -> list[MediaEvent]:
        """``lost`` frames did not come, just after the last one: frames without anything."""
        if self._last_frame_at is None:
            return []
        first_missing = self._last_frame_at + self.frame_seconds
        events: list[MediaEvent] = []
        for signature, track in self._tracks.items():
            track.run = 0
            if not track.heard:
                continue
            track.misses += lost
            if track.absent_since is None:
                track.absent_since = first_missing
            if track.misses >= self.lost_after:
                events.append(self._lose(signature, track, track.absent_since))
        self._update()
        return events

    def _update(self) -> None:
        tracks = self._tracks.values()
        self._watching = any(t.heard or t.run for t in tracks)
        self._heard = frozenset(s for s, t in self._tracks.items() if t.heard)
        self._settled = not any(t.run or t.misses for t in tracks)

    def _lose(self, signature: Signature, track: _Track, at: float) -> SignatureLost:
        track.heard = False
        track.misses = 0
        track.absent_since = None
        return SignatureLost(signature=signature, at=at)

    def excuse(self, seconds: float) -> None:
        """The listener was not running for ``seconds`` (its process stalled) since the last
        frame: that time does not count as silence, so the deadline moves that much later.

        A stream that really stopped is still lost, ``lost_after`` frames' worth of running
        time after its last frame, and the loss is still dated from the first missing frame.
        """
        if seconds < 0:
            raise ValueError("a stall cannot last a negative time")
        if self._watching and self._last_frame_at is not None:
            self._excused += seconds

    def deadline(self) -> float | None:
        """When the silence of a stopped stream would change something, or None."""
        if not self._watching or self._last_frame_at is None:
            return None
        return self._last_frame_at + self.late_allowance + self._excused

    def silence(self, now: float) -> list[MediaEvent]:
        """Account for the time up to ``now`` in which no frame arrived."""
        deadline = self.deadline()
        if deadline is None or now + 1e-6 < deadline or self._last_frame_at is None:
            return []
        # The first frame that did not come was due one frame after the last one.
        missing_from = self._last_frame_at + self.frame_seconds
        events: list[MediaEvent] = []
        for signature, track in self._tracks.items():
            track.run = 0
            if track.heard:
                since = track.absent_since if track.absent_since is not None else missing_from
                events.append(self._lose(signature, track, since))
        self._update()
        return events

    def heard_now(self) -> set[Signature]:
        """The signatures heard at the moment."""
        return set(self._heard)

    def first_heard(self, signature: Signature) -> float | None:
        """The onset of the first time ``signature`` was heard, or None."""
        return self._first_heard.get(signature)
