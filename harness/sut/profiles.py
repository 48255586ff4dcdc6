"""Plain data of the ``profiles`` capability: end users with phone identities, as a helpdesk
shows them (the SUT's words translated by its adapter), and who a call is from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PhoneKind = Literal["direct_line", "shared"]
#: How the SUT linked a call to its requester.
Identified = Literal["existing_profile", "new_profile", "unknown_caller"]


@dataclass(frozen=True)
class PhoneIdentity:
    """One phone number of an end user: a direct line identifies her; a shared number is
    another user's direct line also listed on her profile."""

    id: str
    number: str
    kind: PhoneKind


@dataclass(frozen=True)
class EndUserProfile:
    """An end user (a customer) as the SUT holds her."""

    id: str
    name: str
    phones: tuple[PhoneIdentity, ...] = ()
    merged_into: str | None = None

    @property
    def direct_lines(self) -> tuple[str, ...]:
        return tuple(p.number for p in self.phones if p.kind == "direct_line")

    @property
    def shared_numbers(self) -> tuple[str, ...]:
        return tuple(p.number for p in self.phones if p.kind == "shared")

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(p.number for p in self.phones)

    def phone(self, number: str) -> PhoneIdentity | None:
        return next((p for p in self.phones if p.number == number), None)


@dataclass(frozen=True)
class CallRequester:
    """Who a call is from, as the SUT says now: a profile (after any merge), or an unknown
    caller's own ID (``profile`` None)."""

    call_id: str
    requester_id: str
    identified: Identified
    profile: EndUserProfile | None


@dataclass(frozen=True)
class UserMerge:
    """What a merge left: the target profile, and the numbers the SUT dropped."""

    target: EndUserProfile
    dropped: tuple[str, ...]
