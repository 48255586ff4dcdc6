"""The reference's ``smart_actions`` capability (CC-SA), through its API (README, *Smart
actions*)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from harness.sut.reference_adapter import _Api
from harness.sut.smart_actions_model import (
    AttachmentRecord,
    Captured,
    During,
    SmartActionKind,
    SmartActionRecord,
)


def _record(data: dict[str, Any]) -> SmartActionRecord:
    return SmartActionRecord(
        id=data["id"],
        session_id=data["session_id"],
        kind=data["kind"],
        during=data["during"],
        status=data["status"],
        result=data.get("result"),
        detail=dict(data.get("detail") or {}),
        media=tuple(
            Captured(m["content_type"], base64.b64decode(m["data"]))
            for m in data.get("media") or ()
        ),
    )


class ReferenceSmartActions:
    """Smart actions and chat attachments, through the reference's API (as the account)."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    async def set_redact(self, enabled: bool) -> None:
        await self._api.request("PUT", "/consumers/smart-actions/settings", {"redact": enabled})

    async def request(
        self,
        session_id: str,
        kind: SmartActionKind,
        during: During,
        *,
        count: int | None = None,
        call_id: str | None = None,
    ) -> SmartActionRecord:
        body: dict[str, Any] = {"kind": kind, "during": during}
        if count is not None:
            body["count"] = count
        if call_id is not None:
            body["call_id"] = call_id
        path = f"/consumers/sessions/{session_id}/smart-actions"
        return _record(await self._api.request("POST", path, body))

    async def read(self, action_id: str, *, wait_s: float = 0.0) -> SmartActionRecord:
        query = urlencode({"wait_s": wait_s})
        path = f"/consumers/smart-actions/{action_id}?{query}"
        return _record(await self._api.request("GET", path))

    async def end(self, action_id: str) -> SmartActionRecord:
        path = f"/consumers/smart-actions/{action_id}/end"
        return _record(await self._api.request("POST", path))

    async def attachments(self, session_id: str) -> list[AttachmentRecord]:
        data = await self._api.request("GET", f"/consumers/sessions/{session_id}/attachments")
        return [
            AttachmentRecord(a["id"], a["name"], a["content_type"], base64.b64decode(a["data"]))
            for a in data["attachments"]
        ]
