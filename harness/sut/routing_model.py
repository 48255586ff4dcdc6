"""Plain data of the ``routing`` capability: business hours, queues, deflection, prompts.

What any contact-center platform's admin console shows for hours and after-hours deflection
(seed 004), not the reference's internals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

HoursScope = Literal["global", "queue", "channel", "language"]
ChannelName = Literal["ivr", "mobile", "web", "sms", "chat"]
DeflectionOptionName = Literal["queue", "phone", "voicemail", "message"]
VirtualAgentMode = Literal["none", "always", "queue_hours"]
PromptKind = Literal["menu", "message", "override", "deflection"]


@dataclass(frozen=True)
class WeeklyHours:
    """When a scope is open: openings per day (``{"mon": ("09:00-17:00",)}``, days left out are
    closed) in an IANA ``timezone``, minus ``holidays`` (local dates); ``always_open`` is 24/7."""

    timezone: str
    weekly: Mapping[str, Sequence[str]] = field(default_factory=dict)
    holidays: Sequence[date] = ()
    always_open: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "timezone": self.timezone,
            "weekly": {day: list(openings) for day, openings in self.weekly.items()},
            "holidays": [d.isoformat() for d in self.holidays],
            "always_open": self.always_open,
        }


@dataclass(frozen=True)
class OpenState:
    """Whether a queue / channel / language is open now, and which schedule decided it
    (``queue:<id>``, ``language:fr``, ``channel:sms``, ``global``)."""

    open: bool
    source: str


@dataclass(frozen=True)
class QueueRef:
    """A queue of the SUT's tree, as the harness refers to it."""

    id: str
    name: str


@dataclass(frozen=True)
class Deflection:
    """An after-hours deflection: ``queue`` (``queue``), ``phone`` (E.164), ``voicemail``
    (optional custom greeting in ``text``), ``message`` (optional custom text)."""

    option: DeflectionOptionName
    queue: QueueRef | None = None
    phone: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class PromptAudio:
    """A prompt as the SUT renders it (what an admin hears when playing it in the console)."""

    name: str
    sample_rate: int
    samples: npt.NDArray[np.int16]


@dataclass(frozen=True)
class Voicemail:
    """A voicemail the SUT kept: who left it, for which queue, who was notified, its audio."""

    id: str
    call_id: str
    caller: str
    queue_id: str | None
    notified_user_ids: tuple[str, ...]
    crm_record: bool
    duration_s: float
    callback: str | None = None  # the number a caller with a hidden number keyed in
