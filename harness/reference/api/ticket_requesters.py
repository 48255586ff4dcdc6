"""Routes where tickets meet end users: merging a ticket into another (ZT-MRG-4, 6) and
setting a ticket's requester afterwards (ZT-ID-10).

Shaped like a help desk's API: ``POST /tickets/{id}/merge {into}`` as for end users, and
``PUT /tickets/{id}/requester`` with either ``end_user_id`` (an existing profile) or ``name``
and ``phones`` (a new profile made from the ticket's information).
"""

from __future__ import annotations

from aiohttp import web

from ..domain.permissions import Permission
from . import body
from .context import account_id, center, principal, requires
from .errors import ApiError, bad_field
from .tickets import ticket_shape


@requires(Permission.TICKETS_WRITE)
async def merge_ticket(request: web.Request) -> web.Response:
    """POST /tickets/{ticket_id}/merge {into} -> the target ticket and the merged one.

    The merge is made as the user whose token made the request (the account's key: "API").
    """
    data = await body.json_object(request, allowed=("into",))
    into = body.text(data, "into")
    cc, acc = center(request), account_id(request)
    author_id = principal(request).user_id
    author = "API" if author_id is None else cc.get_user(acc, author_id).name
    merged = cc.ticket_requesters.merge(
        acc, request.match_info["ticket_id"], into, author_id=author_id, author=author
    )
    return web.json_response(
        {"ticket": ticket_shape(merged.target), "merged": ticket_shape(merged.source)}
    )


@requires(Permission.TICKETS_WRITE)
async def set_requester(request: web.Request) -> web.Response:
    """PUT /tickets/{ticket_id}/requester {end_user_id} | {name, phones?} -> the ticket.

    A new profile needs ``end_users.write`` as well (403 otherwise), as creating one directly.
    """
    data = await body.json_object(request, allowed=("end_user_id", "name", "phones"))
    cc, acc = center(request), account_id(request)
    ticket_id = request.match_info["ticket_id"]
    end_user_id = body.optional_text(data, "end_user_id")
    if end_user_id is not None:
        if "name" in data or "phones" in data:
            raise bad_field("end_user_id", "give either end_user_id or name (and phones), not both")
        ticket = cc.ticket_requesters.set_requester(acc, ticket_id, end_user_id)
        return web.json_response(ticket_shape(ticket))
    if "name" not in data:
        raise bad_field("end_user_id", "is required, or name (and phones) for a new end user")
    who = principal(request)
    if not who.allows(Permission.END_USERS_WRITE):
        raise ApiError(403, "forbidden", "a new end user needs the permission end_users.write")
    phones = body.array(data, "phones", default=[])
    for index, value in enumerate(phones):
        if not isinstance(value, str):
            raise bad_field(f"phones[{index}]", "must be a string")
    ticket = cc.ticket_requesters.new_requester(acc, ticket_id, body.text(data, "name"), phones)
    return web.json_response(ticket_shape(ticket))


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_post("/tickets/{ticket_id}/merge", merge_ticket)
    router.add_put("/tickets/{ticket_id}/requester", set_requester)
