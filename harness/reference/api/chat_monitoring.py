"""Routes for supervisors watching and ending live chats (dashboard Chats > Connected).

``GET /chats/connected`` lists the connected chats (CC-MON-6's rows), ``GET /chats/{chat_id}``
is the chat details pop-up and the live chat view (CC-MON-6, 9, 10: agent, end user, issue,
CRM record, the messages so far), ``POST /chats/{chat_id}/end`` is Actions > End chat, Confirm
(CC-END-1, 2). Watching sends nothing to the agent or the consumer.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..consumers.chats import LiveChat
from ..domain.chat_supervision import may_act_on_chat
from ..domain.permissions import Permission
from . import body
from .consumer_context import consumers
from .context import account_id, center, principal, requires
from .errors import ApiError
from .web_files import web_file


def _members(request: web.Request) -> dict[str, frozenset[str]]:
    teams = center(request).store.list_teams(account_id(request))
    return {t.id: frozenset(m.user_id for m in t.members) for t in teams}


def _summary(chat: LiveChat) -> dict[str, Any]:
    shown = chat.to_json()
    shown.pop("messages")
    return shown


def _allowed(request: web.Request, chat: LiveChat, permission: Permission) -> None:
    agent_id = chat.agent.user_id if chat.agent else None
    if not may_act_on_chat(principal(request), permission, agent_id, _members(request)):
        raise ApiError(
            403,
            "forbidden",
            f"{permission.value} is granted for assigned teams only, and this chat is none of"
            " theirs",
            "chat_id",
        )


@requires(Permission.MONITOR_CALLS)
async def list_connected(request: web.Request) -> web.Response:
    """GET /chats/connected -> {chats: [...]}: the chats the caller may watch."""
    who, members = principal(request), _members(request)
    found = [
        _summary(c)
        for c in consumers(request).chats.connected(account_id(request))
        if may_act_on_chat(
            who, Permission.MONITOR_CALLS, c.agent.user_id if c.agent else None, members
        )
    ]
    return web.json_response({"chats": found})


@requires(Permission.MONITOR_CALLS)
async def get_chat(request: web.Request) -> web.Response:
    """GET /chats/{chat_id} -> the chat's details and messages so far (View live chat)."""
    chat = consumers(request).chats.get(account_id(request), request.match_info["chat_id"])
    _allowed(request, chat, Permission.MONITOR_CALLS)
    return web.json_response(chat.to_json())


@requires(Permission.MONITOR_EDIT)
async def end_chat(request: web.Request) -> web.Response:
    """POST /chats/{chat_id}/end -> the chat once ended; the consumer and the agent are told.
    Another team's chat (a manager) 403; an ended chat 409."""
    chats = consumers(request).chats
    acc = account_id(request)
    chat = chats.get(acc, request.match_info["chat_id"])
    if request.body_exists:
        await body.json_object(request, allowed=())
    _allowed(request, chat, Permission.MONITOR_EDIT)
    who = principal(request)
    by = center(request).get_user(acc, who.user_id).name if who.user_id else "the account's key"
    return web.json_response(_summary(chats.end_by(acc, chat.id, by)))


chats_script = web_file(
    "dashboard_chats.js",
    "GET /dashboard/chats.js -> the dashboard's Chats > Connected page (plain JavaScript).",
)


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/chats/connected", list_connected)
    router.add_get("/chats/{chat_id}", get_chat)
    router.add_post("/chats/{chat_id}/end", end_chat)
    router.add_get("/dashboard/chats.js", chats_script)
