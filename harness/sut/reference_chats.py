"""The reference's live chats (capability ``chats``): the agent app's channel (``GET
/me/calls``, a WebSocket) and the supervisors' chat routes, each asked with the user's token."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp

from harness.runtime.journal import Journal
from harness.sut.chats_model import AgentChatFrame, ChatMessage, LiveChatView
from harness.sut.contract import Dashboard
from harness.sut.model import Agent
from harness.sut.reference_adapter import _Api
from harness.sut.reference_chat_pages import ReferenceChatPages
from harness.sut.reference_tickets import ReferenceTickets

READY_TIMEOUT_S = 10.0


def _view(data: dict[str, Any]) -> LiveChatView:
    return LiveChatView(
        chat_id=str(data["chat_id"]),
        state=str(data["state"]),
        agent_name=data.get("agent_name"),
        end_user=str(data["end_user"]),
        issue=str(data["issue"]),
        crm_record_url=data.get("crm_record_url"),
        started_at=str(data["started_at"]),
        connected_at=data.get("connected_at"),
        messages=tuple(
            ChatMessage(side=str(m["from"]), name=str(m["name"]), text=str(m["text"]))
            for m in data.get("messages") or ()
        ),
    )


class ReferenceAgentChatApp:
    """One agent's app channel; the chat frames it gets go to the journal."""

    def __init__(self, name: str, socket: aiohttp.ClientWebSocketResponse, journal: Journal):
        self._name = name
        self._socket = socket
        self._journal = journal
        self._reader: asyncio.Task[None] | None = None

    async def _wait_ready(self) -> None:
        while True:
            message = await self._socket.receive(READY_TIMEOUT_S)
            if message.type != aiohttp.WSMsgType.TEXT:
                raise ConnectionError(f"{self._name}'s app channel closed: {message.type}")
            if message.json().get("type") == "ready":
                break
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self._socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = message.json()
            kind = str(data.get("type", "")) if isinstance(data, dict) else ""
            if kind.startswith("chat."):
                chat_id = str(data.get("chat") or "")
                self._journal.record(
                    AgentChatFrame(party=self._name, kind=kind, chat_id=chat_id, data=data)
                )

    async def accept(self, chat_id: str) -> None:
        await self._socket.send_json({"type": "chat.accept", "chat": chat_id})

    async def say(self, chat_id: str, text: str) -> None:
        await self._socket.send_json({"type": "chat.message", "chat": chat_id, "text": text})

    async def end(self, chat_id: str) -> None:
        await self._socket.send_json({"type": "chat.end", "chat": chat_id})

    async def close(self) -> None:
        await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


class ReferenceChats:
    """``/me/calls`` for the agents' apps, ``/chats/...`` for supervisors."""

    def __init__(self, api: _Api, tickets: ReferenceTickets) -> None:
        self._api = api  # the account's own API (an administrator's settings)
        self._tickets = tickets  # hands out each user's API (a token of theirs, asked once)

    async def connect_agent_app(
        self, agent: Agent, journal: Journal, party: str
    ) -> ReferenceAgentChatApp:
        api = await self._tickets.as_user(agent)
        socket = await api.ws("/me/calls")
        app = ReferenceAgentChatApp(party, socket, journal)
        try:
            await app._wait_ready()
        except BaseException:
            await socket.close()
            raise
        return app

    async def connected_chats(self, user: Agent) -> list[LiveChatView]:
        api = await self._tickets.as_user(user)
        found = await api.request("GET", "/chats/connected")
        return [_view({**c, "messages": []}) for c in found["chats"]]

    async def live_chat(self, user: Agent, chat_id: str) -> LiveChatView:
        api = await self._tickets.as_user(user)
        return _view(await api.request("GET", f"/chats/{chat_id}"))

    async def end_chat(self, user: Agent, chat_id: str) -> None:
        api = await self._tickets.as_user(user)
        await api.request("POST", f"/chats/{chat_id}/end")

    async def choose_chat_tones(
        self, new_chat_tone: str, repeat_s: int | None, message_tone: str
    ) -> None:
        api = self._api
        library = (await api.request("GET", "/notifications/tones"))["tones"]
        ids = {str(t["name"]).lower(): t["id"] for t in library}
        body = {
            "new_chat_tone": ids.get(new_chat_tone.lower(), new_chat_tone),
            "repeat_s": repeat_s,
            "message_tone": ids.get(message_tone.lower(), message_tone),
        }
        await api.request("PUT", "/notifications/chat-tones", body)

    def chat_pages(self, dashboard: Dashboard) -> ReferenceChatPages:
        page = getattr(dashboard, "page", None)
        if page is None:
            raise TypeError(f"{dashboard!r} is not a dashboard the reference's adapter opened")
        return ReferenceChatPages(page)
