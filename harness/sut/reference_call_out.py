"""The reference's ``call_out`` capability (SG-ERR) over its ``/call-out`` routes.

Configuration is sent as the user named (a token of theirs, so their role decides, as for a
person on the portal); calls are placed as the agent through ``POST /calls/outbound``, whose
refusals carry the error code and the Call ID.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from harness.sut.call_out_model import CallOutAttempt, HotlineCallOut
from harness.sut.model import Agent, Number, Team
from harness.sut.reference_adapter import SutApiError, _Api
from harness.sut.reference_tickets import ReferenceTickets


def _hotline(data: dict[str, Any]) -> HotlineCallOut:
    return HotlineCallOut(
        allow_call_out=bool(data["allow_call_out"]),
        all_groups=bool(data["all_groups"]),
        groups=tuple(str(g) for g in data["groups"]),
        deleted=bool(data.get("deleted")),
    )


class ReferenceCallOut:
    """Hotlines, blacklist, answer URL, attempts and captures of the reference."""

    def __init__(self, api: _Api, tickets: ReferenceTickets) -> None:
        self._api = api
        self._tickets = tickets

    async def configure_hotline(
        self,
        line: Number,
        *,
        by: Agent | None = None,
        allow_call_out: bool | None = None,
        all_groups: bool | None = None,
        groups: Sequence[Team] | None = None,
    ) -> HotlineCallOut:
        body: dict[str, Any] = {}
        if allow_call_out is not None:
            body["allow_call_out"] = allow_call_out
        if all_groups is not None:
            body["all_groups"] = all_groups
        if groups is not None:
            body["groups"] = [team.id for team in groups]
        api = self._api if by is None else await self._tickets.as_user(by)
        return _hotline(await api.request("PUT", f"/call-out/hotlines/{line.id}", body))

    async def hotline(self, line: Number) -> HotlineCallOut:
        return _hotline(await self._api.request("GET", f"/call-out/hotlines/{line.id}"))

    async def delete_hotline(self, line: Number) -> None:
        await self._api.request("DELETE", f"/call-out/hotlines/{line.id}")

    async def block(self, number: str, blocked: bool = True) -> None:
        if blocked:
            await self._api.request("POST", "/call-out/blacklist", {"number": number})
        else:
            await self._api.request("DELETE", f"/call-out/blacklist/{number.lstrip('+')}")

    async def use_answer_url(self, url: str | None) -> None:
        await self._api.request("PUT", "/call-out/settings", {"answer_url": url})

    async def set_stuck_call_timeout(self, seconds: float) -> None:
        await self._api.request("PUT", "/call-out/settings", {"stuck_call_timeout_s": seconds})

    async def place_call(
        self, agent: Agent, to: str, *, line: Number, mode: str = "call_out", ring_time_s: int = 30
    ) -> CallOutAttempt:
        body = {"to": to, "number_id": line.id, "ring_time": ring_time_s, "mode": mode}
        api = await self._tickets.as_user(agent)
        try:
            placed = await api.request("POST", "/calls/outbound", body)
        except SutApiError as refused:
            if refused.call_id is None:
                raise  # a refusal without a Call ID is not a call-out error (a bad field)
            return CallOutAttempt(refused.call_id, refused.code, str(refused))
        return CallOutAttempt(str(placed["call_id"]), None)

    async def attempt(self, call_id: str) -> CallOutAttempt:
        data = await self._api.request("GET", f"/call-out/attempts/{call_id}")
        return CallOutAttempt(str(data["call_id"]), data["code"], str(data["message"]))

    async def capture(self, call_id: str) -> bytes:
        url = f"{self._api.base}/call-out/attempts/{call_id}/capture"
        headers = {"Authorization": f"Bearer {self._api.token}"}
        async with self._api.session.get(url, headers=headers) as resp:
            data = await resp.read()
            if resp.status >= 400:
                raise SutApiError("GET", url, resp.status, json.loads(data or b"null"))
            return data
