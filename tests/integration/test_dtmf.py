"""DTMF through the reference's B2BUA, both ways, as RFC 4733 events and as in-band tones."""

from __future__ import annotations

import pytest

from harness.endpoints.events import DtmfHeard
from harness.media.events import DtmfMode
from harness.runtime.journal import Match
from harness.scenario.calls import CallFlows
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.distribution import DistributionAdmin


@pytest.mark.parametrize("mode", ["rfc4733", "inband"])
def test_digits_cross_the_bridge_in_both_directions(
    admin: DistributionAdmin, cast: Cast, flows: CallFlows, mode: DtmfMode
) -> None:
    cast.add_number("Support")
    cast.add_agent_with_phone("Alice")
    admin.add("Support", "user", "Alice")
    call = flows.dial("Support")
    flows.answer(call, "Alice")
    assert flows.heard(call, CUSTOMER, "Alice", 3) is not None
    leg = call.agent_legs["Alice"]

    cast.portal.run(cast.customer.send_dtmf(call.sip_call_id, "1590#*", mode=mode))
    heard = [
        cast.journal.wait_for(Match(DtmfHeard, party="Alice", sip_call_id=leg), 5) for _ in "1590#*"
    ]
    assert "".join(h.digit for h in heard) == "1590#*"
    assert {h.mode for h in heard} == {mode}

    cast.portal.run(cast.phone("Alice").send_dtmf(leg, "42", mode=mode))
    back = [
        cast.journal.wait_for(Match(DtmfHeard, party=CUSTOMER, sip_call_id=call.sip_call_id), 5)
        for _ in "42"
    ]
    assert "".join(h.digit for h in back) == "42"
    assert all(80 <= h.duration_ms <= 140 for h in back), [h.duration_ms for h in back]
    flows.hang_up(call)
