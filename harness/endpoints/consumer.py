"""Consumer parties: a customer in a mobile app or on a web chat, speaking the consumer
protocol (HTTP + WebSocket, documented in the README) to the SUT.

A party opens a session on a queue with the SUT's SDK key, asks what the SDK shows, books a
scheduled call, leaves a voicemail, and over the session's WebSocket starts a chat. Every frame
the WebSocket delivers goes into the scenario's journal as an :class:`SdkFrame`, so steps wait
on it arm-then-act like on any other event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from harness.runtime.journal import Event, Journal, Match
from harness.sut.consumer_model import SdkAccess, ShownOptions
from harness.sut.contract import SutRefused

KEY_HEADER = "X-Callproof-Sdk-Key"
TIMEOUT_S = 10.0


class ConsumerRefused(SutRefused):
    """The SUT refused a consumer's request; ``status`` and the ``field`` it named are kept."""

    def __init__(self, what: str, status: int, body: Any) -> None:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        self.status = status
        self.field: str | None = error.get("field")
        self.message = str(error.get("message") or body)
        super().__init__(f"{what} -> {status}: {self.message}")


@dataclass(frozen=True, kw_only=True)
class SdkFrame(Event):
    """One frame the SUT sent on a consumer's WebSocket (``kind`` is its ``type``)."""

    kind: str
    data: dict[str, Any] = field(compare=False)


