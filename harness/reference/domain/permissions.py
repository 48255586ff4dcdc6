"""Who may do what: permissions, the roles that grant them, and the principals that hold them.

Permissions are data. Each built-in role grants a set of permissions, some of them only for the
teams the user is assigned to (seed 004: "included by default for administrators and managers,
restricted to assigned teams only, and it can be added to any custom role"). A custom role is a
built-in base role plus added permissions. Every API route names the one permission it needs;
a principal either holds it (for every team, or for its assigned teams) or is refused.

Three kinds of principal present a bearer token:

* the *operator* of the reference, who manages accounts and never acts inside one;
* an account's *key* (the token returned when the account is created), which holds every
  permission inside its account, the way an integration's API key does;
* a *user* of an account, with the permissions of the user's role, through a token that expires
  on the account's clock and can be revoked.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .directory import Role
from .errors import InvalidField


class Permission(enum.StrEnum):
    """One thing a principal may do; a route needs exactly one."""

    PUBLIC = "public"  # no token needed (health, discovery)
    SELF = "self"  # any authenticated principal, about itself
    ACCOUNTS_MANAGE = "accounts.manage"  # the operator: create and delete accounts
    ROUTES_READ = "routes.read"  # the route table with each route's permission
    ADMINISTER = "account.administer"  # what a route that declares nothing needs
    USERS_READ = "users.read"
    USERS_WRITE = "users.write"
    TEAMS_READ = "teams.read"
    TEAMS_WRITE = "teams.write"  # create and delete teams
    TEAM_MEMBERS_WRITE = "teams.members.write"  # add and remove team members
    NUMBERS_READ = "numbers.read"  # numbers and their "Ring to" widgets
    NUMBERS_WRITE = "numbers.write"
    CALLS_READ = "calls.read"  # the call log
    EVENTS_READ = "events.read"  # the live event stream
    MONITOR_CALLS = "monitor.calls"  # listen to live calls (seed 004, CC-MON)
    MONITOR_EDIT = "monitor.edit"  # end a call or chat: Monitor-Chats-Edit (seed 004, CC-END-2)
    CLOCK_READ = "clock.read"
    CLOCK_WRITE = "clock.write"
    FAULTS_INJECT = "faults.inject"
    ROLES_READ = "roles.read"
    ROLES_WRITE = "roles.write"
    TOKENS_MANAGE = "tokens.manage"  # issue and revoke users' tokens
    TICKETS_READ = "tickets.read"  # tickets made from calls, with their calls and comments
    TICKETS_WRITE = "tickets.write"  # comment on tickets and change their properties
    CALLS_PLACE = "calls.place"  # place outbound calls (from the console or a ticket)
    CALLS_TRANSFER = "calls.transfer"  # hand an answered call to another agent (AC-IN-7)
    RECORDINGS_PLAY = "recordings.play"  # play call recordings (when the account allows it)
    RECORDINGS_DELETE = "recordings.delete"  # delete recordings from tickets
    ROUTING_READ = "routing.read"  # hours, queues, IVR menus, deflection, transfer targets
    ROUTING_WRITE = "routing.write"
    END_USERS_READ = "end_users.read"  # end users' profiles and who each call is from
    END_USERS_WRITE = "end_users.write"  # create profiles, edit their numbers, merge them


class Scope(enum.StrEnum):
    """How far a granted permission reaches."""

    ALL = "all"
    ASSIGNED_TEAMS = "assigned_teams"  # only teams the user is a member of


# Permissions that only the operator holds; no role inside an account can be given them.
OPERATOR_ONLY = frozenset({Permission.ACCOUNTS_MANAGE})
# Not grantable because they are not permissions a role carries but route markers.
MARKERS = frozenset({Permission.PUBLIC, Permission.SELF})
GRANTABLE = frozenset(Permission) - OPERATOR_ONLY - MARKERS

_ALL = Scope.ALL
_TEAMS = Scope.ASSIGNED_TEAMS

ROLE_GRANTS: Mapping[Role, Mapping[Permission, Scope]] = {
    Role.ADMIN: {p: _ALL for p in GRANTABLE},
    Role.MANAGER: {
        Permission.USERS_READ: _ALL,
        Permission.TEAMS_READ: _ALL,
        Permission.TEAM_MEMBERS_WRITE: _TEAMS,
        Permission.NUMBERS_READ: _ALL,
        Permission.CALLS_READ: _ALL,
        Permission.EVENTS_READ: _ALL,
        Permission.MONITOR_CALLS: _TEAMS,
        Permission.MONITOR_EDIT: _TEAMS,
        Permission.ROLES_READ: _ALL,
        Permission.TICKETS_READ: _ALL,
        Permission.TICKETS_WRITE: _ALL,
        Permission.CALLS_PLACE: _ALL,
        Permission.CALLS_TRANSFER: _ALL,
        Permission.RECORDINGS_PLAY: _ALL,
        Permission.RECORDINGS_DELETE: _ALL,
        Permission.ROUTING_READ: _ALL,
        Permission.END_USERS_READ: _ALL,
        Permission.END_USERS_WRITE: _ALL,
    },
    Role.SUPERVISOR: {
        Permission.USERS_READ: _ALL,
        Permission.TEAMS_READ: _ALL,
        Permission.NUMBERS_READ: _ALL,
        Permission.CALLS_READ: _ALL,
        Permission.EVENTS_READ: _ALL,
        Permission.MONITOR_CALLS: _ALL,
        Permission.TICKETS_READ: _ALL,
        Permission.RECORDINGS_PLAY: _ALL,
        Permission.ROUTING_READ: _ALL,
        Permission.END_USERS_READ: _ALL,
    },
    # Agents look callers up and fix their profiles while on a call, as in seed 001.
    # Agents work the tickets their calls make: read, comment, update, call back, listen.
    Role.AGENT: {
        Permission.TEAMS_READ: _ALL,
        Permission.NUMBERS_READ: _ALL,
        Permission.TICKETS_READ: _ALL,
        Permission.TICKETS_WRITE: _ALL,
        Permission.CALLS_PLACE: _ALL,
        Permission.CALLS_TRANSFER: _ALL,
        Permission.RECORDINGS_PLAY: _ALL,
        Permission.ROUTING_READ: _ALL,  # transfer targets (CC-AH-3)
        Permission.END_USERS_READ: _ALL,
        Permission.END_USERS_WRITE: _ALL,
    },
}


@dataclass(frozen=True)
class CustomRole:
    """An account's own role: a built-in ``base`` role plus ``added`` permissions (all teams)."""

    id: str
    account_id: str
    name: str
    base: Role
    added: frozenset[Permission] = frozenset()

    def grants(self) -> dict[Permission, Scope]:
        """The base role's grants widened by the added permissions."""
        grants = dict(ROLE_GRANTS[self.base])
        grants.update({p: Scope.ALL for p in self.added})
        return grants


