"""Errors raised by the reference contact center's rules.

Each carries a stable machine ``code`` that the HTTP API puts in its error body, so a client can
tell a bad field from a missing resource from a conflict without parsing messages.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the contact center refuses; ``code`` is stable, ``message`` is for humans."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidField(DomainError):
    """A value breaks a rule; ``field`` names it (a dotted path for nested input)."""

    code = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)


class NotFound(DomainError):
    """No such resource in this account (another account's resources are not found either)."""

    code = "not_found"

    def __init__(self, kind: str, ident: str, *, field: str | None = None) -> None:
        super().__init__(f"{kind} {ident!r} not found", field=field)
        self.kind = kind
        self.ident = ident


class Conflict(DomainError):
    """The request clashes with what is stored (a duplicate, a resource in use)."""

    code = "conflict"


class IllegalTransition(Conflict):
    """A call was asked to do something its current state does not allow."""

    code = "illegal_transition"
