"""Agent notifications (seed 004, CC-NTF): what the agent hears before a call starts.

Pure rules: the account's whisper settings, how a change is validated, and the words the agent
hears. The whisper says the call type and the queue ("Phone call from Support"); the countdown
follows it when on. Both are played to the agent alone, before the customer is on the line, so
their duration is part of the customer's wait (CC-NTF-2, 3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .errors import InvalidField

MIN_SPEED_WPM = 80
MAX_SPEED_WPM = 450
DEFAULT_SPEED_WPM = 190
COUNTDOWN_TEXT = "Your turn! The call starts in 3, 2, 1"
#: The call types a whisper names (reference choice): a call dialled straight to a number, or
#: one that reached its queue through the IVR.
PHONE_CALL = "Phone call"
IVR_CALL = "IVR call"
_E164 = re.compile(r"\+[0-9]{8,15}")


@dataclass(frozen=True)
class WhisperSettings:
    """The account's whisper: on or off, its speed in words per minute, the countdown."""

    on: bool = False
    speed_wpm: int = DEFAULT_SPEED_WPM
    countdown: bool = False

    def to_json(self) -> dict[str, Any]:
        """The settings as the API shows them."""
        return {"on": self.on, "speed_wpm": self.speed_wpm, "countdown": self.countdown}


def update_whisper(current: WhisperSettings, changes: Mapping[str, Any]) -> WhisperSettings:
    """``current`` with ``changes`` applied; a member of the wrong type or range is refused
    naming it, and then nothing changes."""
    updated = current
    for name in ("on", "countdown"):
        if name in changes:
            value = changes[name]
            if not isinstance(value, bool):
                raise InvalidField(name, "must be true or false")
            updated = replace(updated, **{name: value})
    if "speed_wpm" in changes:
        speed = changes["speed_wpm"]
        if isinstance(speed, bool) or not isinstance(speed, int):
            raise InvalidField("speed_wpm", "must be a whole number of words per minute")
        if not MIN_SPEED_WPM <= speed <= MAX_SPEED_WPM:
            raise InvalidField(
                "speed_wpm", f"must be between {MIN_SPEED_WPM} and {MAX_SPEED_WPM}, not {speed}"
            )
        updated = replace(updated, speed_wpm=speed)
    return updated


def whisper_text(call_type: str, queue_name: str) -> str:
    """What the agent hears once a call is assigned: "{call type} from {queue name}"."""
    return f"{call_type} from {queue_name}"


@dataclass(frozen=True)
class AgentSms:
    """A user's SMS notification (CC-NTF-6): on or off, to her profile's phone number."""

    sms: bool = False
    phone: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The setting as the API shows it."""
        return {"sms": self.sms, "phone": self.phone}


def update_agent_sms(current: AgentSms, changes: Mapping[str, Any]) -> AgentSms:
    """``current`` with ``changes``; SMS notifications need a profile number to go to."""
    updated = current
    if "phone" in changes:
        phone = changes["phone"]
        if phone is not None and (not isinstance(phone, str) or not _E164.fullmatch(phone)):
            raise InvalidField("phone", "must be an E.164 number: '+' then 8 to 15 digits")
        updated = replace(updated, phone=phone)
    if "sms" in changes:
        if not isinstance(changes["sms"], bool):
            raise InvalidField("sms", "must be true or false")
        updated = replace(updated, sms=changes["sms"])
    if updated.sms and updated.phone is None:
        raise InvalidField("phone", "SMS notifications need a phone number in the profile")
    return updated


def offer_sms_text(caller: str, line_name: str) -> str:
    """The SMS an agent gets for a call offered to her."""
    return f"Incoming call from {caller} on {line_name}"


MAX_TEXT = 500
MESSAGES = ("queue_name", "text", "audio")


@dataclass(frozen=True)
class QueueWhisper:
    """A queue's own whisper (CC-NTF-8), played instead of the account's for calls that reach
    the queue: its message (the queue's name, a text spoken, or uploaded audio), its speed and
    its countdown. ``speed_wpm`` and ``countdown`` left None follow the account's settings."""

    message: str = "queue_name"
    text: str | None = None
    speed_wpm: int | None = None
    countdown: bool | None = None
    has_audio: bool = False

    def to_json(self) -> dict[str, Any]:
        """The queue's whisper as the API shows it."""
        return {
            "message": self.message,
            "text": self.text,
            "speed_wpm": self.speed_wpm,
            "countdown": self.countdown,
            "audio": self.has_audio,
        }


def update_queue_whisper(current: QueueWhisper, changes: Mapping[str, Any]) -> QueueWhisper:
    """``current`` with ``changes``; a text message needs a text, an audio one uploaded audio."""
    updated = current
    if "text" in changes:
        text = changes["text"]
        if text is not None and (not isinstance(text, str) or not text.strip()):
            raise InvalidField("text", "must be a text to speak, not blank")
        if text is not None and len(text) > MAX_TEXT:
            raise InvalidField("text", f"must be at most {MAX_TEXT} characters")
        updated = replace(updated, text=text)
    if "message" in changes:
        if changes["message"] not in MESSAGES:
            raise InvalidField("message", f"must be one of {', '.join(MESSAGES)}")
        updated = replace(updated, message=changes["message"])
    if "speed_wpm" in changes:
        speed = changes["speed_wpm"]
        if speed is not None:
            speed = update_whisper(WhisperSettings(), {"speed_wpm": speed}).speed_wpm
        updated = replace(updated, speed_wpm=speed)
    if "countdown" in changes:
        if changes["countdown"] is not None and not isinstance(changes["countdown"], bool):
            raise InvalidField("countdown", "must be true, false or null (the account's)")
        updated = replace(updated, countdown=changes["countdown"])
    if updated.message == "text" and updated.text is None:
        raise InvalidField("text", "a text message needs the text to speak")
    if updated.message == "audio" and not updated.has_audio:
        raise InvalidField("message", "upload the queue's whisper audio first")
    return updated
