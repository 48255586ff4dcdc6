"""The reference's conversation settings (capability ``conversations``) through its HTTP API,
and its agent app's conversation view as page objects (:class:`ConversationView`, part of
:class:`~harness.sut.reference_desktop.ReferenceAgentApp`).

Locators go by role and accessible name; every wait is a web-first assertion.
"""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from harness.sut.contract import InsightShown, Interaction
from harness.sut.model import Number
from harness.sut.reference_adapter import _Api


class ReferenceConversations:
    """``PUT /numbers/{id}/sms`` as the account's administrator."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    async def set_sms_eligible(self, number: Number, eligible: bool) -> None:
        await self._api.request("PUT", f"/numbers/{number.id}/sms", {"eligible": eligible})

    async def sms_eligible(self, number: Number) -> bool:
        return bool((await self._api.request("GET", f"/numbers/{number.id}/sms"))["eligible"])

    async def configure_crm(self, url: str | None, *, timeout_s: float | None = None) -> None:
        settings: dict[str, object] = {"url": url}
        if timeout_s is not None:
            settings["timeout_s"] = timeout_s
        await self._api.request("PUT", "/crm/settings", settings)

    async def crm_settings(self) -> object:
        return await self._api.request("GET", "/crm/settings")


class ConversationView:
    """The conversation view of the reference's agent app (mixed into its page object)."""

    page: Page

    @property
    def _conversation(self) -> Locator:
        return self.page.get_by_role("region", name="Conversation", exact=True)

    async def wait_interaction(self, kind: str, contains: str) -> Interaction:
        bubbles = self._conversation.get_by_role("list", name="Interactions")
        bubble = bubbles.locator(f"li[data-kind={kind}]", has_text=contains).last
        await expect(bubble).to_be_visible()
        text = (await bubble.locator("p").first.inner_text()).strip()
        media = []
        for link in await bubble.get_by_role("link").all():
            media.append(await link.get_attribute("href") or "")
        return Interaction(kind, text, tuple(media))

    async def wait_log(self, contains: str) -> list[str]:
        log = self._conversation.get_by_role("list", name="System log")
        await expect(log.get_by_role("listitem").filter(has_text=contains).first).to_be_visible()
        return [(await i.inner_text()).strip() for i in await log.get_by_role("listitem").all()]

    async def composer_shown(self) -> bool:
        composer = self._conversation.get_by_role("form", name="SMS composer")
        # Both are hidden until the conversation has loaded; then exactly one shows.
        either = self.page.locator("#sms-composer:not([hidden]), #sms-unavailable:not([hidden])")
        await expect(either).to_be_visible()
        return await composer.is_visible()

    async def send_sms(self, text: str) -> str:
        composer = self._conversation.get_by_role("form", name="SMS composer")
        field = composer.get_by_role("textbox", name="Message")
        await field.fill(text)
        await composer.get_by_role("button", name="Send SMS").click()
        # Sent: the app empties the field; refused: the field keeps the text and the alert says
        # why (both set in one task of the page, so the first seen is the whole outcome).
        await self.page.wait_for_function(
            """() => document.getElementById("sms-text").value === ""
                || document.getElementById("sms-error").textContent !== "" """
        )
        # Outside the composer: a refusal may hide the composer, never its reason.
        alert = self._conversation.get_by_role("alert", name="Composer message")
        return (await alert.inner_text()).strip()


LOOKING = "Looking the caller up in the CRM"


async def _terms(scope: Locator) -> dict[str, str]:
    """A definition list's terms and their values."""
    terms = [(await t.inner_text()).strip() for t in await scope.locator("dt").all()]
    values = [(await d.inner_text()).strip() for d in await scope.locator("dd").all()]
    return dict(zip(terms, values, strict=True))


class InsightView:
    """The CRM insight card of the reference's agent app (mixed into its page object)."""

    page: Page

    async def popup_insight(self, key: str) -> InsightShown:
        popup = self.page.get_by_role("dialog", name="Incoming call")
        await expect(popup).to_have_attribute("data-offer", key)
        card = popup.get_by_role("region", name="Insight card")
        if not await card.is_visible():  # the pop-up shows its card (or its wait) at once
            return InsightShown(shown=False)
        note = card.get_by_role("status", name="Insight card status")
        # Web-first: until the CRM answered, the note says the app is looking the caller up.
        await expect(note).not_to_have_text(re.compile(LOOKING))
        return InsightShown(True, await _terms(card), (await note.inner_text()).strip())

    async def toolbar_insight(self) -> dict[str, str]:
        bar = self.page.get_by_role("toolbar", name="Call toolbar")
        button = bar.get_by_role("button", name="Insight card")
        await button.click()
        await expect(button).to_have_attribute("aria-expanded", "true")
        panel = self.page.get_by_role("region", name="Insight card of the call")
        await expect(panel).to_be_visible()
        return await _terms(panel)
