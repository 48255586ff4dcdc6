"""Routes for accounts, users and teams."""

from __future__ import annotations

from aiohttp import web

from ..domain.permissions import Permission
from . import body
from .context import account_id, center, require_team, requires
from .shapes import team_shape, user_shape


@requires(Permission.ACCOUNTS_MANAGE)
async def create_account(request: web.Request) -> web.Response:
    """POST /accounts {name} -> 201 {id, name, token}."""
    data = await body.json_object(request, allowed=("name",))
    account = center(request).create_account(body.text(data, "name"))
    return web.json_response(
        {"id": account.id, "name": account.name, "token": account.token}, status=201
    )


@requires(Permission.ACCOUNTS_MANAGE)
async def delete_account(request: web.Request) -> web.Response:
    """DELETE /accounts/{id}."""
    center(request).delete_account(request.match_info["id"])
    return web.Response(status=204)


@requires(Permission.USERS_WRITE)
async def create_user(request: web.Request) -> web.Response:
    """POST /users {name, email, role} -> 201 user."""
    data = await body.json_object(request, allowed=("name", "email", "role"))
    user = center(request).create_user(
        account_id(request),
        body.text(data, "name"),
        body.text(data, "email"),
        body.text(data, "role", default="agent"),
    )
    return web.json_response(user_shape(user), status=201)


@requires(Permission.USERS_READ)
async def list_users(request: web.Request) -> web.Response:
    """GET /users."""
    users = center(request).list_users(account_id(request))
    return web.json_response({"users": [user_shape(u) for u in users]})


@requires(Permission.USERS_READ)
async def get_user(request: web.Request) -> web.Response:
    """GET /users/{id}."""
    user = center(request).get_user(account_id(request), request.match_info["id"])
    return web.json_response(user_shape(user))


@requires(Permission.USERS_WRITE)
async def delete_user(request: web.Request) -> web.Response:
    """DELETE /users/{id}."""
    center(request).delete_user(account_id(request), request.match_info["id"])
    return web.Response(status=204)


@requires(Permission.TEAMS_WRITE)
async def create_team(request: web.Request) -> web.Response:
    """POST /teams {name} -> 201 team."""
    data = await body.json_object(request, allowed=("name",))
    team = center(request).create_team(account_id(request), body.text(data, "name"))
    return web.json_response(team_shape(team, {}), status=201)


@requires(Permission.TEAMS_READ)
async def list_teams(request: web.Request) -> web.Response:
    """GET /teams."""
    teams = center(request).list_teams(account_id(request))
    names = _user_names(request)
    return web.json_response({"teams": [team_shape(t, names) for t in teams]})


@requires(Permission.TEAMS_READ)
async def get_team(request: web.Request) -> web.Response:
    """GET /teams/{id}."""
    team = center(request).get_team(account_id(request), request.match_info["id"])
    return web.json_response(team_shape(team, _user_names(request)))


@requires(Permission.TEAMS_WRITE)
async def delete_team(request: web.Request) -> web.Response:
    """DELETE /teams/{id}."""
    center(request).delete_team(account_id(request), request.match_info["id"])
    return web.Response(status=204)


@requires(Permission.TEAM_MEMBERS_WRITE)
async def add_team_member(request: web.Request) -> web.Response:
    """POST /teams/{id}/members {user_id} -> 201 team."""
    data = await body.json_object(request, allowed=("user_id",))
    team_id = require_team(request, Permission.TEAM_MEMBERS_WRITE, request.match_info["id"])
    team = center(request).add_team_member(account_id(request), team_id, body.text(data, "user_id"))
    return web.json_response(team_shape(team, _user_names(request)), status=201)


@requires(Permission.TEAM_MEMBERS_WRITE)
async def remove_team_member(request: web.Request) -> web.Response:
    """DELETE /teams/{id}/members/{user_id}."""
    team_id = require_team(request, Permission.TEAM_MEMBERS_WRITE, request.match_info["id"])
    center(request).remove_team_member(account_id(request), team_id, request.match_info["user_id"])
    return web.Response(status=204)


def _user_names(request: web.Request) -> dict[str, str]:
    return {u.id: u.name for u in center(request).list_users(account_id(request))}


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_post("/accounts", create_account)
    router.add_delete("/accounts/{id}", delete_account)
    router.add_post("/users", create_user)
    router.add_get("/users", list_users)
    router.add_get("/users/{id}", get_user)
    router.add_delete("/users/{id}", delete_user)
    router.add_post("/teams", create_team)
    router.add_get("/teams", list_teams)
    router.add_get("/teams/{id}", get_team)
    router.add_delete("/teams/{id}", delete_team)
    router.add_post("/teams/{id}/members", add_team_member)
    router.add_delete("/teams/{id}/members/{user_id}", remove_team_member)
