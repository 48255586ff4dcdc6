"""The reference's agent app as page objects (the ``desktop`` capability of its adapter).

Locators go by role and accessible name, as a person finds things; every wait is one of
Playwright's web-first assertions, which retry until the page shows the expected state.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from playwright.async_api import BrowserContext, Locator, Page, expect

from harness.sut.contract import Conversation, RingingCall
from harness.sut.model import Agent
from harness.sut.reference_adapter import _Api
from harness.sut.reference_chats_app import ChatsView
from harness.sut.reference_consumer_identity import ProfileFlagsView
from harness.sut.reference_conversations import ConversationView, InsightView
from harness.sut.reference_detached import DetachedToolbarView
from harness.sut.reference_dialing import DialingView
from harness.sut.reference_tones_app import TonesView

SIGNED_IN = re.compile(r"^Signed in as (.+)$")
STATE = re.compile(r"^You are (available|away)$")
ANY_TEXT = re.compile(r"\S")


class ReferenceAgentApp(
    ConversationView,
    InsightView,
    DetachedToolbarView,
    DialingView,
    ProfileFlagsView,
    TonesView,
    ChatsView,
):
    """One page of the reference's agent app."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.watch_popups()

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
        await expect(self.page.get_by_role("status", name="Availability")).to_have_text(
            f"You are {wanted}"
        )

    async def availability(self) -> str:
        status = self.page.get_by_role("status", name="Availability")
        await expect(status).to_have_text(STATE)
        match = STATE.match((await status.inner_text()).strip())
        assert match is not None
        return match[1]

    # -- calls (CallingApp) ------------------------------------------------------------------
    @property
    def _popup(self) -> Locator:
        return self.page.get_by_role("dialog", name="Incoming call")

    async def wait_ringing(self, seen: Collection[str] = ()) -> RingingCall:
        while True:
            await self.page.wait_for_function(
                """seen => {
                    const popup = document.getElementById("ringing");
                    return !popup.hidden && popup.dataset.offer
                        && !seen.includes(popup.dataset.offer);
                }""",
                arg=list(seen),
                timeout=0,
            )
            shown = await self.ringing_shown()
            if shown is not None and shown.key not in seen:
                return shown

    async def ringing_shown(self) -> RingingCall | None:
        popup = self._popup
        if not await popup.is_visible():
            return None
        key = await popup.get_attribute("data-offer")
        if not key:
            return None
        details = {}
        caller = popup.locator("dl").first  # the caller's details; the insight card has its own
        for term in ("Caller", "Name", "Line"):
            value = caller.locator("dt", has_text=term).locator("xpath=following-sibling::dd[1]")
            details[term] = (await value.inner_text()).strip()
        branch = caller.locator("dt", has_text="IVR branch")
        ivr_branch = ""
        if await branch.is_visible():
            dd = branch.locator("xpath=following-sibling::dd[1]")
            ivr_branch = (await dd.inner_text()).strip()
        actions = {}
        for button in await popup.get_by_role("button").all():
            name = (await button.inner_text()).strip()
            colour = await button.evaluate("b => getComputedStyle(b).backgroundColor")
            actions[name] = colour_name(colour)
        return RingingCall(
            key, details["Caller"], details["Name"], details["Line"], actions, ivr_branch
        )

    async def _on_popup(self, key: str) -> Locator:
        popup = self._popup
        await expect(popup).to_be_visible()
        await expect(popup).to_have_attribute("data-offer", key)
        return popup

    async def accept(self, key: str) -> None:
        popup = await self._on_popup(key)
        await popup.get_by_role("button", name="Accept").click()

    async def reject(self, key: str) -> None:
        popup = await self._on_popup(key)
        await popup.get_by_role("button", name="Reject").click()

    async def call_message(self) -> str:
        alert = self.page.get_by_role("alert", name="Call message")
        await expect(alert).to_have_text(ANY_TEXT)
        return (await alert.inner_text()).strip()

    @property
    def _in_call(self) -> Locator:
        return self.page.get_by_role("region", name="Call in progress")

    async def in_call_actions(self) -> list[str]:
        view = self._in_call
        await expect(view).to_be_visible()
        return [(await b.inner_text()).strip() for b in await view.get_by_role("button").all()]

    async def hang_up(self) -> None:
        await self._in_call.get_by_role("button", name="Hang up").click()
        await expect(self._in_call).to_be_hidden()

    async def set_muted(self, muted: bool) -> None:
        button = self._in_call.get_by_role("button", name="Mute")
        if await button.get_attribute("aria-pressed") != str(muted).lower():
            await button.click()
        await expect(button).to_have_attribute("aria-pressed", str(muted).lower())

    async def set_held(self, held: bool) -> None:
        button = self._in_call.get_by_role("button", name="Hold")
        if await button.get_attribute("aria-pressed") != str(held).lower():
            await button.click()
        await expect(button).to_have_attribute("aria-pressed", str(held).lower())

    async def go_to(self, view: str) -> None:
        await (
            self.page.get_by_role("navigation", name="Views")
            .get_by_role("button", name=view, exact=True)
            .click()
        )
        await expect(self.page.get_by_role("region", name=view, exact=True)).to_be_visible()

    @property
    def _toolbar(self) -> Locator:
        return self.page.get_by_role("toolbar", name="Call toolbar")

    async def toolbar(self) -> tuple[list[str], str]:
        bar = self._toolbar
        await expect(bar).to_be_visible()
        actions = [(await b.inner_text()).strip() for b in await bar.get_by_role("button").all()]
        box = await bar.bounding_box()
        size = self.page.viewport_size
        where = ""
        if box is not None and size is not None:
            vertical = "bottom" if box["y"] + box["height"] / 2 > size["height"] / 2 else "top"
            horizontal = "left" if box["x"] + box["width"] / 2 < size["width"] / 2 else "right"
            where = f"{vertical}-{horizontal}"
        return actions, where

    async def back_to_call(self) -> None:
        await self._toolbar.get_by_role("button", name="Back to the call").click()
        await expect(self._in_call).to_be_visible()

    async def in_call_view_shown(self) -> bool:
        return await self._in_call.is_visible()

    async def enable_notifications(self) -> None:
        await self.page.get_by_role("switch", name="Browser notifications").set_checked(True)
        await self.page.wait_for_function("Notification.permission === 'granted'")
        await expect(self.page.get_by_role("switch", name="Browser notifications")).to_be_checked()

    async def open_conversation(self, key: str) -> Conversation:
        popup = await self._on_popup(key)
        await popup.get_by_role("button", name="Open conversation").click()
        view = self.page.get_by_role("region", name="Conversation", exact=True)
        await expect(view).to_be_visible()
        history = view.get_by_role("list", name="History").get_by_role("listitem")
        await expect(history.first).to_be_visible()

        async def term(name: str) -> str:
            value = view.locator("dt", has_text=name).locator("xpath=following-sibling::dd[1]")
            return (await value.inner_text()).strip()

        actions = view.get_by_role("group", name="Conversation actions").get_by_role("button")
        parts = view.get_by_role("region", name="Context snapshot").get_by_role("heading", level=4)
        return Conversation(
            customer=await term("Customer"),
            line=await term("Line"),
            actions=[(await b.inner_text()).strip() for b in await actions.all()],
            history=[(await item.inner_text()).strip() for item in await history.all()],
            snapshot=[(await h.inner_text()).strip() for h in await parts.all()],
        )

    async def try_availability(self, available: bool) -> str:
        await self.page.get_by_role("switch", name="Available").set_checked(available)
        alert = self.page.locator("#availability-error")
        await expect(alert).to_have_text(ANY_TEXT)
        return (await alert.inner_text()).strip()

    # -- Transfer and Keypad (agent_app_transfer.js, AC-IN-7) -----------------------------------
    async def transfer_targets(self) -> list[str]:
        panel = await self._open_panel("Transfer")
        targets = panel.get_by_role("list", name="Transfer targets")
        await expect(targets).to_be_visible()
        await expect(targets).not_to_have_attribute("aria-busy", "true")
        buttons = await targets.get_by_role("button").all()
        return [(await b.inner_text()).strip() for b in buttons]

    async def transfer_to(self, target: str) -> None:
        panel = await self._open_panel("Transfer")
        await panel.get_by_role("button", name=f"Transfer to {target}", exact=True).click()
        await expect(self._in_call).to_be_hidden()

    async def press_keys(self, digits: str) -> None:
        panel = await self._open_panel("Keypad")
        shown = panel.get_by_role("status", name="Keys sent")
        for digit in digits:
            before = await shown.inner_text()
            await panel.get_by_role("button", name=f"Key {digit}", exact=True).click()
            await expect(shown).to_have_text(before + digit)

    async def _open_panel(self, name: str) -> Locator:
        button = self._in_call.get_by_role("button", name=name, exact=True)
        if await button.get_attribute("aria-expanded") != "true":
            await button.click()
        panel = self._in_call.get_by_role("group", name=name, exact=True)
        await expect(panel).to_be_visible()
        return panel


def colour_name(css: str) -> str:
    """A CSS ``rgb(...)`` colour as a person would name it: green, red, or "" otherwise."""
    numbers = [int(float(n)) for n in re.findall(r"[\d.]+", css)[:3]]
    if len(numbers) < 3:
        return ""
    red, green, blue = numbers
    if green > 1.5 * max(red, blue):
        return "green"
    if red > 1.5 * max(green, blue):
        return "red"
    return ""


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

    def desktop_app_url(self) -> str:
        """The reference's desktop app: its web app in a Chromium app window."""
        return f"{self._api.base}/app?shell=desktop"

    async def agent_app_in(self, page: Page) -> ReferenceAgentApp:
        return ReferenceAgentApp(page)

    async def sign_in_secret(self, agent: Agent) -> str:
        issued = await self._api.request("POST", "/tokens", {"user_id": agent.id})
        return str(issued["token"])

    async def availability(self, agent: Agent) -> str:
        secret = await self.sign_in_secret(agent)
        as_agent = _Api(self._api.session, self._api.base, secret)
        return str((await as_agent.request("GET", "/me/availability"))["availability"])
