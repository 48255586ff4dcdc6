"""The account's Talk settings (seed 001) and outbound calls placed by agents (ZT-TKT-2, 7).

Settings: the carrier outbound calls leave through (a SIP address on loopback: the reference
never sends anywhere else), whether calls are recorded, whether users may play recordings
(ZT-TKT-14), and where ticket notification emails go (an SMTP server on loopback and the
address that receives them, ZT-TKT-15).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from .errors import DomainError, InvalidField

MAX_RING_TIME_S = 120


@dataclass(frozen=True)
class TalkSettings:
    """An account's Talk settings; the defaults are those of a new account."""

    carrier: str | None = None  # "host:port" of the SIP carrier for outbound calls
    recording: bool = False  # calls are recorded into their tickets
    recordings_playable: bool = True  # users may play recordings (an admin may forbid it)
    smtp: str | None = None  # "host:port" of the SMTP server notifications go through
    notify_email: str | None = None  # who receives a notification per ticket

    def to_json(self) -> str:
        """The settings as stored."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> TalkSettings:
        """Stored settings (``None``: a new account's)."""
        return cls(**json.loads(text)) if text else cls()


class RecordingsForbidden(DomainError):
    """The account's administrator forbids users to play recordings (ZT-TKT-14)."""

    code = "forbidden"

    def __init__(self) -> None:
        super().__init__("playing call recordings is turned off by the account's administrator")


def may_play_recordings(settings: TalkSettings) -> bool:
    """Whether any user may play the account's recordings: the admin's switch decides, for
    every user alike."""
    return settings.recordings_playable


def update_settings(current: TalkSettings, changes: Mapping[str, Any]) -> TalkSettings:
    """Apply ``changes``; the first bad member is refused naming it, and nothing changes."""
    updated = current
    for name, value in changes.items():
        if name == "carrier":
            updated = replace(updated, carrier=loopback_address(name, value))
        elif name == "smtp":
            updated = replace(updated, smtp=loopback_address(name, value))
        elif name == "recording":
            updated = replace(updated, recording=_flag(name, value))
        elif name == "recordings_playable":
            updated = replace(updated, recordings_playable=_flag(name, value))
        elif name == "notify_email":
            if value is not None and (not isinstance(value, str) or "@" not in value[1:-1]):
                raise InvalidField(name, "must be an email address or null")
            updated = replace(updated, notify_email=value)
        else:
            raise InvalidField(name, "is not a Talk setting")
    return updated


def _flag(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidField(field, "must be true or false")
    return value


def loopback_address(field: str, value: object) -> str | None:
    """``host:port`` (or ``[::1]:port``) on loopback, or None; anything else names ``field``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(field, "must be host:port as a string, or null")
    host, _, port = value.rpartition(":")
    host = host.strip("[]")
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise InvalidField(field, f"must be a loopback address with a port, not {value!r}")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidField(field, f"needs a port from 1 to 65535, not {port!r}")
    return value


def address_of(value: str) -> tuple[str, int]:
    """``host:port`` -> (host, port)."""
    host, _, port = value.rpartition(":")
    return host.strip("[]"), int(port)


# --- outbound calls -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboundCall:
    """A call an agent places: first the agent's phone, then the callee through the carrier.

    ``outcome`` once ended: ``answered`` (the callee answered), ``unanswered`` (rang out),
    ``rejected`` (the callee refused), ``failed`` (the agent's leg or the carrier failed).
    """

    call_id: str
    account_id: str
    agent_id: str
    agent_name: str
    line: str  # the number of the account the call is placed from
    to: str  # the callee
    started_at: datetime
    ring_time_s: int
    from_ticket: str | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str | None = None
    reason: str = ""


def validate_ring_time(value: int) -> int:
    """How long the callee may ring: 1 to 120 seconds."""
    if not 1 <= value <= MAX_RING_TIME_S:
        raise InvalidField("ring_time", f"must be from 1 to {MAX_RING_TIME_S} seconds")
    return value


def answered(call: OutboundCall, at: datetime) -> OutboundCall:
    """The callee answered (repeats change nothing)."""
    return call if call.answered_at is not None else replace(call, answered_at=at)


def ended(call: OutboundCall, at: datetime, outcome: str, reason: str) -> OutboundCall:
    """The call is over; an answered call's outcome stays ``answered``."""
    if call.ended_at is not None:
        return call
    final = "answered" if call.answered_at is not None else outcome
    return replace(call, ended_at=at, outcome=final, reason=reason)
