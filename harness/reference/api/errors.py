"""Error bodies of the HTTP API: ``{"error": {"code", "message"[, "field"]}}``.

Domain errors map to statuses by kind: a broken rule on a field is 400, an unknown resource
404, a clash with stored state 409. Authentication failures are 401, a token of the wrong
kind 403.
"""

from __future__ import annotations

from aiohttp import web

from ..domain.errors import Conflict, DomainError, InvalidField, NotFound


class ApiError(Exception):
    """An error the API layer itself raises (authentication, malformed JSON)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_response(status: int, code: str, message: str, field: str | None = None) -> web.Response:
    """The JSON error body with ``status``."""
    error: dict[str, str] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    headers = {"WWW-Authenticate": 'Bearer realm="callproof-reference"'} if status == 401 else None
    return web.json_response({"error": error}, status=status, headers=headers)


def domain_status(error: DomainError) -> int:
    """The HTTP status for a domain error."""
    if isinstance(error, InvalidField):
        return 400
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    return 400


def bad_field(field: str, message: str) -> ApiError:
    """A 400 naming the field whose JSON shape is wrong."""
    return ApiError(400, "invalid", f"{field}: {message}", field)
