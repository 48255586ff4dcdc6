"""What handlers share: the service on the application, the caller's account on the request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from aiohttp import web

from ..access import AccessControl
from ..domain.accounts import Account
from ..domain.permissions import Permission, Principal
from ..service import ContactCenter
from .errors import ApiError

CENTER: web.AppKey[ContactCenter] = web.AppKey("center", ContactCenter)
ADMIN_TOKEN: web.AppKey[str] = web.AppKey("admin_token", str)
ACCESS: web.AppKey[AccessControl] = web.AppKey("access", AccessControl)
ACCOUNT: web.RequestKey[Account] = web.RequestKey("account", Account)
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("principal", Principal)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Access = Literal["public", "admin", "account"]


_LEVELS = {
    "public": Permission.PUBLIC,
    "admin": Permission.ACCOUNTS_MANAGE,
    "account": Permission.ADMINISTER,
}


def access(level: Access) -> Callable[[Handler], Handler]:
    """Mark which token a handler needs: ``public``, the operator's (``admin``) or an account's.

    Kept for handlers written before permissions; :func:`requires` says it precisely.
    """
    return requires(_LEVELS[level])


def requires(permission: Permission) -> Callable[[Handler], Handler]:
    """Declare the one permission a handler needs (the route table publishes it)."""

    def mark(handler: Handler) -> Handler:
        handler.permission = permission  # type: ignore[attr-defined]
        return handler

    return mark


def websocket(handler: Handler) -> Handler:
    """Mark a handler that upgrades to a WebSocket, so the route table says so."""
    handler.websocket = True  # type: ignore[attr-defined]
    return handler


def route_permission(handler: object) -> Permission:
    """The permission ``handler`` declared; undeclared handlers need the account's administrator."""
    declared = getattr(handler, "permission", None)
    return declared if isinstance(declared, Permission) else Permission.ADMINISTER


def principal(request: web.Request) -> Principal:
    """Who the request's bearer token speaks for."""
    return request[PRINCIPAL]


def require_team(request: web.Request, permission: Permission, team_id: str) -> str:
    """``team_id`` if the principal holds ``permission`` for that team (403 otherwise).

    The team is looked up first, so another account's team is not found rather than refused.
    """
    team = center(request).get_team(account_id(request), team_id)
    if not principal(request).allows_team(permission, team.id):
        raise ApiError(
            403, "forbidden", f"{permission.value} is granted for assigned teams only", "id"
        )
    return team.id


def access_control(request: web.Request) -> AccessControl:
    """Tokens and roles of the contact center this application serves."""
    return request.app[ACCESS]


def center(request: web.Request) -> ContactCenter:
    """The contact center this application serves."""
    return request.app[CENTER]


def account_id(request: web.Request) -> str:
    """The id of the account whose token authenticated the request."""
    return request[ACCOUNT].id
