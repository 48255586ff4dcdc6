"""The reference's ``routing`` capability: hours, queues, IVR menus, deflection, prompts.

Speaks the reference's ``/routing`` API (see ``harness/reference/api/routing.py``).
"""

from __future__ import annotations

import io
import wave
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from harness.sut.model import Agent, Number
from harness.sut.reference_adapter import SutApiError, _Api
from harness.sut.routing_model import (
    ChannelName,
    Deflection,
    HoursScope,
    OpenState,
    PromptAudio,
    PromptKind,
    QueueRef,
    VirtualAgentMode,
    Voicemail,
    WeeklyHours,
)


def deflection_json(deflection: Deflection) -> dict[str, Any]:
    """The reference's shape of a deflection."""
    out: dict[str, Any] = {"option": deflection.option}
    if deflection.queue is not None:
        out["queue_id"] = deflection.queue.id
    if deflection.phone is not None:
        out["phone"] = deflection.phone
    if deflection.text is not None:
        out["text"] = deflection.text
    return out


class ReferenceRouting:
    """Routing settings of one tenant of the reference."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    async def set_hours(
        self, scope: HoursScope, key: str | None, hours: WeeklyHours | None
    ) -> None:
        body = {"scope": scope, "key": key, "hours": hours.to_json() if hours else None}
        await self._api.request("PUT", "/routing/hours", body)

    async def is_open(
        self,
        *,
        queue: QueueRef | None = None,
        channel: ChannelName = "ivr",
        language: str | None = None,
    ) -> OpenState:
        query = f"?channel={channel}"
        if queue is not None:
            query += f"&queue_id={queue.id}"
        if language is not None:
            query += f"&language={language}"
        data = await self._api.request("GET", "/routing/open" + query)
        return OpenState(bool(data["open"]), str(data["source"]))

    async def create_queue(
        self,
        name: str,
        *,
        parent: QueueRef | None = None,
        digit: str | None = None,
        prompt: str | None = None,
        agents: Sequence[Agent] = (),
        virtual_agent: VirtualAgentMode = "none",
    ) -> QueueRef:
        body: dict[str, Any] = {
            "name": name,
            "members": [{"type": "user", "id": a.id} for a in agents],
            "virtual_agent": virtual_agent,
        }
        if parent is not None:
            body["parent_id"] = parent.id
            body["digit"] = digit
        if prompt is not None:
            body["prompt"] = prompt
        data = await self._api.request("POST", "/routing/queues", body)
        return QueueRef(str(data["id"]), str(data["name"]))

    async def set_queue_agents(self, queue: QueueRef, agents: Sequence[Agent]) -> None:
        members = [{"type": "user", "id": a.id} for a in agents]
        await self._api.request("PATCH", f"/routing/queues/{queue.id}", {"members": members})

    async def set_queue_deflection(self, queue: QueueRef, enabled: bool) -> None:
        await self._api.request(
            "PATCH", f"/routing/queues/{queue.id}", {"deflection_enabled": enabled}
        )

    async def enter_at(self, number: Number, queue: QueueRef | None) -> None:
        body = {"queue_id": queue.id if queue else None}
        await self._api.request("PUT", f"/routing/entries/{number.id}", body)

    async def set_call_settings(
        self,
        *,
        deflection_enabled: bool,
        deflection: Deflection | None = None,
        allow_after_hours_transfers: bool = False,
    ) -> None:
        body = {
            "deflection_enabled": deflection_enabled,
            "deflection": deflection_json(deflection) if deflection else None,
            "allow_after_hours_transfers": allow_after_hours_transfers,
        }
        await self._api.request("PUT", "/routing/settings/calls", body)

    async def set_chat_settings(
        self, *, deflection_enabled: bool, allow_after_hours_transfers: bool = False
    ) -> None:
        body = {
            "deflection_enabled": deflection_enabled,
            "allow_after_hours_transfers": allow_after_hours_transfers,
        }
        await self._api.request("PUT", "/routing/settings/chats", body)

    async def set_override(
        self, queue: QueueRef, channel: ChannelName, deflection: Deflection | None
    ) -> None:
        body = {"deflection": deflection_json(deflection) if deflection else None}
        await self._api.request("PUT", f"/routing/queues/{queue.id}/overrides/{channel}", body)

    async def set_carrier(self, host: str, port: int) -> None:
        await self._api.request("PUT", "/routing/carrier", {"host": host, "port": port})

    async def set_messages(self, texts: Mapping[str, str]) -> None:
        await self._api.request("PUT", "/routing/messages", dict(texts))

    async def raw_request(self, method: str, path: str, body: object) -> object:
        return await self._api.request(method, path, body)

    async def snapshot(self) -> object:
        return await self._api.request("GET", "/routing")

    async def prompt_audio(
        self, kind: PromptKind, *, queue: QueueRef | None = None, message: str | None = None
    ) -> PromptAudio:
        """A prompt as the reference renders it, read from ``GET /routing/prompts/{name}``."""
        if kind == "message":
            name = f"message-{message}"
        elif kind == "deflection":
            name = "deflection-calls"
        else:
            if queue is None:
                raise ValueError(f"a {kind} prompt belongs to a queue")
            name = f"{kind}-{queue.id}"
        rate, samples = await self._wav(f"/routing/prompts/{name}")
        return PromptAudio(name, rate, samples)

    async def transfer_targets(
        self, agent: Agent, family: Literal["calls", "chats"] = "calls"
    ) -> list[QueueRef]:
        """Asked with ``agent``'s own token: what that agent's transfer menu lists."""
        issued = await self._api.request("POST", "/tokens", {"user_id": agent.id, "ttl_s": 300})
        as_agent = _Api(self._api.session, self._api.base, str(issued["token"]))
        try:
            data = await as_agent.request("GET", f"/routing/transfer-targets?family={family}")
        finally:
            await self._api.request("DELETE", f"/tokens/{issued['id']}")
        return [QueueRef(str(q["id"]), str(q["name"])) for q in data["queues"]]

    async def voicemails(self) -> list[Voicemail]:
        """The account's voicemails, newest first."""
        data = await self._api.request("GET", "/voicemails")
        return [_voicemail(v) for v in data["voicemails"]]

    async def voicemail_audio(self, voicemail: Voicemail) -> PromptAudio:
        path = f"/voicemails/{voicemail.id}/audio"
        rate, samples = await self._wav(path)
        return PromptAudio(f"voicemail {voicemail.id}", rate, samples)

    async def crm_records(self) -> list[Voicemail]:
        data = await self._api.request("GET", "/crm/records")
        return [_voicemail(r) for r in data["records"] if r.get("type") == "voicemail"]

    async def _wav(self, path: str) -> tuple[int, np.ndarray]:
        headers = {"Authorization": f"Bearer {self._api.token}"}
        async with self._api.session.get(self._api.base + path, headers=headers) as resp:
            if resp.status >= 400:
                raise SutApiError("GET", path, resp.status, await resp.json(content_type=None))
            raw = await resp.read()
        with wave.open(io.BytesIO(raw)) as wav:
            rate = wav.getframerate()
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.int16)
        return rate, samples


def _voicemail(data: dict[str, Any]) -> Voicemail:
    return Voicemail(
        id=str(data["id"]),
        call_id=str(data["call_id"]),
        caller=str(data["caller"]),
        queue_id=data.get("queue_id"),
        notified_user_ids=tuple(data.get("notified_user_ids") or ()),
        crm_record=bool(data.get("crm_record")),
        duration_s=float(data.get("duration_s") or 0.0),
        callback=data.get("callback"),
    )
