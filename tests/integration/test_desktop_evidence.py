"""The agent app's browser: a failing scenario keeps screenshots, a trace and the browser
console; a context left open is reported as a leak."""

from __future__ import annotations

import zipfile

from harness.scenario.cast import Cast
from harness.scenario.desktop import BrowserHost, DesktopAgents

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_a_failing_browser_scenario_keeps_a_screenshot_a_trace_and_the_console(
    cast: Cast, browser_host: BrowserHost
) -> None:
    agents = DesktopAgents(cast, browser_host, failed=lambda: True)
    cast.add_agent("Alice")
    agents.sign_in("Alice")
    agents.expect_signed_in("Alice")
    page = agents.opened["Alice"].pages[0]
    cast.portal.run(page.evaluate("console.error('the agent app went wrong here')"))

    async def uncaught() -> None:
        async with page.expect_event("pageerror"):  # armed before the error is thrown
            await page.evaluate("setTimeout(() => { throw new Error('uncaught in the app'); })")

    cast.portal.run(uncaught())

    cast.portal.run(agents.close())

    folder = cast.evidence.directory
    shot = folder / "browser-alice-0.png"
    trace = folder / "browser-alice-trace.zip"
    assert shot.read_bytes()[:8] == PNG_SIGNATURE
    assert zipfile.is_zipfile(trace)
    assert any(n.endswith(".trace") for n in zipfile.ZipFile(trace).namelist())
    assert shot in cast.evidence.files and trace in cast.evidence.files
    console = (folder / "browser-alice-console.txt").read_text(encoding="utf-8")
    assert "[error] the agent app went wrong here" in console
    assert "[page error] " in console and "uncaught in the app" in console
    assert folder / "browser-alice-console.txt" in cast.evidence.files
    assert agents.leaks() == []


def test_a_context_left_open_is_a_leak(cast: Cast, browser_host: BrowserHost) -> None:
    agents = DesktopAgents(cast, browser_host)
    cast.add_agent("Bob")
    agents.open("Bob")
    agents.opened.clear()  # as if the scenario's cleanup had forgotten it

    assert agents.leaks() == ["1 browser context(s) still open"]

    cast.portal.run(agents.contexts["Bob"].close())
    assert agents.leaks() == []
