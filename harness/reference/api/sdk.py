"""Routes of the consumer side: the settings and overrides an administrator sets, and the
consumer protocol the SDKs speak (sessions, options, scheduled calls, voicemails, chat over a
WebSocket) plus the web SDK page.

The consumer routes declare no account permission: a consumer is nobody's user. They take the
account's SDK key (``X-Callproof-Sdk-Key``, to open a session) or a session's token
(``Authorization: Bearer``, or ``?access_token=`` on the WebSocket, RFC 6750 §2.3) and answer
401 without one.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from ..consumers.sdk import SdkService, SessionRefused
from ..consumers.services import Consumers
from ..consumers.store import ConsumerRequest, ConsumerSession
from ..domain.errors import DomainError
from ..domain.permissions import Permission
from ..events import EventsLost, Subscription
from . import body, sdk_chat
from .consumer_context import consumers
from .context import access, account_id, center, requires, websocket
from .errors import ApiError, bad_field

KEY_HEADER = "X-Callproof-Sdk-Key"
PAGE = Path(__file__).resolve().parent.parent / "web" / "sdk.html"
SESSION_FIELDS = ("channel", "queue_id", "app_version", "device_type", "language")
# Who the consumer is and the reserved flags sent at the start (CC-UNA, CC-RSV): sdk_identity.py.
IDENTITY_FIELDS = ("user_id", "visitor_id", "installation_id", "reserved", "metadata")


def request_shape(found: ConsumerRequest) -> dict[str, Any]:
    """A scheduled call or voicemail as the API shows it."""
    return {
        "id": found.id,
        "kind": found.kind,
        "queue_id": found.queue_id,
        "session_id": found.session_id,
        "at": found.at,
        **found.detail,
    }


# --- the administrator's side ------------------------------------------------------------------


@access("account")
async def get_settings(request: web.Request) -> web.Response:
    """GET /consumers/settings -> help-center email, SDK options, chat email deflection..."""
    return web.json_response(consumers(request).sdk.settings(account_id(request)).to_json())


@access("account")
async def put_settings(request: web.Request) -> web.Response:
    """PUT /consumers/settings {help_email?, sdk_options?, sdk_phone?, chat_email_deflection?,
    scheduled_calls?}: the members given change, all checked first."""
    data = await body.json_object(request)
    updated = consumers(request).sdk.configure(account_id(request), data)
    return web.json_response(updated.to_json())


@access("account")
async def get_key(request: web.Request) -> web.Response:
    """GET /consumers/sdk-key -> {key}: what the apps and the web page open sessions with."""
    return web.json_response({"key": consumers(request).sdk.sdk_key(account_id(request))})


@access("account")
async def put_sms_queue(request: web.Request) -> web.Response:
    """PUT /consumers/sms-queue {queue_id}: the leaf queue the account's SMS go to."""
    data = await body.json_object(request, allowed=("queue_id",))
    queue_id = body.optional_text(data, "queue_id")
    consumers(request).sdk.set_sms_queue(account_id(request), queue_id)
    return web.json_response({"queue_id": queue_id})


@access("account")
async def put_override(request: web.Request) -> web.Response:
    """PUT /consumers/queues/{queue_id}/overrides/{channel} {override: {...} | null}: a leaf
    queue's after-hours override for mobile or SMS; web has none (CC-AH-13)."""
    data = await body.json_object(request, allowed=("override",))
    raw = data.get("override")
    if raw is not None and not isinstance(raw, dict):
        raise bad_field("override", "must be an object or null")
    stored = consumers(request).sdk.set_override(
        account_id(request), request.match_info["queue_id"], request.match_info["channel"], raw
    )
    return web.json_response({"override": stored})


@access("account")
async def list_overrides(request: web.Request) -> web.Response:
    """GET /consumers/overrides -> {overrides: [{queue_id, channel, override}]}."""
    found = consumers(request).sdk.overrides(account_id(request))
    return web.json_response({"overrides": found})


