"""Agents at the agent app in a real browser: Debian's Chromium driven by Playwright.

One browser per pytest process (per xdist worker), started the first time a scenario needs it;
one browser context per agent, closed by the scenario's cleanup. A context still open after the
cleanup is a leak (H-REL-2). Playwright's own browser download is never used: the harness's setup
installs Debian's ``chromium``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.async_api import BrowserContext, ConsoleMessage, Error, Page

from harness.endpoints.browser.chromium import BrowserHost, chromium_path
from harness.endpoints.browser.phone import BrowserPhone
from harness.evidence.attach import has_allure_result
from harness.evidence.browser import close_contexts, keep_browser_evidence
from harness.runtime.portal import Portal
from harness.scenario.calls import CallFlows
from harness.scenario.cast import CapabilityMissing, Cast
from harness.sut.contract import AgentApp, CallingApp, Desktop, DesktopShell

__all__ = ["BrowserHost", "DesktopAgents", "chromium_path"]


@dataclass
class DesktopAgents:
    """The scenario's agents at the agent app, one browser context each."""

    cast: Cast
    host: BrowserHost
    failed: Callable[[], bool] = lambda: False
    #: Whether the item has an Allure result to attach to (Gherkin scenarios do, plain tests
    #: that borrow these fixtures do not).
    to_allure: bool = False
    #: The scenario's call flows: an agent signed in to the app answers calls there.
    flows: CallFlows | None = None
    apps: dict[str, AgentApp] = field(default_factory=dict)
    contexts: dict[str, BrowserContext] = field(default_factory=dict)
    opened: dict[str, BrowserContext] = field(default_factory=dict)  # not closed yet
    phones: dict[str, BrowserPhone] = field(default_factory=dict)
    console: dict[str, list[str]] = field(default_factory=dict)  # agent -> console lines
    #: Agents whose browser asks before giving the app the microphone (SG-ERR-1): their
    #: context has it only once granted.
    asked_for_microphone: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.cast.cleanup.push("browser contexts", self.close)
        self.cast.cleanup.check("browser contexts", self.leaks)

    @property
    def desktop(self) -> Desktop:
        found = getattr(self.cast.tenant, "desktop", None)
        if found is None:
            raise CapabilityMissing("this adapter lacks the capability 'desktop'")
        desktop: Desktop = found
        return desktop

    def open(self, name: str) -> AgentApp:
        """``name``'s own browser context with the agent app on its sign-in page."""
        return self.cast.portal.run(self._open(name))

    async def _open(self, name: str) -> AgentApp:
        stage = self.cast.stage
        browser = await self.host.browser_for(
            stage.signature(name), asks_permission=name in self.asked_for_microphone
        )
        context = await browser.new_context()
        self.contexts[name] = context
        self.opened[name] = context
        lines = self.console.setdefault(name, [])
        context.on("console", lambda message: lines.append(_console_line(message)))
        context.on("weberror", lambda error: lines.append(f"[page error] {error.error}"))
        context.on(
            "page", lambda page: page.on("pageerror", lambda e: lines.append(f"[page error] {e}"))
        )
        # Recorded in memory; written to the evidence folder only if the scenario fails.
        await context.tracing.start(screenshots=True, snapshots=True)
        phone = await BrowserPhone.install(context, name, stage)
        app = await self.desktop.open_agent_app(context)
        self.apps[name] = app
        if isinstance(app, CallingApp):
            self._as_phone(name, phone, app, context.pages[0])
        return app

    def open_desktop_app(self, name: str) -> None:
        """``name`` starts the desktop app (the web app in a Chromium app window), signs in."""
        shell = self.desktop
        if not isinstance(shell, DesktopShell):
            raise CapabilityMissing("this adapter's desktop app is not a browser app window")
        stage, agent = self.cast.stage, self.cast.agent(name)

        async def go() -> None:
            context = await self.host.app_window(stage.signature(name), shell.desktop_app_url())
            self.contexts[name] = context
            self.opened[name] = context
            lines = self.console.setdefault(name, [])
            # The context's console covers every window of the app (the detached call toolbar
            # too); page errors are per page, so each window the app opens reports its own.
            context.on("console", lambda message: lines.append(_console_line(message)))
            context.on(
                "page",
                lambda opened: opened.on(
                    "pageerror", lambda e: lines.append(_page_error(opened, e))
                ),
            )
            await context.tracing.start(screenshots=True, snapshots=True)
            phone = await BrowserPhone.install(context, name, stage)
            if context.pages:  # the app's window, open before the hook above
                page = context.pages[0]
                page.on("pageerror", lambda e: lines.append(_page_error(page, e)))
            else:
                page = await context.wait_for_event("page")
            await page.reload()  # the window opened before the harness's scripts were in place
            app = await shell.agent_app_in(page)
            self.apps[name] = app
            await app.sign_in(await self.desktop.sign_in_secret(agent))
            await app.signed_in_as()
            if isinstance(app, CallingApp):
                self._as_phone(name, phone, app, page)

        self.cast.portal.run(go())

    def _as_phone(self, name: str, phone: BrowserPhone, app: CallingApp, page: Page) -> None:
        async def page_clock() -> float:
            return float(await page.evaluate("performance.now()"))

        async def last_click() -> float | None:
            value = await page.evaluate("window.__callproofLastClick ?? null")
            return None if value is None else float(value)

        phone.attach(app, page_clock, last_click)
        self.phones[name] = phone
        if self.flows is not None:
            self.flows.app_phones[name] = phone

    def phone(self, name: str) -> BrowserPhone:
        """``name``'s agent app as her phone (the app must take calls)."""
        if name not in self.phones:
            raise CapabilityMissing(f"the agent app of {name} does not take calls")
        return self.phones[name]

    def sign_in_for(self, name: str, seconds: int) -> None:
        """``name`` signs in with a session (a token of the SUT) that lasts ``seconds``."""
        access = getattr(self.cast.tenant, "access", None)
        if access is None:
            raise CapabilityMissing("this adapter lacks the capability 'access'")
        token = self.cast.portal.run(access.issue_token(self.cast.agent(name), ttl_s=seconds))
        self.sign_in(name, secret=token.secret)

    def let_time_pass(self, seconds: float) -> None:
        """The SUT's clock moves on by ``seconds`` (sessions expire on it)."""
        clock = self.cast.tenant.clock
        if clock is None:
            raise CapabilityMissing("this adapter lacks the capability 'clock'")
        self.cast.portal.run(clock.advance(seconds))

    def expect_availability_refused(self, name: str, state: str, words: str) -> None:
        """``name`` tries to set herself ``state``; the app refuses, saying ``words``."""
        app = self.phone(name).app
        message = self.cast.portal.run(app.try_availability(state == "available"))
        if words not in message:
            raise AssertionError(f"the app says {message!r}, not {words!r}")
        shown = self.cast.portal.run(self.app(name).availability())
        if shown == state:
            raise AssertionError(f"the app shows {name} {state} although it was refused")

    def put_in_background(self, name: str) -> None:
        """``name`` opens another tab in front of her agent app."""

        async def go() -> None:
            other = await self.opened[name].new_page()
            await other.bring_to_front()

        self.cast.portal.run(go())

    async def click_notification(self, name: str, tag: str, *, late: bool = False) -> bool:
        """Click the notification ``tag`` that ``name``'s agent app showed; ``late``: the click
        crossed the app's withdrawal of it (the last one withdrawn with that tag is clicked)."""
        page = self.opened[name].pages[0]
        return bool(
            await page.evaluate(
                "([tag, late]) => window.__callproofClickNotification(tag, late)", [tag, late]
            )
        )

    def calling_app(self, name: str) -> CallingApp:
        """``name``'s agent app as a phone, for what the pop-up and the call view show."""
        return self.phone(name).app

    def app(self, name: str) -> AgentApp:
        """The app ``name`` opened in this scenario."""
        if name not in self.apps:
            raise LookupError(f"{name} has not opened the agent app in this scenario")
        return self.apps[name]

    def sign_in(self, name: str, *, secret: str | None = None, as_agent: str | None = None) -> None:
        """Open the app for ``name`` and sign in, with her own secret unless one is given.

        With ``as_agent``, ``name`` is another device of that agent: its own browser context
        (and microphone signature), signed in as her.
        """
        agent = self.cast.agent(as_agent or name)
        app = self.open(name)

        async def go() -> None:
            used = secret if secret is not None else await self.desktop.sign_in_secret(agent)
            await app.sign_in(used)

        self.cast.portal.run(go())

    def expect_signed_in(self, name: str) -> None:
        """``name``'s app shows her signed in under her own name."""
        expected = self.cast.agent(name).name  # the name the SUT holds (made unique per run)
        shown = self.cast.portal.run(self.app(name).signed_in_as())
        assert shown == expected, f"the agent app of {name} shows {shown!r} signed in"

    def expect_refused(self, name: str, words: str) -> None:
        """``name``'s sign-in form shows a refusal that contains ``words``."""
        message = self.cast.portal.run(self.app(name).refusal())
        assert words in message, f"the agent app's refusal {message!r} does not say {words!r}"

    def set_availability(self, name: str, state: str) -> None:
        """``name`` flips her switch to ``state`` (available or away) in the app."""
        if state not in ("available", "away"):
            raise ValueError(f"availability must be 'available' or 'away', got {state!r}")
        self.cast.portal.run(self.app(name).set_availability(state == "available"))

    def expect_shown_availability(self, name: str, state: str) -> None:
        """``name``'s app shows her ``state``."""
        shown = self.cast.portal.run(self.app(name).availability())
        assert shown == state, f"the agent app of {name} shows her {shown}, not {state}"

    def expect_reported_availability(self, name: str, state: str) -> None:
        """The SUT, asked through the adapter, reports ``name`` as ``state``."""
        reported = self.cast.portal.run(self.desktop.availability(self.cast.agent(name)))
        assert reported == state, f"the contact center reports {name} {reported}, not {state}"

    async def close(self) -> None:
        """Close every context of the scenario, keeping evidence first if it failed."""
        keep = self.failed()
        for phone in self.phones.values():
            await phone.close()
        await close_contexts(self.opened, self._keep_evidence if keep else None)

    async def _keep_evidence(self, name: str, context: BrowserContext) -> None:
        """A screenshot of each of ``name``'s pages, her console and her Playwright trace."""
        await keep_browser_evidence(
            self.cast.evidence, context, prefix=f"browser-{slug_name(name)}",
            what=f"{name}'s agent app", to_allure=self.to_allure,
            console=self.console.get(name, []),
        )  # fmt: skip

    def leaks(self) -> list[str]:
        """The scenario's contexts the browser still has open (H-REL-2 post-condition)."""
        open_now = self.host.open_contexts()
        still = [c for c in self.contexts.values() if c in open_now]
        return [f"{len(still)} browser context(s) still open"] if still else []


@pytest.fixture(scope="session")
def browser_host(portal: Portal) -> Iterator[BrowserHost]:
    """This process's browser, launched when a scenario first needs it."""
    host = portal.run(BrowserHost.launch(), timeout=60)
    yield host
    portal.run(host.close(), timeout=30)


def slug_name(name: str) -> str:
    """``name`` as a file-name part."""
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower() or "agent"


@pytest.fixture
def desktop_agents(
    request: pytest.FixtureRequest, cast: Cast, flows: CallFlows, browser_host: BrowserHost
) -> DesktopAgents:
    """The scenario's agents at the agent app; a failing scenario keeps their screenshots and
    Playwright traces in its evidence folder."""

    def failed() -> bool:
        return any(
            (report := getattr(request.node, f"rep_{when}", None)) is not None and report.failed
            for when in ("setup", "call")
        )

    return DesktopAgents(cast, browser_host, failed, has_allure_result(request.node), flows)


def _console_line(message: ConsoleMessage) -> str:
    where = message.location
    source = f" ({where.get('url', '')}:{where.get('lineNumber', '')})" if where else ""
    return f"[{message.type}] {message.text}{source}"


def _page_error(page: Page, error: Error) -> str:
    return f"[page error] {error} ({page.url})"
