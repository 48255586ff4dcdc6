"""The scenario fixtures every feature and integration test shares, loaded by :mod:`harness.plugin`.

The step modules hold steps only; what a step needs (the stage, the cast, the call flows and the
helper of each domain) is built here, so a test outside the features uses the same objects
without loading any step module. Each helper's fixture asks for the few fixtures that helper uses
(the cast only for the names it looks up); a new domain adds its helper's fixture the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.audit.attacker import Attacker
from harness.endpoints.stage import Stage
from harness.evidence.collector import Evidence
from harness.runtime.cleanup import Cleanup
from harness.runtime.ids import ScenarioIds
from harness.runtime.journal import Journal
from harness.runtime.portal import Portal
from harness.scenario.access import AccessAudit
from harness.scenario.calls import CallFlows
from harness.scenario.cast import Cast
from harness.scenario.crash import CrashDrill
from harness.scenario.distribution import DistributionAdmin
from harness.scenario.evidence import EvidenceCheck
from harness.scenario.integrity import ConnectionChecks
from harness.scenario.offers import OfferFlows
from harness.scenario.outbound import Dialler
from harness.scenario.profiles import CallerBook
from harness.scenario.recordings import RecordingDesk
from harness.scenario.tickets import TicketDesk
from harness.scenario.transfers import TransferDesk
from harness.sut.contract import Adapter, Tenant, TenantSource


@pytest.fixture
def stage(portal: Portal, journal: Journal, cleanup: Cleanup) -> Iterator[Stage]:
    """The scenario's network of parties; what it leaves open fails the scenario."""
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
    """The names the scenario uses, bound to the SUT's objects and to the parties we play."""
    return Cast(portal, tenant, journal, cleanup, ids, evidence, stage)


@pytest.fixture
def flows(
    cast: Cast, portal: Portal, journal: Journal, evidence: Evidence, tenant: Tenant
) -> CallFlows:
    """The calls of the scenario."""
    return CallFlows(cast, portal, journal, evidence, tenant)


@pytest.fixture
def admin(cast: Cast, portal: Portal, tenant: Tenant) -> DistributionAdmin:
    """An admin editing the numbers' call distribution."""
    return DistributionAdmin(cast, portal, tenant)


@pytest.fixture
def offers(flows: CallFlows) -> OfferFlows:
    """Calls whose SDP offer the scenario shapes."""
    return OfferFlows(flows)


@pytest.fixture
def connection(flows: CallFlows) -> ConnectionChecks:
    """Calls whose customer is never connected."""
    return ConnectionChecks(flows)


@pytest.fixture
def evidence_check(evidence: Evidence, stage: Stage, flows: CallFlows) -> EvidenceCheck:
    """The evidence a failing scenario keeps, read back."""
    return EvidenceCheck(evidence, stage, flows)


@pytest.fixture
def access_audit(
    portal: Portal, tenant: Tenant, cleanup: Cleanup, ids: ScenarioIds, sut: Adapter
) -> AccessAudit:
    """The HTTP access audit (H-SEC-4)."""
    return AccessAudit(portal, tenant, cleanup, ids, sut)


@pytest.fixture
def drill(cast: Cast, flows: CallFlows, sut_instance: TenantSource) -> CrashDrill:
    """Crashing the scenario's own SUT and checking what survived (H-REL-1)."""
    return CrashDrill.of(cast, flows, sut_instance)


@pytest.fixture
def attacker(
    cast: Cast, portal: Portal, journal: Journal, evidence: Evidence, tenant: Tenant
) -> Attacker:
    """An attacker on the SIP port (H-SEC-1 to H-SEC-3)."""
    return Attacker(cast, portal, journal, evidence, tenant)


@pytest.fixture
def caller_book(cast: Cast, flows: CallFlows) -> CallerBook:
    """The scenario's end users, their numbers and the calls placed from them (ZT-ID, ZT-MRG)."""
    return CallerBook(cast, flows)


@pytest.fixture
def desk(cast: Cast, flows: CallFlows) -> TicketDesk:
    """The scenario's tickets (ZT-TKT)."""
    return TicketDesk(cast, flows)


@pytest.fixture
def dialler(cast: Cast, flows: CallFlows, desk: TicketDesk) -> Dialler:
    """The scenario's outbound calls (ZT-TKT-2, 7)."""
    return Dialler(cast, flows, desk)


@pytest.fixture
def recording_desk(cast: Cast, flows: CallFlows, desk: TicketDesk) -> RecordingDesk:
    """The scenario's call recordings and notification emails (ZT-TKT-12, 14-16)."""
    return RecordingDesk(cast, flows, desk)


@pytest.fixture
def transfers(flows: CallFlows, portal: Portal, journal: Journal) -> TransferDesk:
    """Blind transfers of the scenario's calls (AC-IN-7)."""
    return TransferDesk(flows, portal, journal)
