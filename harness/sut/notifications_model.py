"""Data of the ``notifications`` capability: the whisper settings and a call's wait."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WhisperSettings:
    """What the agent hears before a call starts: the whisper (at ``speed_wpm`` words per
    minute) and the countdown, each on or off."""

    on: bool
    speed_wpm: int
    countdown: bool


@dataclass(frozen=True)
class CallWait:
    """How long a call's customer waited before being put through to the agent (``wait_s``,
    from the call's arrival), and how much of it the agent's whisper and countdown took."""

    call_id: str
    wait_s: float
    whisper_s: float
    countdown_s: float


@dataclass(frozen=True)
class Tone:
    """A tone of the account's library: built in, or uploaded (an MP3 file)."""

    id: str
    name: str
    built_in: bool


@dataclass(frozen=True)
class RingTone:
    """The tone agents hear for an offered call: played once (``repeat_s`` None) or again
    every ``repeat_s`` seconds while the call waits."""

    tone_id: str
    repeat_s: int | None


@dataclass(frozen=True)
class ToneStart:
    """One start of the incoming-call tone in the agent app: which tone, when (seconds)."""

    name: str
    at_s: float
