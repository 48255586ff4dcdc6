"""A consumer's live chat on the SDK WebSocket (``GET /sdk/ws``).

Once ``chat.start`` is queued, the ``chat.queued`` frame carries ``chat_id`` and the chat is
offered to the queue's agents (:mod:`harness.reference.consumers.chats`). The consumer then
sends ``{"type": "chat.message", "text"}`` and ``{"type": "chat.end"}``, and gets
``chat.connected`` {agent}, ``chat.message`` {from, name, text, at} and ``chat.ended`` {by:
consumer, agent, agent_gone or supervisor}. Closing the socket ends the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from aiohttp import web

from ..consumers.services import Consumers
from ..consumers.store import ConsumerSession

#: The frames of a going chat the consumer may send (``chat.start`` aside).
CONSUMER_KINDS = ("chat.message", "chat.end")


class ConsumerChat:
    """One socket's chat: frames to the consumer go through one queue, so they keep their
    order whether the socket's reader or an agent's app produced them."""

    def __init__(self, ws: web.WebSocketResponse, session: ConsumerSession, side: Consumers):
        self._ws = ws
        self._session = session
        self._side = side
        self._outgoing: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None

    async def started(self, answer: dict[str, Any]) -> None:
        """Answer ``chat.start``; a queued chat goes to the queue's agents."""
        if answer.get("type") != "chat.queued":
            await self._ws.send_json(answer)
            return
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())
        chats = self._side.chats
        identity = self._side.identities.identity(self._session.account_id, self._session.id)
        chat = chats.start(
            self._session,
            identity.unique_id,
            self._outgoing.put_nowait,
            self._crm_record_url(answer.get("crm_ticket_id")),
        )
        # On the queue before any agent app can answer the offer: "queued" comes first.
        self._outgoing.put_nowait({**answer, "chat_id": chat.id})

    def said(self, frame: dict[str, Any]) -> None:
        """A ``chat.message`` or ``chat.end`` frame; DomainError when it is refused."""
        self._side.chats.from_consumer(self._session, frame)

    def _crm_record_url(self, ticket_id: object) -> str | None:
        if not isinstance(ticket_id, str):
            return None
        stored = self._side.center.store.crm_settings(self._session.account_id)
        return None if stored is None else f"{stored[0].rstrip('/')}/tickets/{ticket_id}"

    async def _write(self) -> None:
        while True:
            frame = await self._outgoing.get()
            try:
                await self._ws.send_str(json.dumps(frame))
            except ConnectionResetError:
                return

    async def close(self) -> None:
        """The socket closed: the chat ends, the writer stops."""
        self._side.chats.consumer_left(self._session)
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
