"""The reference's dashboard as page objects (the ``dashboard`` capability of its adapter).

Locators go by role and accessible name, as a person finds things; every wait is one of
Playwright's web-first assertions. Following a link marks the page busy (``aria-busy`` on the
main landmark) until the new page is shown, so a read never sees the page it left.
"""

from __future__ import annotations

import re

from playwright.async_api import BrowserContext, Locator, Page, expect

from harness.sut.model import Agent, CallLogRow, EditOutcome, Number, ShownTimelineEntry, Team
from harness.sut.reference_adapter import _Api

SIGNED_IN = re.compile(r"^Signed in as (.+) \((\w+)\)$")
ANY_TEXT = re.compile(r"\S")
# The status line ends with an ellipsis while an edit waits for the server.
FINISHED = re.compile(r"[^…\s]\s*$")
MEMBER = re.compile(r"^(.+) \((user|team)\)$")
# Long enough for any scenario; the reference's tokens expire on the account's clock.
SESSION_TTL_S = 3600


def widget_name(widget: int) -> str:
    """How the page names widget ``widget`` (counted from 0)."""
    return f"Ring to {widget + 1}"


class ReferenceDashboard:
    """One page of the reference's dashboard."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self._team = ""

    # -- moving around ---------------------------------------------------------------------
    async def _follow(self, link: Locator) -> None:
        await link.click()
        await expect(self.page.get_by_role("main")).to_have_attribute("aria-busy", "false")

    async def _menu(self, name: str) -> None:
        menu = self.page.get_by_role("navigation", name="Dashboard")
        await self._follow(menu.get_by_role("link", name=name, exact=True))

    async def sign_in(self, secret: str) -> None:
        await self.page.get_by_label("Access token").fill(secret)
        await self.page.get_by_role("button", name="Sign in").click()

    async def signed_in_as(self) -> str:
        who = self.page.get_by_text(SIGNED_IN)
        await expect(who).to_be_visible()
        match = SIGNED_IN.match((await who.inner_text()).strip())
        assert match is not None  # the locator matched this very pattern
        return match[1]

    async def refusal(self) -> str:
        alert = self.page.get_by_role("alert")
        await expect(alert).to_have_text(ANY_TEXT)
        await expect(self.page.get_by_role("button", name="Sign in")).to_be_visible()
        return (await alert.inner_text()).strip()

    async def open_distribution(self, number: Number) -> None:
        await self._menu("Numbers")
        numbers = self.page.get_by_role("list", name="Numbers")
        await self._follow(numbers.get_by_role("link", name=number.name, exact=True))
        settings = self.page.get_by_role("list", name=f"Settings of {number.name}")
        await self._follow(settings.get_by_role("link", name="Call distribution"))
        await expect(self.page.get_by_role("heading", name="Call distribution")).to_be_visible()

    async def open_team(self, team: Team) -> None:
        await self._menu("Users & teams")
        teams = self.page.get_by_role("list", name="Teams")
        await self._follow(teams.get_by_role("link", name=team.name, exact=True))
        await expect(self.page.get_by_role("heading", name=team.name, exact=True)).to_be_visible()
        self._team = team.name

    # -- the Ring to widget ----------------------------------------------------------------
    def _widget(self, widget: int) -> Locator:
        return self.page.get_by_role("region", name=widget_name(widget), exact=True)

    async def ring_to_members(self, widget: int = 0) -> list[str]:
        region = self._widget(widget)
        await expect(region).to_be_visible()
        items = region.get_by_role("list", name=f"Members of {widget_name(widget)}")
        names = []
        for text in await items.get_by_role("listitem").all_inner_texts():
            label = text.strip().removesuffix("Remove").strip()
            match = MEMBER.match(label)
            names.append(match[1] if match else label)
        return names

    async def ring_time(self, widget: int = 0) -> int:
        field = self._widget(widget).get_by_role(
            "spinbutton", name=f"Ring time of {widget_name(widget)} (seconds)"
        )
        await expect(field).to_be_visible()
        return int(await field.input_value())

    async def nobody_assigned(self) -> bool:
        await expect(self._widget(0)).to_be_visible()
        return await self.page.get_by_text("its calls ring no agent").is_visible()

    async def add_to_ring_to(self, name: str, *, widget: int = 0) -> EditOutcome:
        region = self._widget(widget)
        choice = region.get_by_role("combobox", name=f"Add to {widget_name(widget)}")
        labels = await choice.get_by_role("option").all_inner_texts()
        wanted = [label for label in labels if (m := MEMBER.match(label)) and m[1] == name]
        if not wanted:
            raise LookupError(f"the dashboard offers no {name!r} to add (it offers {labels})")
        await choice.select_option(label=wanted[0])
        await region.get_by_role("button", name="Add", exact=True).click()
        return await self._outcome()

    async def remove_from_ring_to(self, name: str, *, widget: int = 0) -> EditOutcome:
        label = f"Remove {name} from {widget_name(widget)}"
        await self._widget(widget).get_by_role("button", name=label, exact=True).click()
        return await self._outcome()

    async def set_ring_time(self, seconds: int, *, widget: int = 0) -> EditOutcome:
        region = self._widget(widget)
        field = region.get_by_role(
            "spinbutton", name=f"Ring time of {widget_name(widget)} (seconds)"
        )
        await field.fill(str(seconds))
        await region.get_by_role("button", name="Save ring time").click()
        return await self._outcome()

    # -- teams -----------------------------------------------------------------------------
    async def team_members(self) -> list[str]:
        await expect(self.page.get_by_role("heading", name=self._team, exact=True)).to_be_visible()
        items = self.page.get_by_role("list", name=f"Members of {self._team}")
        texts = await items.get_by_role("listitem").all_inner_texts()
        return [text.strip().removesuffix("Remove").strip() for text in texts]

    async def add_to_team(self, name: str) -> EditOutcome:
        form = self.page.get_by_role("form", name=f"Add a member to {self._team}")
        await form.get_by_role("combobox", name=f"Add to {self._team}").select_option(label=name)
        await form.get_by_role("button", name="Add", exact=True).click()
        return await self._outcome()

    async def remove_from_team(self, name: str) -> EditOutcome:
        label = f"Remove {name} from {self._team}"
        await self.page.get_by_role("button", name=label, exact=True).click()
        return await self._outcome()

    # -- the call log ----------------------------------------------------------------------
    async def call_log(self) -> list[CallLogRow]:
        await self._menu("Call log")
        await expect(self.page.get_by_role("heading", name="Call log")).to_be_visible()
        table = self.page.get_by_role("table", name="Calls, newest first")
        if not await table.count():
            return []
        rows = []
        for row in (await table.get_by_role("row").all())[1:]:  # the first is the header
            cells = await row.get_by_role("cell").all_inner_texts()
            rows.append(CallLogRow(cells[0].strip(), cells[3].strip().lower().replace(" ", "_")))
        return rows

    async def call_timeline(self, call_id: str) -> list[ShownTimelineEntry]:
        await self._menu("Call log")
        table = self.page.get_by_role("table", name="Calls, newest first")
        await self._follow(table.get_by_role("link", name=call_id, exact=True))
        await expect(self.page.get_by_role("heading", name=f"Call {call_id}")).to_be_visible()
        timeline = self.page.get_by_role("list", name="Timeline")
        shown = []
        for text in await timeline.get_by_role("listitem").all_inner_texts():
            at, _, said = text.strip().partition(" ")
            shown.append(ShownTimelineEntry(at, said.strip()))
        return shown

    # -- what an edit led to ---------------------------------------------------------------
    async def _outcome(self) -> EditOutcome:
        """Wait until the page reports the edit's end: a refusal (alert) or what was done."""
        alert = self.page.get_by_role("alert").filter(has_text=ANY_TEXT)
        done = self.page.get_by_role("status").filter(has_text=FINISHED)
        await expect(alert.or_(done)).to_be_visible()
        if await alert.count():
            return EditOutcome(False, (await alert.inner_text()).strip())
        return EditOutcome(True, (await done.inner_text()).strip())


class ReferenceDashboardSite:
    """Opens the reference's dashboard; sessions are user tokens on the account's clock."""

    def __init__(self, api: _Api) -> None:
        self._api = api

    def dashboard_url(self) -> str:
        return f"{self._api.base}/dashboard"

    async def open_dashboard(self, context: BrowserContext) -> ReferenceDashboard:
        page = await context.new_page()
        await page.goto(self.dashboard_url())
        return ReferenceDashboard(page)

    async def sign_in_secret(self, user: Agent) -> str:
        issued = await self._api.request(
            "POST", "/tokens", {"user_id": user.id, "ttl_s": SESSION_TTL_S}
        )
        return str(issued["token"])

    async def expire_sessions(self) -> None:
        await self._api.request("POST", "/clock/advance", {"seconds": SESSION_TTL_S + 1})
