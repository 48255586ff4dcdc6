"""Fixtures of the interop tests: the foreign programs (skipped, with the reason, when missing)
and a stage for our own parties on the harness's loop.

The harness plugin (loaded by the root conftest) provides ``portal``, ``journal``, ``cleanup``,
``sut`` and ``tenant``: the SUT runs once per session and each test gets its own tenant.
``peers`` bundles what a test of foreign peers drives them with, ``sut_peers`` adds the tenant.
A test that needs a program asks for it first (``@pytest.mark.usefixtures("sipp_program")``),
so that a missing program skips before anything of the test starts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import pytest

from harness.endpoints.stage import Stage
from harness.interop.baresip import find_baresip, module_dir
from harness.interop.kamailio import find_kamailio
from harness.interop.provision import EchoCall, caller_connected_to_sipp_echo
from harness.interop.sipp import find_sipp
from harness.runtime.cleanup import Cleanup
from harness.runtime.journal import Event, Journal, Match
from harness.runtime.portal import Portal
from harness.sut.contract import Tenant

T = TypeVar("T")
E = TypeVar("E", bound=Event)

PEER_TEST_TIMEOUT = 60.0
"""Seconds an interop test's work on the loop may take, foreign programs included."""


def installed(path: str | None, name: str, package: str) -> str:
    """``path``, the program ``name``; the test skips, naming the package, when it is None."""
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package {package}); CI installs it")
    return path


@pytest.fixture
def sipp_program() -> str:
    return installed(find_sipp(), "sipp", "sip-tester")


@pytest.fixture
def baresip_program() -> str:
    path = installed(find_baresip(), "baresip", "baresip-core")
    if module_dir() is None:
        pytest.skip("baresip is installed without its modules (g711.so not found)")
    return path


@pytest.fixture
def kamailio_program() -> str:
    return installed(find_kamailio(), "kamailio", "kamailio")


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


@dataclass(frozen=True)
class Peers:
    """What an interop test drives the parties with: the harness's loop, our parties' stage,
    the journal, the finalizers, the test's own folder and the report's measurements."""

    portal: Portal
    stage: Stage
    journal: Journal
    cleanup: Cleanup
    workdir: Path
    measure: Callable[[str, object], None]

    def run(self, work: Coroutine[Any, Any, T], timeout: float = PEER_TEST_TIMEOUT) -> T:
        """Run ``work`` on the harness's loop and return what it returns."""
        return self.portal.run(work, timeout)


@dataclass(frozen=True)
class SutPeers(Peers):
    """`Peers` and this test's own tenant of the SUT."""

    tenant: Tenant


@pytest.fixture
def peers(
    portal: Portal,
    stage: Stage,
    journal: Journal,
    cleanup: Cleanup,
    tmp_path: Path,
    measure: Callable[[str, object], None],
) -> Peers:
    return Peers(portal, stage, journal, cleanup, tmp_path, measure)


@pytest.fixture
def sut_peers(tenant: Tenant, peers: Peers) -> SutPeers:
    """`peers` with the tenant, which is set up first (before the stage)."""
    return SutPeers(**{f.name: getattr(peers, f.name) for f in fields(peers)}, tenant=tenant)


SIPP_SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "sipp"


async def caller_on_sipp_echo(peers: Peers, scenario: str, caller: str, timeout: float) -> EchoCall:
    """Our synthetic caller ``caller``, connected to a SIPp UAS that echoes (``-rtp_echo``)."""
    return await caller_connected_to_sipp_echo(
        SIPP_SCENARIOS / scenario, peers.workdir, peers.stage, peers.journal, peers.cleanup,
        caller, timeout,
    )  # fmt: skip


def seen_at(journal: Journal, event: Event) -> float:
    """When ``event`` was recorded (the loop's clock)."""
    return next(r.at for r in journal.records(type(event)) if r.event is event)


async def or_none(waiting: Awaitable[T]) -> T | None:
    """What ``waiting`` returns, or None when it fails (a wait that timed out): the test's
    assertion then reports the absence, with the peer's own verdict beside it."""
    try:
        return await waiting
    except AssertionError:
        return None


async def in_turn(journal: Journal, match: Match[E], count: int, timeout: float) -> list[E]:
    """Up to ``count`` events matching ``match``, one after another, each within ``timeout``;
    fewer when one does not come (the test reports what did)."""
    found: list[E] = []
    while len(found) < count:
        event = await or_none(journal.wait_for_async(match, timeout))
        if event is None:
            break
        found.append(event)
    return found
