"""The reference's ``consumer_identity`` capability: reserved flags through its Apps API and its
SIP headers, and a queue's virtual agent; the agent app's user profile flags as page objects
(mixed into :class:`harness.sut.reference_desktop.ReferenceAgentApp`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence

from playwright.async_api import Locator, Page, expect

from harness.sut.identity_model import ProfileFlag, ReservedFlags
from harness.sut.reference_adapter import _Api
from harness.sut.routing_model import QueueRef

# The reference's SIP headers for the reserved flags (README, "Reserved data in SIP headers").
SIP_HEADERS = {
    "reserved_verified_customer": "X-Reserved-Verified-Customer",
    "reserved_bad_actor": "X-Reserved-Bad-Actor",
    "reserved_repeat_customer": "X-Reserved-Repeat-Customer",
}


class ReferenceConsumerIdentities:
    """Reserved flags and the virtual agent, through the reference's Apps API."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    async def session_flags(self, session_id: str) -> ReservedFlags:
        data = await self._api.request("GET", f"/apps/sessions/{session_id}/reserved")
        return ReservedFlags.from_json(data)

    async def set_session_flags(
        self, session_id: str, flags: Mapping[str, object]
    ) -> ReservedFlags:
        path = f"/apps/sessions/{session_id}/reserved"
        return ReservedFlags.from_json(await self._api.request("PUT", path, dict(flags)))

    async def call_flags(self, call_id: str) -> ReservedFlags:
        data = await self._api.request("GET", f"/apps/calls/{call_id}/reserved")
        return ReservedFlags.from_json(data)

    async def set_call_flags(self, call_id: str, flags: Mapping[str, object]) -> ReservedFlags:
        path = f"/apps/calls/{call_id}/reserved"
        return ReservedFlags.from_json(await self._api.request("PUT", path, dict(flags)))

    def sip_headers(self, flags: Mapping[str, str]) -> list[tuple[str, str]]:
        return [(SIP_HEADERS.get(name, f"X-{name}"), value) for name, value in flags.items()]

    async def set_virtual_agent(self, queue: QueueRef, verified_customer_key: str | None) -> None:
        body = {"verified_customer_key": verified_customer_key}
        await self._api.request("PUT", f"/apps/queues/{queue.id}/virtual-agent", body)


async def _flags(region: Locator) -> list[ProfileFlag]:
    # Web-first: the list settles once the app rendered the offer's flags (or said none).
    await expect(region).to_be_visible()
    terms = region.locator("dt")
    meanings = region.locator("dd")
    labels = [t.strip() for t in await terms.all_inner_texts()]
    texts = [m.strip() for m in await meanings.all_inner_texts()]
    return [ProfileFlag(label, meaning) for label, meaning in zip(labels, texts, strict=True)]


class ProfileFlagsView:
    """The user profile flags of the reference's agent app (mixed into its page object)."""

    page: Page

    async def popup_flags(self, key: str) -> list[ProfileFlag]:
        popup = self.page.get_by_role("dialog", name="Incoming call")
        await expect(popup).to_have_attribute("data-offer", key)
        return await _flags(popup.get_by_role("region", name="User profile flags", exact=True))

    async def call_flags(self, expected: Sequence[str]) -> list[ProfileFlag]:
        view = self.page.get_by_role("region", name="Call in progress")
        region = view.get_by_role("region", name="User profile flags of the call")
        with contextlib.suppress(AssertionError):  # what shows instead is the answer
            await expect(region.locator("dt")).to_have_text(list(expected))
        return await _flags(region)