@dataclass(frozen=True)
class Principal:
    """Who a bearer token speaks for, and what it may do."""

    kind: str  # "operator", "account key" or "user"
    account_id: str | None = None
    user_id: str | None = None
    role: str | None = None
    grants: Mapping[Permission, Scope] = field(default_factory=dict)
    teams: frozenset[str] = frozenset()  # the teams the user is assigned to

    def allows(self, permission: Permission) -> bool:
        """Whether the principal holds ``permission`` at all (for some team at least)."""
        if permission in MARKERS:
            return True
        return permission in self.grants

    def allows_team(self, permission: Permission, team_id: str) -> bool:
        """Whether the principal holds ``permission`` for the team ``team_id``."""
        scope = self.grants.get(permission)
        if scope is None:
            return False
        return scope is Scope.ALL or team_id in self.teams

    def describe(self) -> dict[str, object]:
        """The principal as the API shows it to itself (``GET /me``)."""
        return {
            "kind": self.kind,
            "account_id": self.account_id,
            "user_id": self.user_id,
            "role": self.role,
            "permissions": {p.value: s.value for p, s in sorted(self.grants.items())},
            "teams": sorted(self.teams),
        }


OPERATOR = Principal(
    "operator",
    grants={Permission.ACCOUNTS_MANAGE: Scope.ALL, Permission.ROUTES_READ: Scope.ALL},
)


def account_key(account_id: str) -> Principal:
    """The principal of an account's key: everything inside the account."""
    return Principal(
        "account key",
        account_id=account_id,
        role="account key",
        grants=dict(ROLE_GRANTS[Role.ADMIN]),
    )


def user_principal(
    account_id: str,
    user_id: str,
    role: Role,
    teams: Iterable[str],
    custom: CustomRole | None = None,
) -> Principal:
    """The principal of a user's token: the grants of the user's (custom) role."""
    grants = custom.grants() if custom is not None else dict(ROLE_GRANTS[role])
    return Principal(
        "user",
        account_id=account_id,
        user_id=user_id,
        role=custom.name if custom is not None else role.value,
        grants=grants,
        teams=frozenset(teams),
    )


def parse_permissions(
    values: Iterable[object], field_name: str = "permissions"
) -> frozenset[Permission]:
    """The grantable permissions named in ``values``, or :class:`InvalidField` naming the item."""
    parsed = set()
    for index, value in enumerate(values):
        where = f"{field_name}[{index}]"
        if not isinstance(value, str):
            raise InvalidField(where, "must be a string")
        try:
            permission = Permission(value)
        except ValueError:
            raise InvalidField(where, f"unknown permission {value!r}") from None
        if permission not in GRANTABLE:
            raise InvalidField(where, f"{value!r} cannot be granted to a role")
        parsed.add(permission)
    return frozenset(parsed)


# --- tokens ----------------------------------------------------------------------------------

DEFAULT_TOKEN_TTL_S = 3600
MAX_TOKEN_TTL_S = 30 * 24 * 3600


def validate_ttl(value: int, field_name: str = "ttl_s") -> int:
    """A token lifetime in whole seconds between 1 and 30 days."""
    if not 1 <= value <= MAX_TOKEN_TTL_S:
        raise InvalidField(field_name, f"must be between 1 and {MAX_TOKEN_TTL_S} seconds")
    return value


@dataclass(frozen=True)
class UserToken:
    """A user's API token as stored: only its digest, its lifetime and whether it was revoked."""

    id: str
    account_id: str
    user_id: str
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def refusal(self, now: datetime) -> str | None:
        """Why the token no longer opens anything at ``now`` (None while it is valid)."""
        if self.revoked_at is not None:
            return "the token was revoked"
        if now >= self.expires_at:
            return "the token has expired"
        return None
