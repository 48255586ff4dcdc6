"""The incoming-call tone of the reference's agent app (mixed into its page object): the
"Incoming-call tones" log lists each start with the tone's name and ``data-at`` (ms)."""

from __future__ import annotations

import contextlib

from playwright.async_api import Page, expect

from harness.sut.notifications_model import ToneStart


class TonesView:
    """Reads the app's log of incoming-call tone starts."""

    page: Page

    async def tone_starts(self) -> list[ToneStart]:
        items = self.page.get_by_role("log", name="Incoming-call tones").get_by_role("listitem")
        starts = []
        for item in await items.all():
            at = await item.get_attribute("data-at")
            if at is not None:
                starts.append(ToneStart(await item.inner_text(), int(at) / 1000))
        return starts

    async def wait_tone_starts(self, count: int, timeout_s: float) -> list[ToneStart]:
        items = self.page.get_by_role("log", name="Incoming-call tones").locator("li[data-at]")
        with contextlib.suppress(AssertionError):  # what the log shows instead is the answer
            await expect(items).to_have_count(count, timeout=timeout_s * 1000)
        return await self.tone_starts()
