"""SIPp sends a late-offer INVITE (no SDP) to the reference: the reference offers in its 200,
takes SIPp's answer from the ACK, and the agent's audio reaches SIPp and comes back."""

from __future__ import annotations

import pytest

from tests.interop.conftest import SutPeers
from tests.interop.test_sipp import AGENT, CUSTOMER, Direction, agent_hears

pytestmark = [pytest.mark.interop, pytest.mark.usefixtures("sipp_program")]

# SIPp sends nothing of its own: the agent hears itself only if the reference sent the agent's
# audio to the address of SIPp's answer in the ACK and SIPp echoed it back.
LATE_OFFER_ECHO = Direction("uac_late_offer_echo.xml", False, AGENT,
                            "its own signature back through SIPp's echo", CUSTOMER,
                            "SIPp streamed nothing in the late-offer call")  # fmt: skip


def test_a_late_offer_from_sipp_gets_an_offer_in_the_200_and_two_way_audio(
    sut_peers: SutPeers,
) -> None:
    _, heard = agent_hears(sut_peers, LATE_OFFER_ECHO)
    sut_peers.measure("late_offer_agent_hears_itself_after_answer_ms", heard.latency_ms)
