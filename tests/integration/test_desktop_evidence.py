"""The agent app's browser: a failing scenario keeps screenshots and a trace; a context left
open is reported as a leak."""

from __future__ import annotations

import zipfile

from harness.scenario.cast import Cast
from harness.scenario.desktop import BrowserHost, DesktopAgents

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_a_failing_browser_scenario_keeps_a_screenshot_and_a_trace(
    cast: Cast, browser_host: BrowserHost
) -> None:
    agents = DesktopAgents(cast, browser_host, failed=lambda: True)
    cast.add_agent("Alice")
    agents.sign_in("Alice")
    agents.expect_signed_in("Alice")

    cast.portal.run(agents.close())

    folder = cast.evidence.directory
    shot = folder / "browser-alice-0.png"
    trace = folder / "browser-alice-trace.zip"
    assert shot.read_bytes()[:8] == PNG_SIGNATURE
    assert zipfile.is_zipfile(trace)
    assert any(n.endswith(".trace") for n in zipfile.ZipFile(trace).namelist())
    assert shot in cast.evidence.files and trace in cast.evidence.files
    assert agents.leaks() == []


def test_a_context_left_open_is_a_leak(cast: Cast, browser_host: BrowserHost) -> None:
    agents = DesktopAgents(cast, browser_host)
    cast.add_agent("Bob")
    agents.open("Bob")
    agents.opened.clear()  # as if the scenario's cleanup had forgotten it

    assert agents.leaks() == ["1 browser context(s) still open"]

    cast.portal.run(agents.contexts["Bob"].close())
    assert agents.leaks() == []
