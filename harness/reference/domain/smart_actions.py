"""Smart actions (seed 004, CC-SA): what an agent may ask a mobile-SDK consumer for, during a
call or a chat, and what a consumer's answer and a web-SDK chat's attachment must be.

Pure rules, no storage: the service (``consumers/smart_actions.py``) applies them.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import Conflict, InvalidField

MEDIA_KINDS = ("photos", "screenshot", "videos")
KINDS = ("verify_identity", *MEDIA_KINDS, "text_input", "redact")
# CC-SA-1 lists what a call has, CC-SA-2 what a chat has: no text input and no redact in a chat.
ALLOWED = {
    "call": frozenset(KINDS),
    "chat": frozenset({"verify_identity", *MEDIA_KINDS}),
}
MAX_PHOTOS = 4  # CC-SA-1, CC-SA-2: "up to four"
MAX_MEDIA_BYTES = 32 * 1024  # one item, decoded (the body of an answer is at most 64 KiB)
MAX_TEXT = 2000
VERIFY_METHODS = ("fingerprint", "unlock_code")

# What a file's first bytes say it is (CC-SA-3 checks content, not only the name).
PNG = "image/png"
JPEG = "image/jpeg"
MP4 = "video/mp4"
# The paperclip's accepted types, by file extension (reference choice: others are refused).
ATTACHMENT_TYPES = {".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".mp4": MP4}
# What each media smart action takes.
MEDIA_TYPES = {"photos": (PNG, JPEG), "screenshot": (PNG, JPEG), "videos": (MP4,)}


def sniff(data: bytes) -> str | None:
    """The media type ``data`` starts like (PNG, JPEG, MP4), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return MP4
    return None


@dataclass(frozen=True)
class Request:
    """What an agent asked for: ``kind``, during a ``call`` or a ``chat``, ``count`` items."""

    kind: str
    during: str
    count: int


def parse_request(data: Mapping[str, Any], *, redact_enabled: bool) -> Request:
    """Check an agent's request; every refusal names the member that was wrong."""
    kind = data.get("kind")
    if kind not in KINDS:
        raise InvalidField("kind", f"must be one of {', '.join(KINDS)}")
    during = data.get("during")
    if during not in ALLOWED:
        raise InvalidField("during", "must be call or chat")
    if kind not in ALLOWED[during]:
        offered = ", ".join(k for k in KINDS if k in ALLOWED[during])
        raise InvalidField(
            "kind", f"{kind} is not available in a {during} (a {during} has: {offered})"
        )
    if kind == "redact" and not redact_enabled:
        raise Conflict("redact is not enabled for this account (Settings > Smart actions)")
    count = data.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidField("count", "must be a whole number of at least 1")
    if kind == "photos" and count > MAX_PHOTOS:
        raise InvalidField("count", f"at most {MAX_PHOTOS} photos can be requested at once")
    if kind not in ("photos", "videos") and count != 1:
        raise InvalidField("count", f"{kind} takes no count")
    return Request(kind, during, count)


@dataclass(frozen=True)
class Media:
    """One item a consumer captured: its type (from its bytes) and its bytes."""

    content_type: str
    data: bytes


@dataclass(frozen=True)
class Answer:
    """A consumer's answer: ``result`` and what goes with it."""

    result: str
    detail: dict[str, Any]
    media: tuple[Media, ...] = ()


def _decode(item: Any, where: str) -> bytes:
    if not isinstance(item, str):
        raise InvalidField(where, "must be base64 text")
    try:
        data = base64.b64decode(item, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidField(where, "must be base64 text") from None
    if not data:
        raise InvalidField(where, "must not be empty")
    if len(data) > MAX_MEDIA_BYTES:
        raise InvalidField(where, f"must be at most {MAX_MEDIA_BYTES} bytes")
    return data


def parse_answer(request: Request, data: Mapping[str, Any]) -> Answer:
    """Check a consumer's answer to ``request``."""
    result = data.get("result")
    if request.kind == "verify_identity":
        if result not in ("verified", "failed"):
            raise InvalidField("result", "must be verified or failed")
        method = data.get("method")
        if method not in VERIFY_METHODS:
            raise InvalidField("method", f"must be one of {', '.join(VERIFY_METHODS)}")
        return Answer(str(result), {"method": method})
    if request.kind == "text_input":
        text = data.get("text")
        if result != "entered" or not isinstance(text, str) or not text.strip():
            raise InvalidField("text", "must be the text the consumer entered")
        if len(text) > MAX_TEXT:
            raise InvalidField("text", f"must be at most {MAX_TEXT} characters")
        return Answer("entered", {"text": text})
    if request.kind == "redact":
        raise Conflict("redact takes no answer from the consumer; the agent ends it")
    # photos, screenshot, videos: camera or photo access first (CC-SA-1).
    if result == "denied":
        return Answer("denied", {})
    if result != "granted":
        raise InvalidField("result", "must be granted or denied")
    items = data.get("media")
    if not isinstance(items, list) or not items:
        raise InvalidField("media", "must list what the consumer captured")
    if len(items) > request.count:
        raise InvalidField("media", f"at most {request.count} item(s) were requested")
    return Answer("granted", {}, tuple(_media(request.kind, items)))


def _media(kind: str, items: Sequence[Any]) -> list[Media]:
    found = []
    for index, item in enumerate(items):
        data = _decode(item, f"media[{index}]")
        content_type = sniff(data)
        if content_type not in MEDIA_TYPES[kind]:
            wanted = " or ".join(MEDIA_TYPES[kind])
            raise InvalidField(f"media[{index}]", f"is not {wanted} (its bytes say otherwise)")
        found.append(Media(content_type, data))
    return found


def check_attachment(name: str, data: bytes) -> str:
    """The type of a web-SDK chat's attachment (CC-SA-3), or a refusal naming its type."""
    stem, dot, extension = name.rpartition(".")
    extension = f".{extension.lower()}" if dot and stem else ""
    accepted = ", ".join(sorted({".png", ".jpg", ".mp4"}))
    if extension not in ATTACHMENT_TYPES:
        shown = extension or "a file without an extension"
        raise InvalidField("file", f"type {shown} is not accepted (accepted: {accepted})")
    if not data:
        raise InvalidField("file", "is empty")
    if sniff(data) != ATTACHMENT_TYPES[extension]:
        raise InvalidField(
            "file", f"its content is not {extension} (accepted: {accepted}, checked by content)"
        )
    return ATTACHMENT_TYPES[extension]
