"""The reference desktop app's detached call toolbar (AC-IN-13) as page objects.

In the desktop app (the agent app in a Chromium app window, ``?shell=desktop``), leaving the
call's view opens a small window of its own (``window.open`` of ``/app/toolbar``) instead of the
in-page toolbar. Playwright reports it as a ``popup`` of the app's page; the app's page object
records every popup from the moment it exists, so a window that opened before a step asked for
it is found all the same. Locators go by role and name; waits are Playwright's web-first
assertions or events, never pauses.
"""

from __future__ import annotations

import asyncio
import re

from playwright.async_api import Locator, Page, expect

from harness.sut.contract import DetachedToolbarShown

TOOLBAR_PATH = "/app/toolbar"
# As long as Playwright's web-first assertions wait on this machine (harness/endpoints/browser).
WAIT_S = 10.0
ANY_TEXT = re.compile(r"\S")


class ReferenceDetachedToolbar:
    """The detached toolbar window of one call, beside the app's main page."""

    def __init__(self, window: Page, main: Page) -> None:
        self.window = window
        self.main = main
        self._closed = asyncio.Event()
        window.on("close", lambda _page: self._closed.set())
        if window.is_closed():
            self._closed.set()

    @property
    def _bar(self) -> Locator:
        return self.window.get_by_role("toolbar", name="Call toolbar")

    @property
    def _main_in_call(self) -> Locator:
        return self.main.get_by_role("region", name="Call in progress")

    def _term(self, name: str) -> Locator:
        summary = self.window.get_by_label("Call", exact=True)
        return summary.locator("dt", has_text=name).locator("xpath=following-sibling::dd[1]")

    async def shown(self) -> DetachedToolbarShown:
        caller = self._term("Caller")
        await expect(caller).to_have_text(ANY_TEXT)
        timer = self.window.get_by_role("timer", name="Running time")
        await expect(timer).to_have_text(ANY_TEXT)
        seconds = await timer.get_attribute("data-seconds")
        buttons = await self._bar.get_by_role("button").all()
        return DetachedToolbarShown(
            caller=(await caller.inner_text()).strip(),
            line=(await self._term("Line").inner_text()).strip(),
            running_s=int(seconds or 0),
            actions=[(await b.inner_text()).strip() for b in buttons if await b.is_visible()],
        )

    async def _press(self, name: str, pressed: bool) -> None:
        button = self._bar.get_by_role("button", name=name, exact=True)
        if await button.get_attribute("aria-pressed") != str(pressed).lower():
            await button.click()
        await expect(button).to_have_attribute("aria-pressed", str(pressed).lower())

    async def set_muted(self, muted: bool) -> None:
        await self._press("Mute", muted)

    async def set_held(self, held: bool) -> None:
        await self._press("Hold", held)

    async def hang_up(self) -> None:
        await self._bar.get_by_role("button", name="Hang up").click()
        await self.wait_closed()
        await expect(self._main_in_call).to_be_hidden()

    async def back_to_call(self) -> None:
        # The window itself leads back: a click on what it shows of the call, not a button.
        await self.window.get_by_label("Call", exact=True).click()
        await self.wait_closed()
        await expect(self._main_in_call).to_be_visible()

    async def insight(self) -> dict[str, str]:
        button = self._bar.get_by_role("button", name="Insight card")
        await expect(button).to_be_visible()  # only when the CRM sent a card for the call
        await button.click()
        await expect(button).to_have_attribute("aria-expanded", "true")
        panel = self.window.get_by_role("region", name="Insight card of the call")
        await expect(panel).to_be_visible()
        terms = await panel.locator("dt").all()
        return {
            (await t.inner_text()).strip(): (
                await t.locator("xpath=following-sibling::dd[1]").inner_text()
            ).strip()
            for t in terms
        }

    async def message(self) -> str:
        """The window's message (a refusal), once it shows one."""
        alert = self.window.get_by_role("alert", name="Toolbar message")
        await expect(alert).to_have_text(ANY_TEXT)
        return (await alert.inner_text()).strip()

    async def wait_closed(self) -> None:
        try:
            await asyncio.wait_for(self._closed.wait(), WAIT_S)
        except TimeoutError:
            raise AssertionError(
                f"the detached toolbar window is still open after {WAIT_S:.0f} s"
            ) from None

    def is_closed(self) -> bool:
        return self._closed.is_set()


class DetachedToolbarView:
    """The app page's side: the toolbar windows it opened (mixed into the app's page object)."""

    page: Page
    _windows: list[Page]
    _opened: asyncio.Event

    def watch_popups(self) -> None:
        """Record every window the app's page opens from now on."""
        self._windows = []
        self._opened = asyncio.Event()

        def opened(window: Page) -> None:
            self._windows.append(window)
            self._opened.set()

        self.page.on("popup", opened)

    def _open_toolbar(self) -> Page | None:
        # The latest window still open (the app opens no other kind; its URL is checked below).
        for window in reversed(self._windows):
            if not window.is_closed():
                return window
        return None

    async def detached_toolbar(self) -> ReferenceDetachedToolbar:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_S
        while (window := self._open_toolbar()) is None:
            self._opened.clear()
            left = deadline - loop.time()
            try:
                await asyncio.wait_for(self._opened.wait(), max(left, 0.0))
            except TimeoutError:
                raise AssertionError(
                    f"no detached toolbar window opened within {WAIT_S:.0f} s"
                ) from None
        await window.wait_for_url(re.compile(re.escape(TOOLBAR_PATH)))
        await window.wait_for_load_state()
        return ReferenceDetachedToolbar(window, self.page)

    async def in_page_toolbar_shown(self) -> bool:
        return await self.page.get_by_role("toolbar", name="Call toolbar").is_visible()
