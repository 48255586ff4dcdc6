"""SIPp sends a late-offer INVITE (no SDP) to the reference: the reference offers in its 200,
takes SIPp's answer from the ACK, and the agent's audio reaches SIPp and comes back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.endpoints.stage import Stage
from harness.runtime.cleanup import Cleanup
from harness.runtime.journal import Journal
from harness.runtime.portal import Portal
from harness.sut.contract import Tenant
from tests.interop.test_sipp import AGENT, CUSTOMER, check_sipp_call, sipp_calls_agent

pytestmark = pytest.mark.interop


def test_a_late_offer_from_sipp_gets_an_offer_in_the_200_and_two_way_audio(
    sipp_program: str,  # first: a missing program skips before anything starts
    portal: Portal,
    tenant: Tenant,
    stage: Stage,
    journal: Journal,
    cleanup: Cleanup,
    tmp_path: Path,
    measure: Callable[[str, object], None],
) -> None:
    outcome = portal.run(
        sipp_calls_agent(tenant, stage, journal, cleanup, tmp_path,
                         scenario="uac_late_offer_echo.xml", stream=False, expect_heard=AGENT),
        timeout=60,
    )  # fmt: skip
    check_sipp_call(outcome)
    # SIPp sends nothing of its own: the agent hears itself only if the reference sent the
    # agent's audio to the address of SIPp's answer in the ACK and SIPp echoed it back.
    assert outcome.heard is not None, (
        f"{AGENT} never heard its own signature back through SIPp's echo; "
        f"heard {outcome.agent_heard or 'nothing'}\n{outcome.run.describe()}"
    )
    assert CUSTOMER not in outcome.agent_heard
    assert outcome.run.stats is not None
    measure("late_offer_agent_hears_itself_after_answer_ms", outcome.heard.latency_ms)
