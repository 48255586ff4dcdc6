"""The dashboard's browser contexts keep evidence when a scenario fails and are reported when
left open; an adapter without the capability skips the dashboard's scenarios with the reason."""

from __future__ import annotations

import zipfile
from pathlib import Path

from harness.scenario.cast import Cast
from harness.scenario.dashboard import DashboardUsers
from harness.scenario.desktop import BrowserHost

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_a_failing_dashboard_scenario_keeps_a_screenshot_and_a_trace(
    cast: Cast, browser_host: BrowserHost
) -> None:
    users = DashboardUsers(cast, browser_host, failed=lambda: True)
    users.sign_in("Dana", "admin")

    cast.portal.run(users.close())

    folder = cast.evidence.directory
    shot = folder / "dashboard-dana-0.png"
    trace = folder / "dashboard-dana-trace.zip"
    assert shot.read_bytes()[:8] == PNG_SIGNATURE
    assert zipfile.is_zipfile(trace)
    assert any(n.endswith(".trace") for n in zipfile.ZipFile(trace).namelist())
    assert shot in cast.evidence.files and trace in cast.evidence.files
    assert users.leaks() == []


def test_a_dashboard_context_left_open_is_a_leak(cast: Cast, browser_host: BrowserHost) -> None:
    users = DashboardUsers(cast, browser_host)
    users.sign_in("Dana", "admin")
    users.opened.clear()  # as if the scenario's cleanup had forgotten it

    assert users.leaks() == ["1 dashboard browser context(s) still open"]

    cast.portal.run(users.contexts["Dana"].close())
    assert users.leaks() == []
