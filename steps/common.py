"""Fixtures and steps every domain shares: the account's numbers, agents and their phones."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from pytest_bdd import given, parsers

from harness.endpoints.stage import Stage
from harness.evidence.collector import Evidence
from harness.runtime.cleanup import Cleanup
from harness.runtime.ids import ScenarioIds
from harness.runtime.journal import Journal
from harness.runtime.portal import Portal
from harness.scenario.calls import CallFlows
from harness.scenario.cast import Cast
from harness.sut.contract import Tenant


@pytest.fixture
def stage(portal: Portal, journal: Journal, cleanup: Cleanup) -> Iterator[Stage]:
    s = portal.run(Stage.open(journal))
    cleanup.check("media and signalling", s.leaks)
    cleanup.push("stage", s.close)
    yield s


@pytest.fixture
def cast(
    portal: Portal,
    tenant: Tenant,
    journal: Journal,
    cleanup: Cleanup,
    ids: ScenarioIds,
    evidence: Evidence,
    stage: Stage,
) -> Cast:
    return Cast(portal, tenant, journal, cleanup, ids, evidence, stage)


@pytest.fixture
def flows(cast: Cast) -> CallFlows:
    return CallFlows(cast)


def names(text: str) -> list[str]:
    """'"Alice" and "Bruno"' or 'Alice, Bruno' -> ['Alice', 'Bruno']."""
    quoted = re.findall(r'"([^"]+)"', text)
    if quoted:
        return quoted
    return [n.strip() for n in re.split(r",|\band\b", text) if n.strip()]


@given(parsers.parse('a number "{number}" in the account'))
def a_number(cast: Cast, number: str) -> None:
    cast.add_number(number)


@given(parsers.re(r"agents? (?P<agents>.+) with SIP phones?$"))
def agents_with_phones(cast: Cast, agents: str) -> None:
    for name in names(agents):
        cast.add_agent_with_phone(name)
