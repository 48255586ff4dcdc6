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
