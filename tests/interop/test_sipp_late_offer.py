"""SIPp sends a late-offer INVITE (no SDP) to the reference: the reference offers in its 200,
takes SIPp's answer from the ACK, and the agent's audio reaches SIPp and comes back."""

from __future__ import annotations

import pytest

from tests.interop.conftest import SutPeers
from tests.interop.test_sipp import AGENT, CUSTOMER, agent_heard, check_sipp_call, sipp_calls_agent

pytestmark = [pytest.mark.interop, pytest.mark.usefixtures("sipp_program")]


def test_a_late_offer_from_sipp_gets_an_offer_in_the_200_and_two_way_audio(
    sut_peers: SutPeers,
) -> None:
    late_offer = "uac_late_offer_echo.xml"
    outcome = sut_peers.run(
        sipp_calls_agent(sut_peers, scenario=late_offer, stream=False, expect_heard=AGENT)
    )
    check_sipp_call(outcome)
    # SIPp sends nothing of its own: the agent hears itself only if the reference sent the
    # agent's audio to the address of SIPp's answer in the ACK and SIPp echoed it back.
    heard = agent_heard(outcome, "its own signature back through SIPp's echo", CUSTOMER,
                        "SIPp streamed nothing in the late-offer call")  # fmt: skip
    assert outcome.run.stats is not None
    sut_peers.measure("late_offer_agent_hears_itself_after_answer_ms", heard.latency_ms)
