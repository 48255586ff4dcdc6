"""Incoming-call tones (seed 004, CC-NTF-4, 5, 9): the built-in tones, the account's uploaded
ones, and the tone an agent's app plays when a call is offered.

Pure rules: an uploaded tone must be an MP3 file, told by its start: an ID3v2 tag followed by
an MPEG audio frame, or an MPEG audio frame at once (11 bits of frame sync, then a valid
version, layer, bitrate and sample rate). A tone plays once (``repeat_s`` None) or again every
``repeat_s`` seconds while the call waits for the agent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InvalidField

#: Built-in tones by id (reference choice: three, each a short generated melody).
BUILT_IN: dict[str, str] = {"classic": "Classic", "chime": "Chime", "digital": "Digital"}
DEFAULT_TONE = "classic"
MIN_REPEAT_S, MAX_REPEAT_S = 2, 60
MAX_NAME = 60


@dataclass(frozen=True)
class RingTone:
    """The tone agents' apps play for an offered call, and how often it repeats."""

    tone: str = DEFAULT_TONE
    repeat_s: int | None = None  # None: once

    def to_json(self) -> dict[str, Any]:
        """The setting as the API shows it."""
        return {"tone": self.tone, "repeat_s": self.repeat_s}


def mp3_problem(data: bytes) -> str | None:
    """Why ``data`` is not an MP3 file, or None when it starts like one."""
    if not data:
        return "is empty"
    start = 0
    if data[:3] == b"ID3":
        if len(data) < 10:
            return "has a truncated ID3 tag"
        size = 0
        for byte in data[6:10]:
            if byte & 0x80:
                return "has an ID3 tag with a malformed size"
            size = (size << 7) | byte
        start = 10 + size
    frame = data[start : start + 4]
    if len(frame) < 4 or frame[0] != 0xFF or (frame[1] & 0xE0) != 0xE0:
        return "is not an MP3 file (no ID3 tag or MPEG audio frame sync at its start)"
    version = (frame[1] >> 3) & 0x3
    layer = (frame[1] >> 1) & 0x3
    bitrate = frame[2] >> 4
    rate = (frame[2] >> 2) & 0x3
    if version == 1 or layer == 0 or bitrate in (0, 0xF) or rate == 3:
        return "is not an MP3 file (its first MPEG audio frame header is invalid)"
    return None


def check_mp3(data: bytes) -> bytes:
    """``data``, or InvalidField naming what makes it no MP3 file."""
    problem = mp3_problem(data)
    if problem is not None:
        raise InvalidField("tone", problem)
    return data


def check_name(name: object) -> str:
    """A custom tone's name: some text, at most ``MAX_NAME`` characters."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidField("name", "is required: the tone's name")
    if len(name) > MAX_NAME:
        raise InvalidField("name", f"must be at most {MAX_NAME} characters")
    return name.strip()


def update_ring_tone(
    current: RingTone, changes: Mapping[str, Any], known: Mapping[str, str]
) -> RingTone:
    """``current`` with ``changes``; the tone must be one of ``known`` (id -> name)."""
    tone, repeat = current.tone, current.repeat_s
    if "tone" in changes:
        tone = changes["tone"]
        if not isinstance(tone, str) or tone not in known:
            raise InvalidField("tone", f"must be one of the tones: {', '.join(sorted(known))}")
    if "repeat_s" in changes:
        repeat = changes["repeat_s"]
        if repeat is not None and (
            isinstance(repeat, bool)
            or not isinstance(repeat, int)
            or not MIN_REPEAT_S <= repeat <= MAX_REPEAT_S
        ):
            raise InvalidField(
                "repeat_s",
                f"must be null (once) or whole seconds from {MIN_REPEAT_S} to {MAX_REPEAT_S}",
            )
    return RingTone(tone, repeat)
