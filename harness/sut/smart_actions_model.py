"""Plain data of the ``smart_actions`` capability (CC-SA): what an agent asked a consumer for,
the consumer's answer with its media, and the files a web-SDK chat's consumer attached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SmartActionKind = Literal[
    "verify_identity", "photos", "screenshot", "videos", "text_input", "redact"
]
During = Literal["call", "chat"]


@dataclass(frozen=True)
class Captured:
    """One item the consumer sent: its media type and bytes."""

    content_type: str
    data: bytes


@dataclass(frozen=True)
class SmartActionRecord:
    """A smart action as the SUT shows it to the agent.

    ``status``: requested, answered or ended; ``result`` the consumer's (verified, failed,
    granted, denied, entered); ``detail`` what goes with it (``method``, ``text``)."""

    id: str
    session_id: str
    kind: str
    during: str
    status: str
    result: str | None
    detail: Mapping[str, Any] = field(default_factory=dict)
    media: tuple[Captured, ...] = ()


@dataclass(frozen=True)
class AttachmentRecord:
    """A file a web-SDK chat's consumer attached, as the agent gets it."""

    id: str
    name: str
    content_type: str
    data: bytes
