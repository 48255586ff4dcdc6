"""Checks every request meets before its handler: identifiers in the path, the size of bodies.

An identifier in a path is the id of a resource the API handed out (``usr_…``, ``team_…``, a
Call ID, a widget index): letters, digits and ``_ - .``. Anything else (``..``, a slash or a NUL
decoded from ``%2e%2e``, ``%2f``, ``%00``) is refused with a 400 naming the parameter, before
any lookup, so a crafted id never reaches the store.
"""

from __future__ import annotations

import re

from aiohttp import web

from .context import Handler
from .errors import ApiError

MAX_ID_LENGTH = 64
_ID = re.compile(r"[A-Za-z0-9_\-.]+")


def path_parameter_problem(value: str) -> str | None:
    """Why ``value`` is not an acceptable identifier in a path (None when it is)."""
    if not value:
        return "must not be empty"
    if len(value) > MAX_ID_LENGTH:
        return f"must be at most {MAX_ID_LENGTH} characters"
    if ".." in value or not _ID.fullmatch(value):
        return "must be an identifier (letters, digits, '_', '-', '.'; no '..')"
    return None


@web.middleware
async def check_path_parameters(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse a path whose parameters are not plain identifiers (400 naming the parameter)."""
    for name, value in request.match_info.items():
        problem = path_parameter_problem(value)
        if problem is not None:
            raise ApiError(400, "invalid", f"{name}: {problem}", name)
    return await handler(request)
