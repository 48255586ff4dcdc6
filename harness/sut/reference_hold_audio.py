"""The reference's hold audio (capability ``hold_audio``): a line setting, and the melody."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.sut.model import Number
from harness.sut.routing_model import PromptAudio

if TYPE_CHECKING:
    from harness.sut.reference_adapter import _Api
    from harness.sut.reference_routing import ReferenceRouting


class ReferenceHoldAudio:
    """``PUT /talk/lines/{number_id} {hold_audio}``; the melody from ``GET
    /routing/prompts/hold`` (the reference plays the same melody on every line)."""

    def __init__(self, api: _Api, routing: ReferenceRouting | None) -> None:
        self._api = api
        self._routing = routing

    async def set_hold_audio(self, line: Number, on: bool) -> None:
        await self._api.request("PUT", f"/talk/lines/{line.id}", {"hold_audio": on})

    async def hold_audio(self, line: Number) -> PromptAudio:
        if self._routing is None:
            raise LookupError("the hold audio is served by the routing part of the API")
        rate, samples = await self._routing._wav("/routing/prompts/hold")
        return PromptAudio("hold", rate, samples)
