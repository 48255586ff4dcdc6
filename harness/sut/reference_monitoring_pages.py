"""The reference dashboard's monitoring pages as page objects (capability ``supervision``).

Locators go by role and accessible name; every wait is a Playwright web-first assertion.
Following a menu link marks the main landmark busy until the new page is shown.
"""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from harness.sut.model import EditOutcome
from harness.sut.supervision_model import CallDetails

ANY_TEXT = re.compile(r"\S")
# The status line ends with an ellipsis while an edit waits for the server.
FINISHED = re.compile(r"[^…\s]\s*$")
TITLES = {"queued": "Queued calls", "connected": "Connected calls", "agents": "Agents"}
MENU = {"queued": "Queued", "connected": "Connected", "agents": "Agents"}
DETAILS = re.compile(r"^Call details ")


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
        await self._action(call_id, page, "End call")
        dialog = self.page.get_by_role("dialog", name=f"End call {call_id}?")
        await dialog.get_by_role("button", name="Confirm").click()
        return await self._outcome()

    async def _action(self, label: str, page: str, action: str) -> None:
        """On ``page``, the row named ``label`` (a Call ID, an agent): Actions > ``action``."""
        table = await self._open(page)
        row = table.get_by_role("row").filter(has_text=label)
        await row.get_by_role("button", name=f"Actions for {label}", exact=True).click()
        menu = row.get_by_role("menu", name=f"Actions for {label}", exact=True)
        await menu.get_by_role("menuitem", name=action, exact=True).click()

    async def monitor_agent(self, agent_name: str, *, from_details: bool = False) -> EditOutcome:
        if not from_details:
            await self._action(agent_name, "agents", "Monitor")
            return await self._outcome()
        await self._action(agent_name, "agents", "Call details")
        dialog = self.page.get_by_role("dialog", name=DETAILS)
        await dialog.get_by_role("button", name="Listen", exact=True).click()
        return await self._outcome()

    async def stop_monitoring_agent(self, agent_name: str) -> EditOutcome:
        await self._action(agent_name, "agents", "Stop monitoring")
        return await self._outcome()

    async def monitor_call(self, call_id: str) -> EditOutcome:
        await self._action(call_id, "connected", "Monitor")
        return await self._outcome()

    async def stop_monitoring(self, call_id: str) -> EditOutcome:
        await self._action(call_id, "connected", "Stop monitoring")
        return await self._outcome()

    async def call_details(self, call_id: str) -> CallDetails:
        await self._action(call_id, "connected", "Call details")
        dialog = self.page.get_by_role("dialog", name=f"Call details {call_id}")
        await expect(dialog).to_be_visible()
        metrics = dialog.get_by_role("definition")
        terms = dialog.get_by_role("term")
        await expect(terms.first).to_be_visible()
        names = [t.strip() for t in await terms.all_inner_texts()]
        values = [v.strip() for v in await metrics.all_inner_texts()]
        transfers = dialog.get_by_role("list", name="Transfer information").get_by_role("listitem")
        people = dialog.get_by_role("list", name="Participants").get_by_role("listitem")
        buttons = dialog.get_by_role("group", name="Call actions").get_by_role("button")
        details = CallDetails(
            call_id,
            dict(zip(names, values, strict=True)),
            tuple(t.strip() for t in await transfers.all_inner_texts()),
            tuple(p.strip() for p in await people.all_inner_texts()),
            tuple(b.strip() for b in await buttons.all_inner_texts()),
        )
        await dialog.get_by_role("button", name="Close").click()
        await expect(dialog).to_be_hidden()
        return details

    async def _outcome(self) -> EditOutcome:
        """Wait until the page reports the edit's end: a refusal (alert) or what was done."""
        alert = self.page.get_by_role("alert").filter(has_text=ANY_TEXT)
        done = self.page.get_by_role("status").filter(has_text=FINISHED)
        await expect(alert.or_(done)).to_be_visible()
        if await alert.count():
            return EditOutcome(False, (await alert.inner_text()).strip())
        return EditOutcome(True, (await done.inner_text()).strip())
