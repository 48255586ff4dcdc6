"""The reference's agent app as page objects (the ``desktop`` capability of its adapter).

Locators go by role and accessible name, as a person finds things; every wait is one of
Playwright's web-first assertions, which retry until the page shows the expected state.
"""

from __future__ import annotations

import re

from playwright.async_api import BrowserContext, Page, expect

from harness.sut.model import Agent
from harness.sut.reference_adapter import _Api

SIGNED_IN = re.compile(r"^Signed in as (.+)$")
STATE = re.compile(r"^You are (available|away)$")
ANY_TEXT = re.compile(r"\S")


class ReferenceAgentApp:
    """One page of the reference's agent app."""

    def __init__(self, page: Page) -> None:
        self.page = page

    async def sign_in(self, secret: str) -> None:
        await self.page.get_by_label("Access token").fill(secret)
        await self.page.get_by_role("button", name="Sign in").click()

    async def signed_in_as(self) -> str:
        heading = self.page.get_by_role("heading", name=SIGNED_IN)
        await expect(heading).to_be_visible()
        match = SIGNED_IN.match(await heading.inner_text())
        assert match is not None  # the locator matched this very pattern
        return match[1]

    async def refusal(self) -> str:
        alert = self.page.get_by_role("region", name="Sign in").get_by_role("alert")
        await expect(alert).to_have_text(ANY_TEXT)
        return (await alert.inner_text()).strip()

    async def set_availability(self, available: bool) -> None:
        await self.page.get_by_role("switch", name="Available").set_checked(available)
        wanted = "available" if available else "away"
        await expect(self.page.get_by_role("status")).to_have_text(f"You are {wanted}")

    async def availability(self) -> str:
        status = self.page.get_by_role("status")
        await expect(status).to_have_text(STATE)
        match = STATE.match((await status.inner_text()).strip())
        assert match is not None
        return match[1]


class ReferenceDesktop:
    """Opens the reference's agent app and asks the reference what it stored."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    def app_url(self) -> str:
        return f"{self._api.base}/app"

    async def open_agent_app(self, context: BrowserContext) -> ReferenceAgentApp:
        page = await context.new_page()
        await page.goto(self.app_url())
        return ReferenceAgentApp(page)

    async def sign_in_secret(self, agent: Agent) -> str:
        issued = await self._api.request("POST", "/tokens", {"user_id": agent.id})
        return str(issued["token"])

    async def availability(self, agent: Agent) -> str:
        secret = await self.sign_in_secret(agent)
        as_agent = _Api(self._api.session, self._api.base, secret)
        return str((await as_agent.request("GET", "/me/availability"))["availability"])
