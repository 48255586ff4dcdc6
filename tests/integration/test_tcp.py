"""A customer calls the reference over TCP (RFC 3261 §18): same call, same audio, stream framing."""

from __future__ import annotations

from harness.endpoints.events import SipTraced
from harness.runtime.journal import Match
from harness.scenario.calls import CallFlows
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.distribution import DistributionAdmin


def test_a_call_over_tcp_has_two_way_audio_and_is_logged(
    admin: DistributionAdmin, cast: Cast, flows: CallFlows
) -> None:
    cast.add_number("Support")
    cast.add_agent_with_phone("Alice")
    admin.add("Support", "user", "Alice")
    cast.customer_transport = "tcp"
    call = flows.dial("Support")
    flows.answer(call, "Alice")
    assert flows.heard(call, CUSTOMER, "Alice", 3) is not None
    assert flows.heard(call, "Alice", CUSTOMER, 3) is not None
    flows.hang_up(call)
    assert flows.log_entry(call, final=True).status == "answered"
    sent = cast.journal.events(Match(SipTraced, party=CUSTOMER, direction="sent"))
    assert {t.first_line.split()[0] for t in sent} >= {"INVITE", "ACK", "BYE"}
    assert {t.transport for t in sent} == {"TCP"}, [(t.first_line, t.transport) for t in sent]
