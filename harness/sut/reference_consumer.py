"""The reference's consumer side (the ``consumer`` capability of its adapter): settings and
overrides through its API, SMS through the gateway the harness runs, the consumer protocol at
its own base URL, and its web SDK page as page objects.

Locators go by role and accessible name, as a person finds things; every wait is one of
Playwright's web-first assertions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from playwright.async_api import BrowserContext, Page, expect

from harness.sut.consumer_model import (
    ConsumerRequestRecord,
    ConsumerSettings,
    MobileOverride,
    SdkAccess,
    SmsOverride,
    SmsRecord,
    SmsWebhook,
)
from harness.sut.reference_adapter import _Api
from harness.sut.routing_model import ChannelName, QueueRef

# The page's labels, and the option kinds they stand for.
LABELS = {
    "Call us": "call",
    "Chat with us": "chat",
    "Email us": "email",
    "Schedule a call": "scheduled_call",
    "Call now": "phone",
    "Leave a message to be called back": "voicemail",
}
STATE = re.compile(r"^We are (open|closed now)$")
ANY_TEXT = re.compile(r"\S")
ACTION_TIMEOUT_MS = 10_000  # a click waits this long for its target (Playwright's default: 30 s)


def _sms(data: dict[str, Any]) -> SmsRecord:
    return SmsRecord(
        id=data["id"],
        direction=data["direction"],
        from_number=data["from"],
        to_number=data["to"],
        body=data["body"],
        media_urls=tuple(data.get("media_urls") or ()),
        status=data["status"],
        detail=data.get("detail", ""),
        reason=data.get("reason", ""),
    )


class ReferenceWebSdk:
    """One page of the reference's web SDK."""

    def __init__(self, page: Page) -> None:
        self.page = page

    async def _options(self) -> Any:
        await expect(self.page.get_by_role("status")).to_have_text(STATE)
        return self.page.get_by_role("region", name="Contact options").get_by_role("listitem")

    async def shown_options(self) -> list[str]:
        items = await self._options()
        kinds = []
        for index in range(await items.count()):
            item = items.nth(index)
            control = item.get_by_role("button").or_(item.get_by_role("link"))
            names = [n.strip() for n in await control.all_inner_texts()]
            label = next((n for n in names if n in LABELS), None)
            if label is None:
                raise AssertionError(f"the web SDK shows an option no label names: {names}")
            kinds.append(LABELS[label])
        return kinds

    async def email_message(self) -> str:
        items = await self._options()
        link = self.page.get_by_role("link", name="Email us")
        await expect(link).to_be_visible()
        message = items.filter(has=link).get_by_role("paragraph")
        await expect(message).to_have_text(ANY_TEXT)
        return (await message.inner_text()).strip()

    async def start_chat(self) -> str:
        await self.page.get_by_role("button", name="Chat with us").click()
        line = self.page.get_by_role("log", name="Chat").get_by_role("listitem").first
        await expect(line).to_have_text(ANY_TEXT)
        return (await line.inner_text()).strip()

    async def book_first_slot(self, phone: str) -> str:
        await self._options()
        form = self.page.get_by_role("form", name="Schedule a call")
        await form.get_by_label("Your phone number").fill(phone)
        await form.get_by_role("button", name="Schedule a call").click()
        answer = (
            self.page.get_by_role("status")
            .filter(has_text="Call booked")
            .or_(self.page.get_by_role("alert").filter(has_text=ANY_TEXT))
        )
        await expect(answer).to_be_visible()
        return (await answer.inner_text()).strip()


class ReferenceConsumer:
    """The reference's consumer side, through its API."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    async def configure(self, settings: ConsumerSettings) -> None:
        await self._api.request("PUT", "/consumers/settings", settings.to_json())

    async def snapshot(self) -> object:
        settings = await self._api.request("GET", "/consumers/settings")
        overrides = await self._api.request("GET", "/consumers/overrides")
        return {"settings": settings, "overrides": overrides["overrides"]}

    async def set_override(
        self, queue: QueueRef, channel: ChannelName, override: MobileOverride | SmsOverride | None
    ) -> None:
        body = {"override": None if override is None else override.to_json()}
        await self._api.request("PUT", f"/consumers/queues/{queue.id}/overrides/{channel}", body)

    async def route_sms_to(self, queue: QueueRef) -> None:
        await self._api.request("PUT", "/consumers/sms-queue", {"queue_id": queue.id})

    async def connect_sms_gateway(
        self, gateway_url: str, number: str, *, timeout_s: float | None = None
    ) -> SmsWebhook:
        body: dict[str, Any] = {"gateway_url": gateway_url, "number": number}
        if timeout_s is not None:
            body["timeout_s"] = timeout_s
        data = await self._api.request("PUT", "/sms/settings", body)
        return SmsWebhook(self._api.base + data["webhook_path"], data["webhook_secret"])

    async def send_sms(self, to: str, body: str, media_urls: Sequence[str] = ()) -> SmsRecord:
        payload = {"to": to, "body": body, "media_urls": list(media_urls)}
        return _sms(await self._api.request("POST", "/sms/messages", payload))

    async def sms_log(self) -> list[SmsRecord]:
        data = await self._api.request("GET", "/sms/messages")
        return [_sms(m) for m in data["messages"]]

    async def sdk_access(self) -> SdkAccess:
        data = await self._api.request("GET", "/consumers/sdk-key")
        return SdkAccess(self._api.base, data["key"])

    async def requests(self) -> list[ConsumerRequestRecord]:
        data = await self._api.request("GET", "/consumers/requests")
        return [
            ConsumerRequestRecord(
                r["id"],
                r["kind"],
                r["queue_id"],
                {k: v for k, v in r.items() if k not in ("id", "kind", "queue_id")},
            )
            for r in data["requests"]
        ]

    async def open_web_sdk(self, context: BrowserContext, queue: QueueRef) -> ReferenceWebSdk:
        access = await self.sdk_access()
        page = await context.new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        query = urlencode({"key": access.key, "queue": queue.id})
        await page.goto(f"{self._api.base}/sdk/web?{query}")
        return ReferenceWebSdk(page)
