"""The reference's end users through its HTTP API (the ``profiles`` capability of its adapter)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from harness.sut.contract import SutRefused
from harness.sut.profiles import CallRequester, EndUserProfile, PhoneIdentity, UserMerge
from harness.sut.reference_adapter import _Api


def _profile(data: dict[str, Any]) -> EndUserProfile:
    return EndUserProfile(
        id=str(data["id"]),
        name=str(data["name"]),
        phones=tuple(
            PhoneIdentity(str(p["id"]), str(p["number"]), p["kind"]) for p in data["phones"]
        ),
        merged_into=data.get("merged_into"),
    )


class ReferenceProfiles:
    """End-user profiles, merges and call requesters of one account of the reference."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    async def create_end_user(self, name: str, phones: Sequence[str] = ()) -> EndUserProfile:
        body = {"name": name, "phones": list(phones)}
        return _profile(await self._api.request("POST", "/end-users", body))

    async def end_user(self, user_id: str) -> EndUserProfile:
        return _profile(await self._api.request("GET", f"/end-users/{user_id}"))

    async def end_users(self, *, phone: str | None = None) -> list[EndUserProfile]:
        query = f"?phone={quote(phone, safe='')}" if phone is not None else ""
        data = await self._api.request("GET", f"/end-users{query}")
        return [_profile(u) for u in data["end_users"]]

    async def add_phone(self, user_id: str, number: str) -> EndUserProfile:
        path = f"/end-users/{user_id}/phones"
        return _profile(await self._api.request("POST", path, {"number": number}))

    async def remove_phone(self, user_id: str, number: str) -> EndUserProfile:
        # The API names a number by its identity's id: a number with its "+" is no path segment.
        held = (await self.end_user(user_id)).phone(number)
        if held is None:
            raise SutRefused(f"{number} is not on the profile of end user {user_id}")
        path = f"/end-users/{user_id}/phones/{held.id}"
        return _profile(await self._api.request("DELETE", path))

    async def merge(self, user_id: str, *, into: str) -> UserMerge:
        path = f"/end-users/{user_id}/merge"
        data = await self._api.request("POST", path, {"into": into})
        return UserMerge(_profile(data["end_user"]), tuple(data["dropped"]))

    async def set_phone_validation(self, enabled: bool) -> None:
        await self._api.request("PUT", "/settings/phone-validation", {"enabled": enabled})

    async def call_requester(self, call_id: str) -> CallRequester:
        data = await self._api.request("GET", f"/calls/{call_id}/requester")
        profile = data.get("end_user")
        return CallRequester(
            call_id=str(data["call_id"]),
            requester_id=str(data["requester_id"]),
            identified=data["identified"],
            profile=_profile(profile) if profile else None,
        )
