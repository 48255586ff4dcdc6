"""Reading JSON request bodies: shape and type checks only, each naming the field.

Whether a value is acceptable (an E.164 number, a role, a ring time) is a domain rule and is
checked by the service; here we only make sure a string is a string and a number a number.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from aiohttp import web

from .errors import ApiError, bad_field

MAX_BODY_BYTES = 64 * 1024  # the application's client_max_size: a larger body is answered 413


async def json_object(
    request: web.Request, *, allowed: Collection[str] | None = None
) -> dict[str, Any]:
    """The body as a JSON object, or a 400 naming ``body`` (413 when it is too large).

    With ``allowed``, a member not in it is refused with a 400 naming it: a misspelt field
    silently ignored would store something other than what the client meant.
    """
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        message = f"body: must be at most {MAX_BODY_BYTES} bytes"
        raise ApiError(413, "too_large", message, "body") from None
    try:
        data = json.loads(raw or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ApiError(400, "invalid", "body: must be JSON", "body") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid", "body: must be a JSON object", "body")
    if allowed is not None:
        only(data, allowed)
    return data


def only(data: dict[str, Any], allowed: Collection[str], *, where: str = "") -> None:
    """Refuse the first member of ``data`` that is not ``allowed`` (400 naming it)."""
    for name in data:
        if name not in allowed:
            raise bad_field(where + name, "unknown field")


def text(data: dict[str, Any], field: str, *, where: str = "", default: str | None = None) -> str:
    """A required (or defaulted) string member."""
    name = where + field
    value = data.get(field, default)
    if value is None:
        raise bad_field(name, "is required")
    if not isinstance(value, str):
        raise bad_field(name, "must be a string")
    return value


def optional_text(data: dict[str, Any], field: str) -> str | None:
    """An optional string member (absent or null gives ``None``)."""
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_field(field, "must be a string")
    return value


def integer(data: dict[str, Any], field: str, *, where: str = "", default: int) -> int:
    """An integer member (booleans are not integers here)."""
    value = data.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_field(where + field, "must be an integer")
    return value


def number(data: dict[str, Any], field: str) -> float:
    """A required numeric member."""
    value = data.get(field)
    if value is None:
        raise bad_field(field, "is required")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_field(field, "must be a number")
    return float(value)


def optional_bool(data: dict[str, Any], field: str) -> bool | None:
    """An optional boolean member."""
    value = data.get(field)
    if value is not None and not isinstance(value, bool):
        raise bad_field(field, "must be true or false")
    return value


def array(
    data: dict[str, Any], field: str, *, where: str = "", default: list[Any] | None = None
) -> list[Any]:
    """An array member, required unless a ``default`` is given."""
    value = data.get(field, default)
    if not isinstance(value, list):
        raise bad_field(where + field, "must be an array")
    return value


def obj(value: Any, where: str) -> dict[str, Any]:
    """``value`` if it is a JSON object."""
    if not isinstance(value, dict):
        raise bad_field(where, "must be an object")
    return value
