"""Tokens and roles of the reference: who a bearer token speaks for, custom roles, revocation.

The rules are in :mod:`harness.reference.domain.permissions`; this module applies them to what
is stored. A user's token expires on the account's clock, so a scenario that moves the clock
ages the account's tokens with it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from .domain.accounts import validate_name
from .domain.directory import Role, parse_role
from .domain.errors import InvalidField, NotFound
from .domain.permissions import (
    CustomRole,
    Principal,
    UserToken,
    account_key,
    parse_permissions,
    user_principal,
    validate_ttl,
)
from .service import ContactCenter

TOKEN_ID_PREFIX = "tok_"


def token_digest(token: str) -> str:
    """The SHA-256 of a token, which is all the store keeps of it."""
    return hashlib.sha256(token.encode()).hexdigest()


class Unauthenticated(Exception):
    """A bearer token that opens nothing; the message says why (unknown, expired, revoked)."""


class AccessControl:
    """Custom roles, users' tokens and the principal behind a token, for one contact center."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self.store = center.store

    # --- principals -----------------------------------------------------------------------

    def principal(self, token: str) -> Principal:
        """The account key or user token ``token`` speaks for, or :class:`Unauthenticated`."""
        account = self.center.account_for_token(token)
        if account is not None:
            return account_key(account.id)
        stored = self.store.user_token_by_digest(token_digest(token))
        if stored is None:
            raise Unauthenticated("invalid token")
        refusal = stored.refusal(self.center.clock.now(stored.account_id))
        if refusal is not None:
            raise Unauthenticated(refusal)
        user = self.center.get_user(stored.account_id, stored.user_id)
        custom = (
            self.store.custom_role(user.account_id, user.custom_role) if user.custom_role else None
        )
        teams = self.store.user_team_ids(user.account_id, user.id)
        return user_principal(user.account_id, user.id, user.role, teams, custom)

    # --- custom roles ---------------------------------------------------------------------

    def create_role(
        self, account_id: str, name: str, base: str, permissions: Sequence[object]
    ) -> CustomRole:
        """A custom role: the built-in ``base`` plus ``permissions``; its name is not built-in."""
        name = validate_name(name)
        if name in {r.value for r in Role}:
            raise InvalidField("name", f"{name!r} is a built-in role")
        role = CustomRole(
            f"role_{secrets.token_hex(8)}",
            account_id,
            name,
            parse_role(base, "base"),
            parse_permissions(permissions),
        )
        self.store.insert_custom_role(role)
        return role

    def roles(self, account_id: str) -> list[CustomRole]:
        """The account's custom roles, oldest first."""
        return self.store.custom_roles(account_id)

    # --- tokens ---------------------------------------------------------------------------

    def issue_token(self, account_id: str, user_id: str, ttl_s: int) -> tuple[UserToken, str]:
        """A new token for the user, valid ``ttl_s`` seconds of the account's clock."""
        self.center.get_user(account_id, user_id)  # NotFound for another account's user
        ttl_s = validate_ttl(ttl_s)
        now = self.center.clock.now(account_id)
        token = UserToken(
            f"{TOKEN_ID_PREFIX}{secrets.token_hex(8)}",
            account_id,
            user_id,
            now,
            now + timedelta(seconds=ttl_s),
        )
        secret = secrets.token_urlsafe(32)
        self.store.insert_user_token(token, token_digest(secret))
        return token, secret

    def revoke_token(self, account_id: str, token_id: str) -> UserToken:
        """Revoke the account's token ``token_id``; it opens nothing from now on."""
        now = self.center.clock.now(account_id)
        if not self.store.revoke_user_token(account_id, token_id, now):
            raise NotFound("token", token_id)
        revoked = self.store.user_token(account_id, token_id)
        assert revoked is not None  # just updated in this account
        return revoked