@requires(Permission.CALLS_READ)
async def list_requests(request: web.Request) -> web.Response:
    """GET /consumers/requests -> the scheduled calls and voicemails consumers left."""
    found = consumers(request).sdk.requests(account_id(request))
    return web.json_response({"requests": [request_shape(r) for r in found]})


# --- the consumer protocol -----------------------------------------------------------------------


def _session(request: web.Request) -> ConsumerSession:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        token = request.query.get("access_token", "")
    try:
        return consumers(request).sdk.session(token.strip())
    except SessionRefused as refusal:
        raise ApiError(401, "unauthorized", str(refusal)) from None


@access("public")
async def open_session(request: web.Request) -> web.Response:
    """POST /sdk/sessions {channel: web|mobile, queue_id, app_version?, device_type?, language?}
    with the
    SDK key in X-Callproof-Sdk-Key -> 201 {session_id, token, channel, queue_id}."""
    key = request.headers.get(KEY_HEADER, "")
    if not key:
        raise ApiError(401, "unauthorized", f"{KEY_HEADER} is required")
    data = await body.json_object(request, allowed=SESSION_FIELDS + IDENTITY_FIELDS)
    side = consumers(request)
    try:
        # One transaction: a session whose identity is refused is not kept either.
        with side.center.store.transaction():
            opened = side.sdk.open_session(
                key,
                body.text(data, "channel"),
                body.text(data, "queue_id"),
                app_version=body.optional_text(data, "app_version"),
                device_type=body.optional_text(data, "device_type"),
                language=body.optional_text(data, "language"),
            )
            identity = side.identities.open_for(opened.session, data)
    except SessionRefused as refusal:
        raise ApiError(401, "unauthorized", str(refusal)) from None
    session = opened.session
    return web.json_response(
        {
            "session_id": session.id,
            "token": opened.token,
            "channel": session.channel,
            "queue_id": session.queue_id,
            "unique_id": identity.unique_id,
            "authenticated": identity.authenticated,
        },
        status=201,
    )


@access("public")
async def options(request: web.Request) -> web.Response:
    """GET /sdk/options -> {queue_id, open, deflected, options: [...]}: what the SDK shows."""
    session = _session(request)
    return web.json_response(consumers(request).sdk.shown(session).to_json())


@access("public")
async def schedule_call(request: web.Request) -> web.Response:
    """POST /sdk/scheduled-calls {slot, phone} -> 201: one of the offered slots, booked."""
    session = _session(request)
    data = await body.json_object(request, allowed=("slot", "phone"))
    booked = consumers(request).sdk.schedule_call(
        session, body.text(data, "slot"), body.text(data, "phone")
    )
    return web.json_response(request_shape(booked), status=201)


@access("public")
async def voicemail(request: web.Request) -> web.Response:
    """POST /sdk/voicemails {message, phone?} -> 201: left for the queue's agents (mobile)."""
    session = _session(request)
    data = await body.json_object(request, allowed=("message", "phone"))
    left = consumers(request).sdk.leave_voicemail(
        session, body.text(data, "message"), body.optional_text(data, "phone")
    )
    return web.json_response(request_shape(left), status=201)


# What can change what an SDK shows: the account's clock, its routing, its consumer settings.
CHANGES = frozenset({"clock.changed", "routing.changed", "consumers.changed", "consumers.override"})
# Events about one session, forwarded to its own socket only (smart actions, CC-SA).
SESSION_EVENTS = frozenset({"smart_action.requested", "smart_action.ended"})


class _Shown:
    """The options last sent on one socket, so that a push goes out only when they change."""

    def __init__(self) -> None:
        self.last: dict[str, Any] | None = None

    async def send(
        self, ws: web.WebSocketResponse, sdk: SdkService, session: ConsumerSession, force: bool
    ) -> None:
        try:
            shown = sdk.shown(session).to_json()
        except DomainError as error:
            await ws.send_json({"type": "error", "message": error.message})
            return
        if force or shown != self.last:
            self.last = shown
            await ws.send_json({"type": "options", **shown})


