"""Who a consumer is: unauthenticated visitors (CC-UNA) and reserved data properties (CC-RSV).

Pure rules, no I/O:

* A session opened without a user identity is tracked by a temporary unique ID: on the web a
  visitor ID the reference issues (the page keeps it and sends it back next time), on mobile the
  mobile SDK ID of the installation (an Android reinstall brings a new one, so a new contact).
* The CRM contact made for such a consumer is named "Web User - MM/DD HH:MM" or "Mobile User -
  MM/DD HH:MM", read on the account's clock in the account's time zone (the time zone of the
  help center's global business hours; UTC when none is set: a reference choice, the seed does
  not say which zone).
* The three reserved flags are booleans; anything else is refused naming the flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from .errors import InvalidField

VERIFIED = "reserved_verified_customer"
BAD_ACTOR = "reserved_bad_actor"
REPEAT = "reserved_repeat_customer"
RESERVED_FLAGS = (VERIFIED, BAD_ACTOR, REPEAT)

# The SIP headers an inbound call carries the flags in (README, "Reserved data in SIP headers").
SIP_HEADERS = {
    "X-Reserved-Verified-Customer": VERIFIED,
    "X-Reserved-Bad-Actor": BAD_ACTOR,
    "X-Reserved-Repeat-Customer": REPEAT,
}

# What each flag means (CC-RSV-5), as the agent app shows it beside the flag's label.
MEANINGS = {
    "Verified customer": "A legitimate customer",
    "Unverified customer": "Not confirmed as a legitimate customer",
    "Bad actor": "Potentially malicious: fraud was seen, or the contact is from a spam campaign",
    "Repeat customer": "Has contacted the center before",
}

FIRST_NAMES = {"web": "Web User", "mobile": "Mobile User"}
MAX_ID_LENGTH = 128


@dataclass(frozen=True)
class ProfileFlag:
    """One user profile flag as the agent app shows it: its label and what it means."""

    label: str
    meaning: str

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "meaning": self.meaning}


def parse_flags(data: object, where: str = "reserved") -> dict[str, bool]:
    """The reserved flags in ``data`` (an object of booleans); an unknown name or a value that
    is not a boolean is refused naming it."""
    if not isinstance(data, Mapping):
        raise InvalidField(where, "must be an object of reserved flags")
    flags: dict[str, bool] = {}
    for name, value in data.items():
        if name not in RESERVED_FLAGS:
            known = ", ".join(RESERVED_FLAGS)
            raise InvalidField(f"{where}.{name}", f"is not a reserved flag (known: {known})")
        if not isinstance(value, bool):
            raise InvalidField(f"{where}.{name}", "must be true or false")
        flags[str(name)] = value
    return flags


def parse_header_value(header: str, value: str) -> bool:
    """A flag's value as a SIP header carries it: ``true`` or ``false`` (any case)."""
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise InvalidField(header, f"must be true or false, not {value.strip()!r}")
    return lowered == "true"


def flags_from_headers(headers: Mapping[str, str]) -> dict[str, bool]:
    """The reserved flags an inbound call's SIP headers carry (header names in any case)."""
    by_lower = {name.lower(): name for name in SIP_HEADERS}
    flags: dict[str, bool] = {}
    for name, value in headers.items():
        known = by_lower.get(name.lower())
        if known is not None:
            flags[SIP_HEADERS[known]] = parse_header_value(known, value)
    return flags


def profile_flags(flags: Mapping[str, bool]) -> list[ProfileFlag]:
    """The user profile flags the agent app shows (CC-RSV-3): verified or unverified customer
    (only once the verified flag was sent), bad actor and repeat customer when true."""
    labels: list[str] = []
    if VERIFIED in flags:
        labels.append("Verified customer" if flags[VERIFIED] else "Unverified customer")
    if flags.get(BAD_ACTOR):
        labels.append("Bad actor")
    if flags.get(REPEAT):
        labels.append("Repeat customer")
    return [ProfileFlag(label, MEANINGS[label]) for label in labels]


def check_identifier(value: str | None, where: str) -> str | None:
    """A user ID, visitor ID or mobile SDK ID: printable, at most 128 characters."""
    if value is None:
        return None
    stripped = value.strip()
    if not stripped or len(stripped) > MAX_ID_LENGTH or not stripped.isprintable():
        raise InvalidField(where, f"must be 1 to {MAX_ID_LENGTH} printable characters")
    return stripped


def visitor_first_name(channel: str, at: datetime, zone: str) -> str:
    """The first name of an unauthenticated consumer's CRM contact (CC-UNA-1, 2):
    "Web User - 10/05 10:15" from the account's clock read in ``zone``."""
    local = at.astimezone(ZoneInfo(zone))
    return f"{FIRST_NAMES[channel]} - {local:%m/%d %H:%M}"


def metadata_flag(metadata: Mapping[str, str], key: str) -> bool | None:
    """The "verified customer" parameter a virtual agent passes from session metadata
    (CC-RSV-4): the value under ``key`` read as a boolean, None when absent or unreadable."""
    raw = metadata.get(key)
    if raw is None:
        return None
    lowered = raw.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    return None


def parse_metadata(data: object, where: str = "metadata") -> dict[str, str]:
    """Session metadata: an object of short strings."""
    if not isinstance(data, Mapping):
        raise InvalidField(where, "must be an object of strings")
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str) or len(value) > 256:
            raise InvalidField(f"{where}.{key}", "must be a string of at most 256 characters")
        out[str(key)] = value
    return out
