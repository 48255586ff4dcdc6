"""Directory: users with roles, teams and team membership.

A team membership is an *assignment*: it is what lets a team's "Ring to" entry reach the user.
Each assignment carries a sync state. An out-of-sync assignment still rings the user, but the
user's answer is not registered (the "stuck answered call" of seed 000); removing the user from
the team and adding them back creates a fresh assignment, which is in sync.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, replace

from .accounts import validate_name
from .errors import Conflict, InvalidField, NotFound


class Role(enum.StrEnum):
    """What a user may do in the contact center."""

    ADMIN = "admin"
    MANAGER = "manager"
    SUPERVISOR = "supervisor"  # monitors live calls (seed 004)
    AGENT = "agent"


@dataclass(frozen=True)
class User:
    """A person of an account; the SIP credentials let a phone register as this user."""

    id: str
    account_id: str
    name: str
    email: str
    role: Role
    sip_username: str
    sip_password: str
    custom_role: str | None = None  # the id of the account's custom role, whose base is ``role``


@dataclass(frozen=True)
class TeamMember:
    """One membership (assignment) of a user in a team, with its sync state."""

    user_id: str
    in_sync: bool = True


@dataclass(frozen=True)
class Team:
    """A named group of users; members keep the order in which they were added."""

    id: str
    account_id: str
    name: str
    members: tuple[TeamMember, ...] = ()

    def member(self, user_id: str) -> TeamMember | None:
        """The membership of ``user_id``, if any."""
        return next((m for m in self.members if m.user_id == user_id), None)

    def with_member(self, user_id: str) -> Team:
        """Add ``user_id`` as a fresh, in-sync member; adding a present member is a conflict."""
        if self.member(user_id) is not None:
            raise Conflict(f"user {user_id!r} is already a member of team {self.id!r}")
        return replace(self, members=(*self.members, TeamMember(user_id)))

    def without_member(self, user_id: str) -> Team:
        """Remove the membership of ``user_id``; its sync state goes with it."""
        if self.member(user_id) is None:
            raise NotFound("team member", user_id)
        return replace(self, members=tuple(m for m in self.members if m.user_id != user_id))

    def desynchronised(self, user_id: str) -> Team:
        """Mark the membership of ``user_id`` out of sync (a fault the reference can inject)."""
        if self.member(user_id) is None:
            raise NotFound("team member", user_id, field="user_id")
        return replace(
            self,
            members=tuple(
                TeamMember(m.user_id, in_sync=False) if m.user_id == user_id else m
                for m in self.members
            ),
        )


# Deliberately loose: one "@", no spaces, a dot in the domain. Deliverability is not our concern.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SIP_USER_UNSAFE = re.compile(r"[^a-z0-9._-]+")
SIP_USERNAME_MAX = 48


def parse_role(value: str, field: str = "role") -> Role:
    """The :class:`Role` named ``value``, or :class:`InvalidField`."""
    try:
        return Role(value)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidField(field, f"must be one of {allowed}") from None


def validate_email(value: str, field: str = "email") -> str:
    """Return the stripped address, or raise :class:`InvalidField`."""
    stripped = value.strip()
    if not _EMAIL.match(stripped) or len(stripped) > 254:
        raise InvalidField(field, "must be an email address")
    return stripped


def validate_user_fields(name: str, email: str, role: str) -> tuple[str, str, Role]:
    """Validate every field of a new user before anything is written."""
    return validate_name(name), validate_email(email), parse_role(role)


def sip_username_base(name: str, account_id: str) -> str:
    """A SIP username stem derived from the user's name and the account.

    Only ``[a-z0-9._-]`` so that it is a valid SIP user part without escaping (RFC 3261 §25.1,
    ``unreserved``); the account part keeps names from different accounts apart.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _SIP_USER_UNSAFE.sub("-", ascii_name.lower()).strip("-.") or "user"
    tenant = _SIP_USER_UNSAFE.sub("", account_id.lower().split("_")[-1])[:8] or "acct"
    return f"{slug[: SIP_USERNAME_MAX - len(tenant) - 5]}.{tenant}"


def sip_username_candidate(base: str, attempt: int) -> str:
    """The ``attempt``-th candidate for ``base``: the base itself, then ``base-2``, ``base-3``..."""
    return base if attempt <= 1 else f"{base}-{attempt}"
