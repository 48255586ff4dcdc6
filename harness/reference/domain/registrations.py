"""Where each user's SIP phones can be reached: contact bindings with an expiry.

Kept in memory, on monotonic time passed in as ``now`` (seconds): registrations belong to
the network, not to an account's business clock, which tests move by days at a time.
"""

from __future__ import annotations

import math

MAX_EXPIRES_S = 7200


class ContactBindings:
    """Contact URIs per user, each valid until its expiry (RFC 3261 §10.3)."""

    def __init__(self) -> None:
        self._bindings: dict[str, dict[str, float]] = {}

    def bind(self, user_id: str, contact_uri: str, expires_s: float, now: float) -> None:
        """Add or refresh a binding; ``expires_s == 0`` removes it (RFC 3261 §10.2.2)."""
        if expires_s < 0:
            raise ValueError(f"expires_s must not be negative, got {expires_s}")
        user = self._bindings.setdefault(user_id, {})
        if expires_s == 0:
            user.pop(contact_uri, None)
        else:
            user[contact_uri] = now + min(expires_s, MAX_EXPIRES_S)
        if not user:
            del self._bindings[user_id]

    def contacts(self, user_id: str, now: float) -> list[str]:
        """The user's unexpired contacts, oldest binding first; expired ones are dropped."""
        user = self._bindings.get(user_id)
        if user is None:
            return []
        for uri in [uri for uri, until in user.items() if until <= now]:
            del user[uri]
        if not user:
            del self._bindings[user_id]
            return []
        return list(user)

    def remaining(self, user_id: str, now: float) -> list[tuple[str, int]]:
        """The user's unexpired contacts with the whole seconds each has left (RFC 3261 §10.3)."""
        contacts = self.contacts(user_id, now)
        user = self._bindings.get(user_id, {})
        return [(uri, max(1, math.ceil(user[uri] - now))) for uri in contacts]

    def forget(self, user_id: str) -> None:
        """Drop every binding of a deleted user."""
        self._bindings.pop(user_id, None)
