"""Plain data of the ``consumer_identity`` capability: reserved data properties and the user
profile flags they give (seed 004, CC-RSV), as an integration sends them and an agent sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RESERVED_FLAG_NAMES = (
    "reserved_verified_customer",
    "reserved_bad_actor",
    "reserved_repeat_customer",
)


@dataclass(frozen=True)
class ProfileFlag:
    """One user profile flag as shown to an agent: its label and what it means."""

    label: str
    meaning: str


@dataclass(frozen=True)
class ReservedFlags:
    """The reserved flags of a session or a call as the SUT holds them, and the user profile
    flags it shows for them."""

    reserved: Mapping[str, bool]
    profile_flags: tuple[ProfileFlag, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReservedFlags:
        flags = tuple(
            ProfileFlag(str(f["label"]), str(f["meaning"])) for f in data["profile_flags"]
        )
        return cls(dict(data["reserved"]), flags)

    @property
    def labels(self) -> list[str]:
        return [flag.label for flag in self.profile_flags]