async def _push_changes(
    ws: web.WebSocketResponse,
    sdk: SdkService,
    session: ConsumerSession,
    subscription: Subscription,
    shown: _Shown,
) -> None:
    """Send the options again whenever a change of the account alters them."""
    try:
        while True:
            event = await subscription.get()
            if event.get("type") in CHANGES and not ws.closed:
                await shown.send(ws, sdk, session, force=False)
            elif (
                event.get("type") in SESSION_EVENTS
                and event.get("session_id") == session.id
                and not ws.closed
            ):  # a smart action for this consumer (CC-SA): sent as it is
                await ws.send_json(event)
    except (EventsLost, ConnectionResetError):
        return


@access("public")
@websocket
async def sdk_socket(request: web.Request) -> web.StreamResponse:
    """GET /sdk/ws (WebSocket): first ``{"type": "options", ...}``, sent again by itself
    whenever the options change (the queue closes or opens on the account's clock, a setting
    changes); the consumer sends ``{"type": "chat.start"}`` and gets ``chat.queued``,
    ``chat.deflected`` or a ``chat.message``; a queued chat goes on as in sdk_chat.py;
    ``{"type": "options"}`` asks for the options again. A frame the server cannot read gets
    ``{"type": "error", "message"}``."""
    session = _session(request)
    sdk = consumers(request).sdk
    # Subscribed before the handshake: a change right after the socket opens is not missed.
    subscription = center(request).bus.subscribe(session.account_id)
    ws = web.WebSocketResponse(heartbeat=30)
    shown = _Shown()
    pusher: asyncio.Task[None] | None = None
    # What the chat's agent side sends (her messages, the end), written in order (sdk_chat.py).
    chat = sdk_chat.ConsumerChat(ws, session, consumers(request))
    try:
        await ws.prepare(request)
        await shown.send(ws, sdk, session, force=True)
        pusher = asyncio.create_task(_push_changes(ws, sdk, session, subscription, shown))
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                await _answer(ws, sdk, session, shown, frame.data, consumers(request), chat)
    finally:
        subscription.close()
        if pusher is not None:
            pusher.cancel()
        await chat.close()
    return ws


async def _answer(
    ws: web.WebSocketResponse,
    sdk: SdkService,
    session: ConsumerSession,
    shown: _Shown,
    raw: str,
    side: Consumers,
    chat: sdk_chat.ConsumerChat,
) -> None:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        await ws.send_json({"type": "error", "message": "frames must be JSON"})
        return
    kind = data.get("type") if isinstance(data, dict) else None
    try:
        if kind == "chat.start":
            answer = await side.identities.after_chat(session, sdk.start_chat(session))
            await chat.started(answer)
        elif kind in sdk_chat.CONSUMER_KINDS:
            chat.said(data)
        elif kind == "options":
            await shown.send(ws, sdk, session, force=True)
        else:
            await ws.send_json({"type": "error", "message": f"unknown frame type {kind!r}"})
    except DomainError as error:
        await ws.send_json({"type": "error", "message": error.message})


@access("public")
async def web_sdk(request: web.Request) -> web.Response:
    """GET /sdk/web?key=...&queue=... -> the web SDK page (call and chat, or after hours the
    selected options only)."""
    return web.Response(text=PAGE.read_text(encoding="utf-8"), content_type="text/html")


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/consumers/settings", get_settings)
    router.add_put("/consumers/settings", put_settings)
    router.add_get("/consumers/sdk-key", get_key)
    router.add_put("/consumers/sms-queue", put_sms_queue)
    router.add_get("/consumers/overrides", list_overrides)
    router.add_put("/consumers/queues/{queue_id}/overrides/{channel}", put_override)
    router.add_get("/consumers/requests", list_requests)
    router.add_post("/sdk/sessions", open_session)
    router.add_get("/sdk/options", options)
    router.add_post("/sdk/scheduled-calls", schedule_call)
    router.add_post("/sdk/voicemails", voicemail)
    router.add_get("/sdk/ws", sdk_socket)
    router.add_get("/sdk/web", web_sdk)
