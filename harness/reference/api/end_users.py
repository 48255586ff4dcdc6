"""Routes for end users: profiles with phone numbers, merges, phone validation, call requesters.

Shaped like a helpdesk's users API: a profile lists its phone identities, each with an id (a
number with its ``+`` is not a path segment) and its kind (``direct_line`` or ``shared``).
"""

from __future__ import annotations

from aiohttp import web

from ..domain.end_users import EndUser
from ..domain.permissions import Permission
from ..end_users import EndUsers, Requester
from . import body
from .context import account_id, center, requires
from .errors import bad_field
from .shapes import JSON


def end_user_shape(user: EndUser) -> JSON:
    """A profile with its numbers in the order they were added."""
    return {
        "id": user.id,
        "name": user.name,
        "origin": user.origin.value,
        "created_at": user.created_at.isoformat(),
        "merged_into": user.merged_into,
        "phones": [{"id": p.id, "number": p.number, "kind": p.kind.value} for p in user.phones],
    }


def requester_shape(requester: Requester) -> JSON:
    """Who a call is from: the profile (after merges) or the unknown caller's own ID."""
    link = requester.link
    return {
        "call_id": link.call_id,
        "identified": link.how.value,
        "requester_id": requester.id,
        "requester_name": requester.name,
        "linked_end_user_id": link.end_user_id,
        "end_user": end_user_shape(requester.profile) if requester.profile else None,
    }


def _end_users(request: web.Request) -> EndUsers:
    return center(request).end_users


@requires(Permission.END_USERS_READ)
async def list_end_users(request: web.Request) -> web.Response:
    """GET /end-users[?phone=] -> profiles oldest first; with ``phone``, those holding it."""
    found = _end_users(request).find(account_id(request), request.query.get("phone"))
    return web.json_response({"end_users": [end_user_shape(u) for u in found]})


@requires(Permission.END_USERS_WRITE)
async def create_end_user(request: web.Request) -> web.Response:
    """POST /end-users {name, phones?: [number]} -> 201 profile."""
    data = await body.json_object(request, allowed=("name", "phones"))
    phones = body.array(data, "phones", default=[])
    for index, value in enumerate(phones):
        if not isinstance(value, str):
            raise bad_field(f"phones[{index}]", "must be a string")
    user = _end_users(request).create(account_id(request), body.text(data, "name"), phones)
    return web.json_response(end_user_shape(user), status=201)


@requires(Permission.END_USERS_READ)
async def get_end_user(request: web.Request) -> web.Response:
    """GET /end-users/{id}."""
    user = _end_users(request).get(account_id(request), request.match_info["id"])
    return web.json_response(end_user_shape(user))


@requires(Permission.END_USERS_WRITE)
async def add_phone(request: web.Request) -> web.Response:
    """POST /end-users/{id}/phones {number} -> 201 profile."""
    data = await body.json_object(request, allowed=("number",))
    user = _end_users(request).add_phone(
        account_id(request), request.match_info["id"], body.text(data, "number")
    )
    return web.json_response(end_user_shape(user), status=201)


@requires(Permission.END_USERS_WRITE)
async def remove_phone(request: web.Request) -> web.Response:
    """DELETE /end-users/{id}/phones/{phone_id} -> profile."""
    user = _end_users(request).remove_phone(
        account_id(request), request.match_info["id"], request.match_info["phone_id"]
    )
    return web.json_response(end_user_shape(user))


@requires(Permission.END_USERS_WRITE)
async def merge_end_user(request: web.Request) -> web.Response:
    """POST /end-users/{id}/merge {into} -> the target profile and the numbers dropped."""
    data = await body.json_object(request, allowed=("into",))
    merged = _end_users(request).merge(
        account_id(request), request.match_info["id"], body.text(data, "into")
    )
    return web.json_response(
        {
            "end_user": end_user_shape(merged.target),
            "merged": end_user_shape(merged.source),
            "dropped": [p.number for p in merged.dropped],
        }
    )


@requires(Permission.END_USERS_READ)
async def get_phone_validation(request: web.Request) -> web.Response:
    """GET /settings/phone-validation -> {enabled}."""
    enabled = _end_users(request).phone_validation(account_id(request))
    return web.json_response({"enabled": enabled})


@requires(Permission.ADMINISTER)
async def put_phone_validation(request: web.Request) -> web.Response:
    """PUT /settings/phone-validation {enabled} (the account's administrators)."""
    data = await body.json_object(request, allowed=("enabled",))
    enabled = body.optional_bool(data, "enabled")
    if enabled is None:
        raise bad_field("enabled", "is required: true or false")
    _end_users(request).set_phone_validation(account_id(request), enabled)
    return web.json_response({"enabled": enabled})


@requires(Permission.END_USERS_READ)
async def call_requester(request: web.Request) -> web.Response:
    """GET /calls/{call_id}/requester -> who the call is from."""
    found = _end_users(request).requester_of_call(
        account_id(request), request.match_info["call_id"]
    )
    return web.json_response(requester_shape(found))


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/end-users", list_end_users)
    router.add_post("/end-users", create_end_user)
    router.add_get("/end-users/{id}", get_end_user)
    router.add_post("/end-users/{id}/phones", add_phone)
    router.add_delete("/end-users/{id}/phones/{phone_id}", remove_phone)
    router.add_post("/end-users/{id}/merge", merge_end_user)
    router.add_get("/settings/phone-validation", get_phone_validation)
    router.add_put("/settings/phone-validation", put_phone_validation)
    router.add_get("/calls/{call_id}/requester", call_requester)
