"""The reference dashboard's Chats > Connected page as a page object (capability ``chats``).

Locators go by role and accessible name; every wait is a Playwright web-first assertion.
"""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect

from harness.sut.chats_model import LiveChatShown
from harness.sut.model import EditOutcome
from harness.sut.reference_monitoring_pages import ReferenceMonitoringPages

TITLE = "Connected chats"


class ReferenceChatPages:
    """Chats > Connected in one open dashboard page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self._edits = ReferenceMonitoringPages(page)  # the same status line and alerts

    async def _open(self) -> Locator:
        main = self.page.get_by_role("main")
        menu = self.page.get_by_role("navigation", name="Dashboard")
        await menu.get_by_role("link", name=TITLE, exact=True).click()
        await expect(main).to_have_attribute("aria-busy", "false")
        await expect(self.page.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
        return self.page.get_by_role("table", name=TITLE)

    async def _action(self, chat_id: str, action: str) -> None:
        table = await self._open()
        row = table.get_by_role("row").filter(has_text=chat_id)
        await row.get_by_role("button", name=f"Actions for {chat_id}", exact=True).click()
        menu = row.get_by_role("menu", name=f"Actions for {chat_id}", exact=True)
        await menu.get_by_role("menuitem", name=action, exact=True).click()

    async def connected_chats(self) -> list[str]:
        table = await self._open()
        if not await table.count():
            return []
        cells = table.get_by_role("row").locator("td:first-child")
        return [text.strip() for text in await cells.all_inner_texts()]

    async def _terms(self, dialog: Locator) -> dict[str, str]:
        terms = dialog.get_by_role("term")
        await expect(terms.first).to_be_visible()
        names = [t.strip() for t in await terms.all_inner_texts()]
        values = [v.strip() for v in await dialog.get_by_role("definition").all_inner_texts()]
        return dict(zip(names, values, strict=True))

    async def _close(self, dialog: Locator) -> None:
        await dialog.get_by_role("button", name="Close").click()
        await expect(dialog).to_be_hidden()

    async def view_live_chat(self, chat_id: str) -> LiveChatShown:
        await self._action(chat_id, "View live chat")
        dialog = self.page.get_by_role("dialog", name=f"Live chat {chat_id}")
        await expect(dialog).to_be_visible()
        facts = await self._terms(dialog)
        link = dialog.get_by_role("link", name="Open the CRM record")
        url = await link.get_attribute("href") if await link.count() else None
        said = dialog.get_by_role("log", name="Messages").get_by_role("listitem")
        shown = LiveChatShown(
            chat_id,
            facts.get("Agent", ""),
            facts.get("End user", ""),
            facts.get("Issue", ""),
            url,
            tuple(m.strip() for m in await said.all_inner_texts()),
        )
        await self._close(dialog)
        return shown

    async def chat_details(self, chat_id: str) -> dict[str, str]:
        await self._action(chat_id, "Chat details")
        dialog = self.page.get_by_role("dialog", name=f"Chat details {chat_id}")
        await expect(dialog).to_be_visible()
        facts = await self._terms(dialog)
        await self._close(dialog)
        return facts

    async def end_chat(self, chat_id: str) -> EditOutcome:
        await self._action(chat_id, "End chat")
        dialog = self.page.get_by_role("dialog", name=f"End chat {chat_id}?")
        await dialog.get_by_role("button", name="Confirm").click()
        return await self._edits._outcome()
