"""Routes of chat notifications (CC-NTF-7): the new-chat and new-message tones the agent app
plays, and the agent app's chat panel script (chats offered, taken, written, ended)."""

from __future__ import annotations

from aiohttp import web

from ..chat_tones import FIELDS, ChatToneSettings
from ..domain.permissions import Permission
from . import body
from .context import account_id, center, requires
from .web_files import web_file


@requires(Permission.ROUTING_READ)
async def get_chat_tones(request: web.Request) -> web.Response:
    """GET /notifications/chat-tones -> {new_chat_tone, repeat_s, message_tone}."""
    return web.json_response(ChatToneSettings(center(request)).get(account_id(request)).to_json())


@requires(Permission.ROUTING_WRITE)
async def put_chat_tones(request: web.Request) -> web.Response:
    """PUT /notifications/chat-tones {new_chat_tone?, repeat_s?, message_tone?} -> the
    setting; repeat_s null: the new-chat tone plays once."""
    data = await body.json_object(request, allowed=FIELDS)
    chosen = ChatToneSettings(center(request)).choose(account_id(request), data)
    return web.json_response(chosen.to_json())


chats_script = web_file(
    "agent_app_chats.js",
    "GET /app/chats.js -> the agent app's chat panel and chat tones (plain JavaScript).",
)


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/notifications/chat-tones", get_chat_tones)
    router.add_put("/notifications/chat-tones", put_chat_tones)
    router.add_get("/app/chats.js", chats_script)
