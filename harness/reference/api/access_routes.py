"""Routes about access itself: who am I, the route table, custom roles, users' tokens."""

from __future__ import annotations

from aiohttp import web

from ..clock import iso_utc
from ..domain.permissions import DEFAULT_TOKEN_TTL_S, CustomRole, Permission, UserToken
from . import body
from .context import access_control, account_id, principal, requires, route_permission


@requires(Permission.SELF)
async def me(request: web.Request) -> web.Response:
    """GET /me -> who the token speaks for and what it may do."""
    return web.json_response(principal(request).describe())


@requires(Permission.ROUTES_READ)
async def routes(request: web.Request) -> web.Response:
    """GET /routes -> every route of this application with the permission it needs.

    Read from the router itself, so a route added tomorrow is listed tomorrow.
    """
    table = []
    for route in request.app.router.routes():
        if route.method == "HEAD" or route.resource is None:
            continue  # aiohttp adds HEAD beside each GET; it answers what GET answers
        table.append(
            {
                "method": route.method,
                "path": route.resource.canonical,
                "permission": route_permission(route.handler).value,
                "websocket": bool(getattr(route.handler, "websocket", False)),
            }
        )
    table.sort(key=lambda r: (str(r["path"]), str(r["method"])))
    return web.json_response({"routes": table})


@requires(Permission.ROLES_READ)
async def list_roles(request: web.Request) -> web.Response:
    """GET /roles -> the account's custom roles."""
    found = access_control(request).roles(account_id(request))
    return web.json_response({"roles": [_role_shape(r) for r in found]})


@requires(Permission.ROLES_WRITE)
async def create_role(request: web.Request) -> web.Response:
    """POST /roles {name, base, permissions: [...]} -> 201 role."""
    data = await body.json_object(request, allowed=("name", "base", "permissions"))
    role = access_control(request).create_role(
        account_id(request),
        body.text(data, "name"),
        body.text(data, "base"),
        body.array(data, "permissions", default=[]),
    )
    return web.json_response(_role_shape(role), status=201)


@requires(Permission.TOKENS_MANAGE)
async def issue_token(request: web.Request) -> web.Response:
    """POST /tokens {user_id, ttl_s?} -> 201 {id, token, user_id, expires_at}."""
    data = await body.json_object(request, allowed=("user_id", "ttl_s"))
    token, secret = access_control(request).issue_token(
        account_id(request),
        body.text(data, "user_id"),
        body.integer(data, "ttl_s", default=DEFAULT_TOKEN_TTL_S),
    )
    return web.json_response({**_token_shape(token), "token": secret}, status=201)


@requires(Permission.TOKENS_MANAGE)
async def revoke_token(request: web.Request) -> web.Response:
    """DELETE /tokens/{id}: the token opens nothing from now on."""
    access_control(request).revoke_token(account_id(request), request.match_info["id"])
    return web.Response(status=204)


def _role_shape(role: CustomRole) -> dict[str, object]:
    return {
        "id": role.id,
        "name": role.name,
        "base": role.base.value,
        "permissions": sorted(p.value for p in role.added),
    }


def _token_shape(token: UserToken) -> dict[str, object]:
    return {
        "id": token.id,
        "user_id": token.user_id,
        "issued_at": iso_utc(token.issued_at),
        "expires_at": iso_utc(token.expires_at),
    }


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/me", me)
    router.add_get("/routes", routes)
    router.add_get("/roles", list_roles)
    router.add_post("/roles", create_role)
    router.add_post("/tokens", issue_token)
    router.add_delete("/tokens/{id}", revoke_token)
