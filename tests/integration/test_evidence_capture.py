"""The packet capture of a real call opens in Debian's tshark with SIP and RTP decoded."""

from __future__ import annotations

import pytest

from harness.evidence.files import CAPTURE_NAME
from harness.evidence.tshark import decode, tshark_path
from harness.scenario.calls import CallFlows
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.distribution import DistributionAdmin


@pytest.fixture
def tshark() -> str:
    path = tshark_path()
    if path is None:
        pytest.skip("tshark is not installed (Debian package tshark); 'callproof test' installs it")
    return path


def test_tshark_reads_the_invite_the_200_and_rtp_of_a_call(
    admin: DistributionAdmin, tshark: str, cast: Cast, flows: CallFlows
) -> None:
    cast.add_number("Support")
    cast.add_agent_with_phone("Alice")
    admin.add("Support", "user", "Alice")
    call = flows.dial("Support")
    flows.answer(call, "Alice")
    assert flows.heard(call, CUSTOMER, "Alice", 3) is not None
    assert flows.heard(call, "Alice", CUSTOMER, 3) is not None
    flows.hang_up(call)

    index = cast.evidence.keep("kept by the test")
    packets = decode(cast.evidence.directory / CAPTURE_NAME, index.sip_ports)

    customer = [p for p in packets if p.is_sip and p.sip_call_id == call.sip_call_id]
    assert [p.sip_method for p in customer if p.sip_method][:1] == ["INVITE"]
    assert any(p.sip_status == "200" and p.cseq_method == "INVITE" for p in customer)
    assert any(p.sip_method == "BYE" for p in customer)
    agent_leg = call.agent_legs["Alice"]
    assert any(p.sip_method == "INVITE" and p.sip_call_id == agent_leg for p in packets)
    rtp = [p for p in packets if p.is_rtp]
    flows_seen = {(p.source_port, p.destination_port) for p in rtp}
    # Each party sends and receives: four flows at least (customer <-> relay <-> Alice).
    assert len(flows_seen) >= 4, flows_seen
    assert index.capture["packets"] == len(packets)
