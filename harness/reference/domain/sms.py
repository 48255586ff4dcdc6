"""Text messages (SMS) of an account: the gateway it sends through, and each message's fields.

Pure rules: what a valid gateway setting and a valid message are. Sending is the reference's
SMS sender (:mod:`harness.reference.consumers.sms`); storing is its store module.
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from .distribution import validate_e164
from .errors import InvalidField

MAX_BODY_CHARS = 1600  # ten concatenated SMS segments
MAX_MEDIA = 10
LOOPBACK_NAMES = frozenset({"localhost"})


class Direction(enum.StrEnum):
    """Which way a message went, seen from the contact center."""

    INBOUND = "inbound"  # a customer wrote to the account's number
    OUTBOUND = "outbound"  # the contact center wrote to a customer


class Delivery(enum.StrEnum):
    """What became of a message."""

    RECEIVED = "received"  # inbound, stored
    SENT = "sent"  # outbound, the gateway accepted it
    FAILED = "failed"  # outbound, the gateway refused it or never answered


@dataclass(frozen=True)
class SmsSettings:
    """Where an account's messages go out, the number they come from, the webhook's secret."""

    gateway_url: str
    number: str
    webhook_secret: str


@dataclass(frozen=True)
class SmsMessage:
    """One message in or out; ``detail`` says why a send failed."""

    id: str
    account_id: str
    direction: Direction
    from_number: str
    to_number: str
    body: str
    media_urls: tuple[str, ...]
    status: Delivery
    at: str
    detail: str = ""
    reason: str = ""  # why the contact center sent it ("after_hours", "agent", ...)


def validate_gateway_url(value: str, field: str = "gateway_url") -> str:
    """An http(s) URL on a loopback host: the reference never sends beyond this machine."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidField(field, "must be an http or https URL")
    host = parts.hostname
    if host not in LOOPBACK_NAMES:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise InvalidField(field, "must be on a loopback address (127.0.0.1, ::1, localhost)")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise InvalidField(field, "has a port out of range") from None
    return value.rstrip("/")


def validate_message(
    to: str, body: str, media_urls: tuple[str, ...], *, where: str = ""
) -> tuple[str, str, tuple[str, ...]]:
    """A message's recipient, text and media, each checked; the error names the field."""
    validate_e164(to, f"{where}to")
    if not body.strip() and not media_urls:
        raise InvalidField(f"{where}body", "must not be empty without media")
    if len(body) > MAX_BODY_CHARS:
        raise InvalidField(f"{where}body", f"must be at most {MAX_BODY_CHARS} characters")
    if len(media_urls) > MAX_MEDIA:
        raise InvalidField(f"{where}media_urls", f"must hold at most {MAX_MEDIA} URLs")
    for index, url in enumerate(media_urls):
        if urlsplit(url).scheme not in ("http", "https"):
            raise InvalidField(f"{where}media_urls[{index}]", "must be an http or https URL")
    return to, body, media_urls
