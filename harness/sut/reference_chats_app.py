"""The chats of the reference's agent app (mixed into its page object): the "Chats waiting"
list with its Accept chat buttons, and the "Chat tones" log, whose items carry ``data-kind``
(new-chat or new-message) and ``data-at`` (ms on the page's clock)."""

from __future__ import annotations

import contextlib

from playwright.async_api import Page, expect

from harness.sut.notifications_model import ToneStart


class ChatsView:
    """Reads and acts on the app's chat panel."""

    page: Page

    async def accept_chat(self) -> None:
        waiting = self.page.get_by_role("list", name="Chats waiting")
        await waiting.get_by_role("button", name="Accept chat").first.click()
        await expect(self.page.get_by_label("Current chat")).to_be_visible()

    async def write_chat(self, text: str) -> None:
        chat = self.page.get_by_label("Current chat")
        await chat.get_by_role("textbox", name="Chat message").fill(text)
        await chat.get_by_role("button", name="Send").click()
        await expect(chat.get_by_role("textbox", name="Chat message")).to_have_value("")

    async def end_chat(self) -> None:
        chat = self.page.get_by_label("Current chat")
        await chat.get_by_role("button", name="End chat").click()
        await expect(chat).to_be_hidden()

    async def chat_messages(self) -> list[str]:
        log = self.page.get_by_role("log", name="Chat messages").get_by_role("listitem")
        return [m.strip() for m in await log.all_inner_texts()]

    async def chat_tone_starts(self, kind: str) -> list[ToneStart]:
        log = self.page.get_by_role("log", name="Chat tones")
        starts = []
        for item in await log.locator(f'li[data-kind="{kind}"]').all():
            at = await item.get_attribute("data-at")
            if at is not None:
                starts.append(ToneStart(await item.inner_text(), int(at) / 1000))
        return starts

    async def wait_chat_tone_starts(
        self, kind: str, count: int, timeout_s: float
    ) -> list[ToneStart]:
        items = self.page.get_by_role("log", name="Chat tones").locator(f'li[data-kind="{kind}"]')
        with contextlib.suppress(AssertionError):  # what the log shows instead is the answer
            await expect(items).to_have_count(count, timeout=timeout_s * 1000)
        return await self.chat_tone_starts(kind)