@dataclass
class SdkConsumer:
    """One consumer's session through the SDK of ``channel`` (``mobile`` or ``web``)."""

    name: str
    channel: str
    access: SdkAccess
    journal: Journal
    session_id: str = ""
    unique_id: str = ""  # the consumer's unique ID as the SUT gave it (a visitor's, a user's)
    _token: str = ""
    _http: aiohttp.ClientSession | None = None
    _socket: aiohttp.ClientWebSocketResponse | None = None
    _reader: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls,
        name: str,
        access: SdkAccess,
        journal: Journal,
        *,
        queue_id: str,
        channel: str = "mobile",
        app_version: str | None = None,
        device_type: str | None = None,
        language: str | None = None,
        identity: Mapping[str, Any] | None = None,
    ) -> SdkConsumer:
        """Open a session on ``queue_id``; a refusal raises :class:`ConsumerRefused`.

        ``identity`` adds who the consumer is and what the app sends at the start (README, *The
        consumer protocol*): ``user_id``, ``visitor_id``, ``installation_id``, ``reserved``,
        ``metadata``. A mobile app without ``user_id`` sends a new ``installation_id`` unless
        told which (``None``: none at all)."""
        party = cls(name, channel, access, journal)
        party._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_S))
        body: dict[str, Any] = {"channel": channel, "queue_id": queue_id}
        if app_version is not None:
            body["app_version"] = app_version
        if device_type is not None:
            body["device_type"] = device_type
        if language is not None:
            body["language"] = language
        body.update(identity or {})
        if channel == "mobile" and "installation_id" not in body and "user_id" not in body:
            # A mobile SDK always knows its installation (the mobile SDK ID); None sends none.
            body["installation_id"] = f"install-{secrets.token_hex(8)}"
        try:
            opened = await party._request(
                "POST", "/sdk/sessions", body, headers={KEY_HEADER: access.key}
            )
        except BaseException:
            await party.close()
            raise
        party.session_id, party._token = opened["session_id"], opened["token"]
        party.unique_id = str(opened.get("unique_id") or "")
        return party

    async def _request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> Any:
        assert self._http is not None, f"{self.name}'s session is closed"
        sent = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        sent.update(headers or {})
        url = self.access.base_url.rstrip("/") + path
        async with self._http.request(method, url, json=body, headers=sent) as resp:
            text = await resp.text()
            try:
                data = json.loads(text) if text else None
            except json.JSONDecodeError:
                # Not the protocol's JSON (a crash page, say): what the SUT said, as it said it.
                raise ConsumerRefused(f"{method} {path}", resp.status, text[:500]) from None
            if resp.status >= 400:
                raise ConsumerRefused(f"{method} {path}", resp.status, data)
            return data

    async def options(self) -> ShownOptions:
        """What the SDK shows this consumer now."""
        return ShownOptions.from_json(await self._request("GET", "/sdk/options"))

    async def schedule_call(self, slot: str, phone: str) -> dict[str, Any]:
        """Book the scheduled-call ``slot`` (an ISO instant the SDK offered), to ``phone``."""
        return dict(
            await self._request("POST", "/sdk/scheduled-calls", {"slot": slot, "phone": phone})
        )

    async def leave_voicemail(self, message: str, phone: str | None = None) -> dict[str, Any]:
        """Leave a voicemail for the queue's agents."""
        body: dict[str, Any] = {"message": message}
        if phone is not None:
            body["phone"] = phone
        return dict(await self._request("POST", "/sdk/voicemails", body))

    async def identity(self) -> dict[str, Any]:
        """Who the SUT says this session's consumer is, with its reserved flags."""
        return dict(await self._request("GET", "/sdk/identity"))

    async def send_reserved(self, flags: Mapping[str, object]) -> dict[str, Any]:
        """Send reserved flags after the session started (the SDK's way)."""
        return dict(await self._request("PUT", "/sdk/reserved", dict(flags)))

    async def log_in(self, user_id: str, *, merge_tickets: bool | None = None) -> dict[str, Any]:
        """The consumer logs in as ``user_id``; the SUT says which tickets it merged."""
        body: dict[str, Any] = {"user_id": user_id}
        if merge_tickets is not None:
            body["merge_tickets"] = merge_tickets
        answer = dict(await self._request("POST", "/sdk/login", body))
        self.unique_id = str(answer.get("unique_id") or self.unique_id)
        return answer

    async def end(self) -> dict[str, Any]:
        """End the session (the consumer closed the chat or the call)."""
        return dict(await self._request("POST", "/sdk/end"))

    async def answer_smart_action(
        self, action_id: str, answer: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Answer a smart action the agent asked for (README, *Smart actions*)."""
        path = f"/sdk/smart-actions/{action_id}/answer"
        return dict(await self._request("POST", path, dict(answer)))

    async def attach(self, name: str, data: bytes) -> dict[str, Any]:
        """Attach the file ``name`` with the web chat's paperclip (its bytes as the body)."""
        assert self._http is not None, f"{self.name}'s session is closed"
        url = self.access.base_url.rstrip("/") + "/sdk/attachments"
        headers = {"Authorization": f"Bearer {self._token}"}
        async with self._http.post(url, data=data, params={"name": name}, headers=headers) as resp:
            answer = await resp.json(content_type=None)
            if resp.status >= 400:
                raise ConsumerRefused("POST /sdk/attachments", resp.status, answer)
            return dict(answer)

    async def connect(self) -> None:
        """Open the session's WebSocket; its frames go to the journal from now on."""
        assert self._http is not None, f"{self.name}'s session is closed"
        url = self.access.base_url.rstrip("/") + "/sdk/ws"
        self._socket = await self._http.ws_connect(
            url, params={"access_token": self._token}, heartbeat=30
        )
        self._reader = asyncio.create_task(self._read(self._socket))

    async def _read(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        async for message in socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = message.json()
            kind = str(data.get("type", "?")) if isinstance(data, dict) else "?"
            self.journal.record(SdkFrame(party=self.name, kind=kind, data=data))

    async def send(self, frame: dict[str, Any]) -> None:
        """Send one frame on the session's WebSocket."""
        assert self._socket is not None, f"{self.name} has not connected"
        await self._socket.send_json(frame)

    async def start_chat(self, timeout: float = TIMEOUT_S) -> SdkFrame:
        """Start a chat; the SUT's answer (``chat.queued``, ``chat.deflected``,
        ``chat.message``, or an ``error``)."""
        if self._socket is None:
            await self.connect()
        armed = self.journal.position
        await self.send({"type": "chat.start"})
        answers = ("chat.queued", "chat.deflected", "chat.message", "error")
        match = Match(SdkFrame, party=self.name, kind=lambda k: k in answers)
        return await self.journal.wait_for_async(match, timeout, after=armed)

    async def close(self) -> None:
        """Close the WebSocket and the HTTP client."""
        if self._socket is not None:
            await self._socket.close()
            self._socket = None
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    def leaks(self) -> list[str]:
        """Still connected after the scenario (H-REL-2 post-condition)."""
        return [f"{self.name}'s SDK session still open"] if self._http is not None else []


class MobileConsumer(SdkConsumer):
    """A customer in a mobile app built on the SDK."""


class ChatConsumer(SdkConsumer):
    """A customer on the web chat (a web SDK session and its WebSocket)."""
