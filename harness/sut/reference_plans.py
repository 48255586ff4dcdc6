"""The reference's account plans (capability ``plans``), through its HTTP API."""

from __future__ import annotations

from harness.sut.reference_adapter import _Api


class ReferencePlans:
    """``PUT /account/plan`` as the account's administrator."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    async def set_plan(self, plan: str, *, ai_addon: bool) -> None:
        await self._api.request("PUT", "/account/plan", {"plan": plan, "ai_addon": ai_addon})
