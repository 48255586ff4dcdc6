"""The reference's ``crm_recordings`` capability (CC-REC) over ``/crm/settings``,
``/crm/recording-storage`` and ``/tickets/{id}/crm-uploads``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from harness.endpoints.authenticator import Authenticator
from harness.sut.crm_recordings_model import RecordingUpload
from harness.sut.model import Agent
from harness.sut.reference_adapter import SutApiError, _Api
from harness.sut.tickets_model import Recording


def _when(text: object) -> datetime | None:
    return None if text is None else datetime.fromisoformat(str(text))


def _upload(data: dict[str, Any]) -> RecordingUpload:
    created = _when(data["created_at"])
    assert created is not None
    return RecordingUpload(
        recording_id=str(data["recording_id"]),
        call_id=str(data["call_id"]),
        state=str(data["state"]),
        size=int(data["size"]),
        sha256=str(data["sha256"]),
        parts=tuple(int(p) for p in data["parts"]),
        crm_ticket_id=None if data["crm_ticket_id"] is None else str(data["crm_ticket_id"]),
        failures=int(data["failures"]),
        next_try_at=_when(data["next_try_at"]),
        last_try_at=_when(data["last_try_at"]),
        created_at=created,
        note=str(data["note"]),
    )


class ReferenceCrmRecordings:
    """Recordings kept in the CRM, as the account's administrator (its API key) sets them."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    async def keep_recordings_in_crm(self, crm_url: str, *, part_bytes: int | None = None) -> None:
        await self._api.request("PUT", "/crm/settings", {"url": crm_url})
        choice: dict[str, object] = {"enabled": True}
        if part_bytes is not None:
            choice["part_bytes"] = part_bytes
        await self._api.request("PUT", "/crm/recording-storage", choice)

    async def recording_uploads(self, ticket_id: str) -> list[RecordingUpload]:
        found = await self._api.request("GET", f"/tickets/{ticket_id}/crm-uploads")
        return [_upload(u) for u in found["uploads"]]


class ReferenceRecordingAccess:
    """Retained recordings (CC-REC-5) over ``/me/mfa``, ``/crm/keys`` and
    ``/crm/recordings/{id}``: each fetch signs the user in afresh (a new token), so a token
    that passed MFA once does not lend it to a later fetch."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    async def fetch_retained(
        self, recording: Recording, *, user: Agent | None, mfa: bool, crm_key: bool
    ) -> bytes:
        api = self._api
        if user is not None:
            issued = await self._api.request("POST", "/tokens", {"user_id": user.id})
            api = _Api(self._api.session, self._api.base, issued["token"])
        if mfa:
            enrolled = await api.request("POST", "/me/mfa")
            code = Authenticator(enrolled["secret"]).code()
            await api.request("POST", "/me/mfa/verify", {"code": code})
        headers = {"Authorization": f"Bearer {api.token}"}
        if crm_key:
            headers["X-CRM-Key"] = (await self._api.request("POST", "/crm/keys"))["key"]
        path = f"/crm/recordings/{recording.id}"
        async with api.session.get(api.base + path, headers=headers) as response:
            if response.status >= 400:
                body = await response.json(content_type=None)
                raise SutApiError("GET", path, response.status, body)
            return await response.read()
