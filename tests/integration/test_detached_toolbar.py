"""The desktop app's detached call toolbar window (AC-IN-13) outside a call: a window left over
from a call that is over changes nothing and says so, and a failing scenario keeps that
window's console and screenshot with the app's."""

from __future__ import annotations

import re

from playwright.async_api import expect

from harness.scenario.cast import Cast
from harness.scenario.desktop import BrowserHost, DesktopAgents
from harness.sut.contract import DetachedToolbarApp
from harness.sut.reference_detached import ReferenceDetachedToolbar

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _left_over_window(cast: Cast, agents: DesktopAgents, name: str) -> ReferenceDetachedToolbar:
    """The app's main window opens its toolbar window while it has no call, as a window that
    outlived its call would be."""
    page = agents.opened[name].pages[0]
    app = agents.app(name)
    assert isinstance(app, DetachedToolbarApp)
    cast.portal.run(page.evaluate("window.open('/app/toolbar', 'call-toolbar', 'popup')"))
    window = cast.portal.run(app.detached_toolbar())
    assert isinstance(window, ReferenceDetachedToolbar)
    return window


def test_hold_in_a_toolbar_window_without_a_call_is_refused_and_changes_nothing(
    cast: Cast, browser_host: BrowserHost
) -> None:
    agents = DesktopAgents(cast, browser_host)
    cast.add_agent("Alice")
    agents.open_desktop_app("Alice")
    window = _left_over_window(cast, agents, "Alice")
    hold = window.window.get_by_role("button", name="Hold")

    async def click_hold() -> str:
        alert = window.window.get_by_role("alert", name="Toolbar message")
        await expect(alert).to_have_text("No call in progress")  # the main window answered
        await hold.click()
        await expect(alert).to_have_text(re.compile("Not possible"))
        return await window.message()

    assert cast.portal.run(click_hold()) == "Not possible: the call has ended"
    assert cast.portal.run(hold.get_attribute("aria-pressed")) == "false"
    main = agents.opened["Alice"].pages[0]
    assert cast.portal.run(main.get_by_role("region", name="Call in progress").is_hidden())
    cast.portal.run(agents.close())


def test_a_failing_scenario_keeps_the_detached_windows_console_and_screenshot(
    cast: Cast, browser_host: BrowserHost
) -> None:
    agents = DesktopAgents(cast, browser_host, failed=lambda: True)
    cast.add_agent("Alice")
    agents.open_desktop_app("Alice")
    window = _left_over_window(cast, agents, "Alice").window

    async def go_wrong() -> None:
        await window.evaluate("console.error('the detached toolbar went wrong here')")
        async with window.expect_event("pageerror"):  # armed before the error is thrown
            await window.evaluate(
                "setTimeout(() => { throw new Error('uncaught in the window'); })"
            )

    cast.portal.run(go_wrong())
    cast.portal.run(agents.close())

    folder = cast.evidence.directory
    console = (folder / "browser-alice-console.txt").read_text(encoding="utf-8")
    assert "[error] the detached toolbar went wrong here" in console
    assert "uncaught in the window" in console and "/app/toolbar" in console
    shots = sorted(folder.glob("browser-alice-*.png"))
    assert len(shots) == 2, shots  # the app's window and the detached toolbar window
    assert all(shot.read_bytes()[:8] == PNG_SIGNATURE for shot in shots)
    assert agents.leaks() == []
