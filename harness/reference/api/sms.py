"""Routes for text messages: the gateway setting, sending, the list, and the gateway's webhook."""

from __future__ import annotations

from aiohttp import web

from ..consumers.sms import SIGNATURE_HEADER, BadSignature, shape
from ..domain.permissions import Permission
from . import body
from .consumer_context import consumers
from .context import access, account_id, requires
from .errors import ApiError, bad_field


def _settings_shape(request: web.Request, acc: str) -> dict[str, object]:
    sms = consumers(request).sms
    settings = sms.configured(acc)
    if settings is None:
        return {
            "gateway_url": None,
            "number": None,
            "timeout_s": sms.timeout_s(acc),
            "webhook_path": f"/sms/webhook/{acc}",
            "webhook_secret": None,
        }
    return {
        "gateway_url": settings.gateway_url,
        "number": settings.number,
        "timeout_s": sms.timeout_s(acc),
        "webhook_path": f"/sms/webhook/{acc}",
        "webhook_secret": settings.webhook_secret,
    }


@access("account")
async def get_settings(request: web.Request) -> web.Response:
    """GET /sms/settings -> {gateway_url, number, timeout_s, webhook_path, webhook_secret}."""
    return web.json_response(_settings_shape(request, account_id(request)))


@access("account")
async def put_settings(request: web.Request) -> web.Response:
    """PUT /sms/settings {gateway_url, number, timeout_s?}: where messages go out, and from."""
    data = await body.json_object(request, allowed=("gateway_url", "number", "timeout_s"))
    url = body.text(data, "gateway_url")
    number = body.text(data, "number")
    timeout = data.get("timeout_s")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)):
        raise bad_field("timeout_s", "must be a number")
    acc = account_id(request)
    consumers(request).sms.configure(acc, url, number, None if timeout is None else float(timeout))
    return web.json_response(_settings_shape(request, acc))


@requires(Permission.CALLS_READ)
async def list_messages(request: web.Request) -> web.Response:
    """GET /sms/messages -> every message in and out, oldest first."""
    found = consumers(request).sms.messages(account_id(request))
    return web.json_response({"messages": [shape(m) for m in found]})


@access("account")
async def send_message(request: web.Request) -> web.Response:
    """POST /sms/messages {to, body, media_urls?} -> 201 the stored message (sent or failed;
    failed with the reason when no gateway is configured)."""
    data = await body.json_object(request, allowed=("to", "body", "media_urls"))
    to = body.text(data, "to")
    text = body.text(data, "body")
    media = body.array(data, "media_urls", default=[])
    for index, url in enumerate(media):
        if not isinstance(url, str):
            raise bad_field(f"media_urls[{index}]", "must be a string")
    message = await consumers(request).sms.send(account_id(request), to, text, tuple(media))
    return web.json_response(shape(message), status=201)


@access("public")
async def webhook(request: web.Request) -> web.Response:
    """POST /sms/webhook/{account_id}: a customer's message, posted and signed by the gateway."""
    raw = await _raw(request)
    try:
        message = await consumers(request).sms.receive(
            request.match_info["account_id"], raw, request.headers.get(SIGNATURE_HEADER, "")
        )
    except BadSignature as refusal:
        raise ApiError(401, "unauthorized", str(refusal)) from None
    return web.json_response({"id": message.id}, status=201)


async def _raw(request: web.Request) -> bytes:
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        message = f"body: must be at most {body.MAX_BODY_BYTES} bytes"
        raise ApiError(413, "too_large", message, "body") from None


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/sms/settings", get_settings)
    router.add_put("/sms/settings", put_settings)
    router.add_get("/sms/messages", list_messages)
    router.add_post("/sms/messages", send_message)
    router.add_post("/sms/webhook/{account_id}", webhook)
