"""The reference dashboard's monitoring pages as page objects (capability ``supervision``).

Locators go by role and accessible name; every wait is a Playwright web-first assertion.
Following a menu link marks the main landmark busy until the new page is shown.
"""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from harness.sut.model import EditOutcome

ANY_TEXT = re.compile(r"\S")
# The status line ends with an ellipsis while an edit waits for the server.
FINISHED = re.compile(r"[^…\s]\s*$")
TITLES = {"queued": "Queued calls", "connected": "Connected calls"}
MENU = {"queued": "Queued", "connected": "Connected"}


def _title(page: str) -> str:
    if page not in TITLES:
        raise ValueError(f"no monitoring page {page!r}; there are {sorted(TITLES)}")
    return TITLES[page]


class ReferenceMonitoringPages:
    """Calls > Queued and Calls > Connected in one open dashboard page."""

    def __init__(self, page: Page) -> None:
        self.page = page

    async def _open(self, which: str) -> Locator:
        title = _title(which)
        main = self.page.get_by_role("main")
        menu = self.page.get_by_role("navigation", name="Dashboard")
        await menu.get_by_role("link", name=MENU[which], exact=True).click()
        await expect(main).to_have_attribute("aria-busy", "false")
        await expect(self.page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        return self.page.get_by_role("table", name=title)

    async def live_calls(self, page: str) -> list[str]:
        table = await self._open(page)
        if not await table.count():
            return []
        cells = table.get_by_role("row").locator("td:first-child")
        return [text.strip() for text in await cells.all_inner_texts()]

    async def end_call(self, call_id: str, page: str) -> EditOutcome:
        table = await self._open(page)
        row = table.get_by_role("row").filter(has_text=call_id)
        await row.get_by_role("button", name=f"Actions for {call_id}").click()
        menu = row.get_by_role("menu", name=f"Actions for {call_id}")
        await menu.get_by_role("menuitem", name="End call").click()
        dialog = self.page.get_by_role("dialog", name=f"End call {call_id}?")
        await dialog.get_by_role("button", name="Confirm").click()
        return await self._outcome()

    async def _outcome(self) -> EditOutcome:
        """Wait until the page reports the edit's end: a refusal (alert) or what was done."""
        alert = self.page.get_by_role("alert").filter(has_text=ANY_TEXT)
        done = self.page.get_by_role("status").filter(has_text=FINISHED)
        await expect(alert.or_(done)).to_be_visible()
        if await alert.count():
            return EditOutcome(False, (await alert.inner_text()).strip())
        return EditOutcome(True, (await done.inner_text()).strip())
