"""Page objects of the reference agent app's outbound calls: the "New call" dialer and the
ticket panel's Call action (``agent_app_outbound.js``; ZT-TKT-2, 7).

Mixed into :class:`~harness.sut.reference_desktop.ReferenceAgentApp`. Locators go by role and
accessible name; every wait is a web-first assertion.
"""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from harness.sut.contract import SutRefused
from harness.sut.model import Number

ANY_TEXT = re.compile(r"\S")


class DialingView:
    """The dialer and the ticket panel of one page of the agent app."""

    page: Page

    async def place_call(self, number: str, line: Number, *, ring_time_s: int | None = None) -> str:
        dialer = self.page.get_by_role("region", name="New call", exact=True)
        await _choose_line(dialer.get_by_label("Line", exact=True), line)
        await dialer.get_by_label("Number to call").fill(number)
        if ring_time_s is not None:
            await dialer.get_by_label("Ring for (seconds)").fill(str(ring_time_s))
        await dialer.get_by_role("button", name="Call", exact=True).click()
        return await self._placed()

    async def open_ticket(self, ticket_id: str) -> str:
        panel = self.page.get_by_role("region", name="Tickets", exact=True)
        await panel.get_by_label("Ticket number").fill(ticket_id)
        await panel.get_by_role("button", name="Open ticket").click()
        opened = self.page.get_by_role("region", name="Opened ticket")
        refusal = self.page.get_by_role("alert", name="Ticket message").filter(has_text=ANY_TEXT)
        await expect(opened.or_(refusal).first).to_be_visible()
        if await refusal.is_visible():
            raise SutRefused((await refusal.inner_text()).strip())
        await expect(opened).to_have_attribute("data-ticket", ticket_id)
        term = opened.locator("dt", has_text="Requester's number")
        return (await term.locator("xpath=following-sibling::dd[1]").inner_text()).strip()

    async def call_from_ticket(self, line: Number, *, ring_time_s: int | None = None) -> str:
        opened = self.page.get_by_role("region", name="Opened ticket")
        await _choose_line(opened.get_by_label("Call from line"), line)
        if ring_time_s is not None:
            await opened.get_by_label("Ring for (seconds)").fill(str(ring_time_s))
        await opened.get_by_role("button", name="Call", exact=True).click()
        return await self._placed()

    async def _placed(self) -> str:
        """The key of the call the app shows in progress, or the app's refusal raised."""
        in_call: Locator = self.page.get_by_role("region", name="Call in progress")
        message = self.page.get_by_role("alert", name="Call message").filter(has_text=ANY_TEXT)
        await expect(in_call.or_(message).first).to_be_visible()
        if not await in_call.is_visible():
            raise SutRefused((await message.inner_text()).strip())
        key = await in_call.get_attribute("data-call-id")
        if not key:
            raise SutRefused("the app shows a call in progress without its Call ID")
        return key


async def _choose_line(select: Locator, line: Number) -> None:
    """Pick ``line`` in one of the app's lists of lines, which names it "name (E.164)".

    Picked by its number: an automatic page translation (SG-ERR-6) may rename the line in the
    list, as an agent still sees which line it is by its number, which translators keep.
    """
    shown = re.compile(re.escape(f"({line.e164})") + "$")
    value = await select.locator("option").filter(has_text=shown).get_attribute("value")
    if value is None:
        raise SutRefused(f"the app lists the line {line.e164} without a value")
    await select.select_option(value=value)
