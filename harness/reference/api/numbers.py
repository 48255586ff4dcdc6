"""Routes for numbers and their call distribution."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..domain.distribution import DEFAULT_RING_TIME_S, Distribution, MemberType, WidgetSpec
from ..domain.permissions import Permission
from . import body
from .context import account_id, center, requires
from .errors import bad_field
from .shapes import distribution_shape, number_shape


@requires(Permission.NUMBERS_WRITE)
async def create_number(request: web.Request) -> web.Response:
    """POST /numbers {e164, name} -> 201 number."""
    data = await body.json_object(request, allowed=("e164", "name"))
    number = center(request).create_number(
        account_id(request), body.text(data, "e164"), body.text(data, "name")
    )
    return web.json_response(number_shape(number), status=201)


@requires(Permission.NUMBERS_READ)
async def list_numbers(request: web.Request) -> web.Response:
    """GET /numbers."""
    numbers = center(request).list_numbers(account_id(request))
    return web.json_response({"numbers": [number_shape(n) for n in numbers]})


@requires(Permission.NUMBERS_READ)
async def get_number(request: web.Request) -> web.Response:
    """GET /numbers/{id}."""
    number = center(request).get_number(account_id(request), request.match_info["id"])
    return web.json_response(number_shape(number))


@requires(Permission.NUMBERS_READ)
async def get_distribution(request: web.Request) -> web.Response:
    """GET /numbers/{id}/distribution."""
    distribution = center(request).get_distribution(account_id(request), request.match_info["id"])
    return _distribution_response(request, distribution)


@requires(Permission.NUMBERS_WRITE)
async def put_distribution(request: web.Request) -> web.Response:
    """PUT /numbers/{id}/distribution {widgets: [{ring_time, strategy, members}]}."""
    data = await body.json_object(request, allowed=("widgets",))
    widgets = [_widget(item, f"widgets[{i}]") for i, item in enumerate(body.array(data, "widgets"))]
    distribution = center(request).set_distribution(
        account_id(request), request.match_info["id"], widgets
    )
    return _distribution_response(request, distribution)


@requires(Permission.NUMBERS_WRITE)
async def add_member(request: web.Request) -> web.Response:
    """POST /numbers/{id}/distribution/widgets/{index}/members {type, id} -> 201."""
    data = await body.json_object(request, allowed=("type", "id"))
    distribution = center(request).add_ring_to(
        account_id(request),
        request.match_info["id"],
        _index(request),
        body.text(data, "type"),
        body.text(data, "id"),
    )
    return _distribution_response(request, distribution, status=201)


@requires(Permission.NUMBERS_WRITE)
async def remove_member(request: web.Request) -> web.Response:
    """DELETE /numbers/{id}/distribution/widgets/{index}/members/{type}/{member_id}."""
    center(request).remove_ring_to(
        account_id(request),
        request.match_info["id"],
        _index(request),
        request.match_info["type"],
        request.match_info["member_id"],
    )
    return web.Response(status=204)


def _index(request: web.Request) -> int:
    """The widget index in the path: a whole number, or a 400 naming ``index``."""
    text = request.match_info["index"]
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        raise bad_field("index", "must be a whole number")
    return int(text)


def _widget(item: Any, where: str) -> WidgetSpec:
    data = body.obj(item, where)
    prefix = f"{where}."
    # index and names are what GET returns: a client may send back what it read.
    body.only(data, ("index", "ring_time", "strategy", "members"), where=prefix)
    ring_time = body.integer(data, "ring_time", where=prefix, default=DEFAULT_RING_TIME_S)
    strategy = body.text(data, "strategy", where=prefix, default="simultaneous")
    members = []
    for j, member in enumerate(body.array(data, "members", where=prefix, default=[])):
        at = f"{where}.members[{j}]"
        entry = body.obj(member, at)
        body.only(entry, ("type", "id", "name"), where=at + ".")
        members.append(
            (body.text(entry, "type", where=at + "."), body.text(entry, "id", where=at + "."))
        )
    return WidgetSpec(ring_time, strategy, tuple(members))


def _distribution_response(
    request: web.Request, distribution: Distribution, status: int = 200
) -> web.Response:
    cc, acc = center(request), account_id(request)
    names = {(MemberType.USER, u.id): u.name for u in cc.list_users(acc)}
    names.update({(MemberType.TEAM, t.id): t.name for t in cc.list_teams(acc)})
    return web.json_response(distribution_shape(distribution, names), status=status)


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    widget = "/numbers/{id}/distribution/widgets/{index}/members"
    router.add_post("/numbers", create_number)
    router.add_get("/numbers", list_numbers)
    router.add_get("/numbers/{id}", get_number)
    router.add_get("/numbers/{id}/distribution", get_distribution)
    router.add_put("/numbers/{id}/distribution", put_distribution)
    router.add_post(widget, add_member)
    router.add_delete(widget + "/{type}/{member_id}", remove_member)
