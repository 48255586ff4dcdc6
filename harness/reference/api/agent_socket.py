"""The agent app's call channel: a WebSocket over which calls are offered and answered.

``GET /me/calls`` (a user's token, in the query as browsers cannot set headers on a WebSocket
handshake, RFC 6750 section 2.3). While it is open the signed-in user is reachable in the app:
see :mod:`harness.reference.telephony.app_phones` for the messages both ways.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from aiohttp import WSMsgType, web

from ..consumers.chats import AGENT_KINDS as CHAT_KINDS
from ..domain.permissions import Permission
from ..events import EventsLost, Subscription
from ..telephony.app_phones import AppPhones
from .consumer_context import consumers
from .context import center, principal, requires, websocket
from .errors import ApiError

APP_PHONES: web.AppKey[AppPhones] = web.AppKey("app_phones", AppPhones)
#: Routes a browser opens as WebSockets, authenticated by ``?access_token=``.
SOCKET_PATHS = ("/me/calls",)


@websocket
@requires(Permission.SELF)
async def my_calls(request: web.Request) -> web.WebSocketResponse:
    """GET /me/calls: calls offered to the signed-in user's app, and her answers to them."""
    who = principal(request)
    if who.account_id is None or who.user_id is None:
        raise ApiError(403, "forbidden", "only a user's token can receive calls in the app")
    phones = request.app.get(APP_PHONES)
    if phones is None:
        raise ApiError(503, "unavailable", "this server has no telephony edge")
    socket = web.WebSocketResponse(heartbeat=30.0)
    await socket.prepare(request)
    outgoing: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    session = phones.attach(who.account_id, who.user_id, outgoing.put_nowait)
    # Chats are offered and carried on the same channel (consumers/chats.py).
    chats = consumers(request).chats
    chat_channel = chats.attach_agent(who.account_id, who.user_id, outgoing.put_nowait)
    writer = asyncio.create_task(_write(socket, outgoing))
    # Conversations change with the account's calls and messages: the app refreshes the one
    # it shows when told (AC-IN-10).
    events = center(request).bus.subscribe(who.account_id)
    nudger = asyncio.create_task(_nudge(events, outgoing))
    try:
        outgoing.put_nowait({"type": "ready"})
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                data = json.loads(message.data)
            except ValueError:
                outgoing.put_nowait({"type": "error", "message": "a message must be JSON"})
                continue
            if not isinstance(data, dict):
                outgoing.put_nowait({"type": "error", "message": "a message must be an object"})
                continue
            if data.get("type") in CHAT_KINDS:
                chats.from_agent(chat_channel, data)
            else:
                phones.handle(session, data)
    finally:
        chats.detach_agent(chat_channel)
        phones.detach(session)
        events.close()
        for task in (writer, nudger):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return socket


async def _nudge(events: Subscription, outgoing: asyncio.Queue[dict[str, Any]]) -> None:
    with contextlib.suppress(EventsLost):
        while True:
            event = await events.get()
            kind = str(event.get("type", ""))
            if kind.startswith(("call.", "sms.")):
                outgoing.put_nowait({"type": "conversation.changed", "event": kind})


async def _write(socket: web.WebSocketResponse, outgoing: asyncio.Queue[dict[str, Any]]) -> None:
    while True:
        message = await outgoing.get()
        try:
            await socket.send_json(message)
        except ConnectionResetError:
            return  # the app went away; the reader sees the close


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/me/calls", my_calls)
