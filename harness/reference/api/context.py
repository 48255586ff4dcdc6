"""What handlers share: the service on the application, the caller's account on the request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from aiohttp import web

from ..domain.accounts import Account
from ..service import ContactCenter

CENTER: web.AppKey[ContactCenter] = web.AppKey("center", ContactCenter)
ADMIN_TOKEN: web.AppKey[str] = web.AppKey("admin_token", str)
ACCOUNT: web.RequestKey[Account] = web.RequestKey("account", Account)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Access = Literal["public", "admin", "account"]


def access(level: Access) -> Callable[[Handler], Handler]:
    """Mark which token a handler needs; unmarked handlers need an account token."""

    def mark(handler: Handler) -> Handler:
        handler.access = level  # type: ignore[attr-defined]
        return handler

    return mark


def center(request: web.Request) -> ContactCenter:
    """The contact center this application serves."""
    return request.app[CENTER]


def account_id(request: web.Request) -> str:
    """The id of the account whose token authenticated the request."""
    return request[ACCOUNT].id
