"""Accounts: the tenants of the reference contact center.

Every other resource belongs to exactly one account; nothing is shared between accounts except
globally unique names that the outside world routes on (E.164 numbers, SIP usernames).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InvalidField

MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Account:
    """A tenant. ``token`` is the API secret; it is only known right after creation."""

    id: str
    name: str
    token: str = ""


def validate_name(value: str, field: str = "name") -> str:
    """Return ``value`` stripped, or raise :class:`InvalidField` if empty or too long."""
    stripped = value.strip()
    if not stripped:
        raise InvalidField(field, "must not be empty")
    if len(stripped) > MAX_NAME_LENGTH:
        raise InvalidField(field, f"must be at most {MAX_NAME_LENGTH} characters")
    return stripped
