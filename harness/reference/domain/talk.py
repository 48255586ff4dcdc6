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
class LineSettings:
    """A line's (a number's) ticket settings (ZT-TKT-4 to 6).

    With omnichannel routing a call entering the queue makes a ticket and an abandoned call
    always does, so the abandoned-call setting is not available; without it, whether an
    abandoned call (in the queue, the IVR or voicemail) makes a ticket is that setting.
    """

    omnichannel_routing: bool = False
    abandoned_call_tickets: bool = False
    hold_audio: bool = False  # a caller waiting for an agent hears the hold audio


def update_line(current: LineSettings, changes: Mapping[str, Any]) -> LineSettings:
    """Apply ``changes``; the abandoned-call setting is refused under omnichannel routing."""
    omnichannel = current.omnichannel_routing
    abandoned = current.abandoned_call_tickets
    hold_audio = current.hold_audio
    for name, value in changes.items():
        if name == "omnichannel_routing":
            omnichannel = _flag(name, value)
        elif name == "abandoned_call_tickets":
            abandoned = _flag(name, value)
        elif name == "hold_audio":
            hold_audio = _flag(name, value)
        else:
            raise InvalidField(name, "is not a line setting")
    if omnichannel and "abandoned_call_tickets" in changes:
        raise InvalidField(
            "abandoned_call_tickets",
            "is not available with omnichannel routing: abandoned calls always make a ticket",
        )
    return LineSettings(omnichannel, abandoned, hold_audio)


def queue_entry_makes_ticket(line: LineSettings) -> bool:
    """With omnichannel routing, a call entering the queue makes a ticket (ZT-TKT-4)."""
    return line.omnichannel_routing


def abandoned_call_makes_ticket(line: LineSettings) -> bool:
    """An abandoned call makes a ticket always under omnichannel routing (ZT-TKT-6), else as
    the line's setting says (ZT-TKT-5)."""
    return line.omnichannel_routing or line.abandoned_call_tickets


@dataclass(frozen=True)
class TalkSettings:
    """An account's Talk settings; the defaults are those of a new account."""

    carrier: str | None = None  # "host:port" of the SIP carrier for outbound calls
    recording: bool = False  # calls are recorded into their tickets
    recordings_playable: bool = True  # users may play recordings (an admin may forbid it)
    smtp: str | None = None  # "host:port" of the SMTP server notifications go through
    notify_email: str | None = None  # who receives a notification per ticket
    lines: tuple[tuple[str, LineSettings], ...] = ()  # number id -> its line settings

    def line(self, number_id: str) -> LineSettings:
        """The settings of the line ``number_id`` (a new line's when never set)."""
        return dict(self.lines).get(number_id, LineSettings())

    def with_line(self, number_id: str, line: LineSettings) -> TalkSettings:
        """These settings with ``number_id``'s line settings replaced."""
        lines = dict(self.lines)
        lines[number_id] = line
        return replace(self, lines=tuple(sorted(lines.items())))

    def to_json(self) -> str:
        """The settings as stored."""
        data = asdict(self)
        data["lines"] = {n: asdict(line) for n, line in self.lines}
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> TalkSettings:
        """Stored settings (``None``: a new account's)."""
        if not text:
            return cls()
        data = json.loads(text)
        lines = data.pop("lines", {}) or {}
        return cls(**data, lines=tuple(sorted((n, LineSettings(**v)) for n, v in lines.items())))


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
    mode: str = "call_out"  # or "app": an internal call that reaches no customer (SG-ERR-13)
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
