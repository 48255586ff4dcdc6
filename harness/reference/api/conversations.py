"""The agent app's conversations (AC-IN-8, 10, 11) and which lines may text.

``GET /me/conversations/{number_id}/{customer}``: the conversation of a customer number (its
E.164 digits, without the "+") on a line; ``POST .../sms`` texts the customer from the line
(refused with 409 when the line is not eligible). ``GET``/``PUT /numbers/{id}/sms``: whether a
line is eligible for SMS.
"""

from __future__ import annotations

from aiohttp import web

from ..consumers.sms import shape
from ..conversations import conversation, text_customer
from ..domain.permissions import Permission
from . import body
from .consumer_context import consumers
from .context import account_id, center, principal, requires
from .errors import ApiError, bad_field


def _customer(request: web.Request) -> str:
    # A path holds identifiers only (guards.py): the number comes without its "+".
    return "+" + request.match_info["customer"]


def _user_account(request: web.Request) -> str:
    who = principal(request)
    if who.account_id is None or who.user_id is None:
        raise ApiError(403, "forbidden", "only a user's token has conversations")
    return who.account_id


@requires(Permission.SELF)
async def get_conversation(request: web.Request) -> web.Response:
    """GET /me/conversations/{number_id}/{customer} -> {line, customer, sms_eligible, entries}."""
    acc = _user_account(request)
    number = center(request).get_number(acc, request.match_info["number_id"])
    shown = conversation(center(request), consumers(request).sms, acc, number, _customer(request))
    return web.json_response(shown)


@requires(Permission.SELF)
async def send_sms(request: web.Request) -> web.Response:
    """POST /me/conversations/{number_id}/{customer}/sms {body, media_urls?} -> 201 the message
    (sent or failed as the gateway answered); 409 when the line is not eligible for SMS."""
    acc = _user_account(request)
    number = center(request).get_number(acc, request.match_info["number_id"])
    data = await body.json_object(request, allowed=("body", "media_urls"))
    text = body.text(data, "body")
    media = body.array(data, "media_urls", default=[])
    for index, url in enumerate(media):
        if not isinstance(url, str):
            raise bad_field(f"media_urls[{index}]", "must be a string")
    message = await text_customer(
        center(request),
        consumers(request).sms,
        acc,
        number,
        _customer(request),
        text,
        tuple(media),
    )
    return web.json_response(shape(message), status=201)


@requires(Permission.NUMBERS_READ)
async def get_line_sms(request: web.Request) -> web.Response:
    """GET /numbers/{id}/sms -> {eligible}."""
    acc = account_id(request)
    number = center(request).get_number(acc, request.match_info["id"])
    return web.json_response({"eligible": center(request).store.sms_eligible(acc, number.id)})


@requires(Permission.NUMBERS_WRITE)
async def put_line_sms(request: web.Request) -> web.Response:
    """PUT /numbers/{id}/sms {eligible: bool} -> {eligible}: the line's SMS composer."""
    acc = account_id(request)
    number = center(request).get_number(acc, request.match_info["id"])
    data = await body.json_object(request, allowed=("eligible",))
    eligible = body.optional_bool(data, "eligible")
    if eligible is None:
        raise bad_field("eligible", "is required: true or false")
    center(request).store.set_sms_eligible(acc, number.id, eligible)
    return web.json_response({"eligible": eligible})


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/me/conversations/{number_id}/{customer}", get_conversation)
    router.add_post("/me/conversations/{number_id}/{customer}/sms", send_sms)
    router.add_get("/numbers/{id}/sms", get_line_sms)
    router.add_put("/numbers/{id}/sms", put_line_sms)
