"""Fixtures of the interop tests: the foreign programs (skipped, with the reason, when missing)
and a stage for our own parties on the harness's loop.

The harness plugin (loaded by the root conftest) provides ``portal``, ``journal``, ``cleanup``,
``sut`` and ``tenant``: the SUT runs once per session and each test gets its own tenant.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.endpoints.stage import Stage
from harness.interop.baresip import find_baresip, module_dir
from harness.interop.sipp import find_sipp
from harness.runtime.cleanup import Cleanup
from harness.runtime.journal import Journal
from harness.runtime.portal import Portal


@pytest.fixture
def sipp_program() -> str:
    path = find_sipp()
    if path is None:
        pytest.skip("sipp is not installed (Debian package sip-tester); CI installs it")
    return path


@pytest.fixture
def baresip_program() -> str:
    path = find_baresip()
    if path is None:
        pytest.skip("baresip is not installed (Debian package baresip-core); CI installs it")
    if module_dir() is None:
        pytest.skip("baresip is installed without its modules (g711.so not found)")
    return path


@pytest.fixture
def stage(portal: Portal, journal: Journal, cleanup: Cleanup) -> Stage:
    """Our parties' stage; after the test no RTP port and no dialog may be left open."""
    opened = portal.run(Stage.open(journal))
    cleanup.push("stage", opened.close)
    cleanup.check("stage", opened.leaks)
    return opened


@pytest.fixture
def measure(request: pytest.FixtureRequest) -> Callable[[str, object], None]:
    """Keep a measurement with the test's report (its user properties, as the plugin does)."""

    def keep(name: str, value: object) -> None:
        request.node.user_properties.append((name, value))

    return keep
