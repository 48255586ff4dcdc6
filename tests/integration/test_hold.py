"""Hold and resume through the reference: audio stops and returns; the call log keeps hold time."""

from __future__ import annotations

import pytest

from harness.endpoints.events import AudioHeard, AudioLost
from harness.runtime.journal import Match
from harness.scenario.calls import CallFlows
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.distribution import DistributionAdmin
from harness.sut.events import SutEvent


@pytest.mark.parametrize("holder", ["Alice", CUSTOMER])
def test_hold_silences_the_bridge_and_is_logged(
    admin: DistributionAdmin, cast: Cast, flows: CallFlows, holder: str
) -> None:
    cast.add_number("Support")
    cast.add_agent_with_phone("Alice")
    admin.add("Support", "user", "Alice")
    call = flows.dial("Support")
    flows.answer(call, "Alice")
    assert flows.heard(call, CUSTOMER, "Alice", 3) is not None
    assert flows.heard(call, "Alice", CUSTOMER, 3) is not None
    leg = call.agent_legs["Alice"]
    journal = cast.journal
    party = cast.phone("Alice") if holder == "Alice" else cast.customer
    own_leg = leg if holder == "Alice" else call.sip_call_id

    cast.portal.run(party.hold(own_leg))
    journal.wait_for(
        Match(AudioLost, party=CUSTOMER, heard="Alice", sip_call_id=call.sip_call_id), 3
    )
    journal.wait_for(Match(AudioLost, party="Alice", heard=CUSTOMER, sip_call_id=leg), 3)
    call_id = flows.sut_call_id(call)
    journal.wait_for(Match(SutEvent, kind="call.held", call_id=call_id), 3)

    resumed_at = journal.position
    cast.portal.run(party.hold(own_leg, held=False))
    journal.wait_for(
        Match(AudioHeard, party=CUSTOMER, heard="Alice", sip_call_id=call.sip_call_id),
        3,
        after=resumed_at,
    )
    journal.wait_for(Match(SutEvent, kind="call.resumed", call_id=call_id), 3)
    flows.hang_up(call)

    entry = flows.log_entry(call, final=True)
    assert entry.status == "answered"
    assert entry.duration_s is not None and 0 < entry.hold_s < entry.duration_s
    kinds = [t.kind for t in entry.timeline]
    assert kinds.index("held") < kinds.index("resumed")
    who = "agent" if holder == "Alice" else "caller"
    assert any(t.kind == "held" and who in t.text for t in entry.timeline), entry.timeline


def test_resume_keeps_the_direction_the_customer_offered(
    admin: DistributionAdmin, cast: Cast, flows: CallFlows
) -> None:
    """A customer who offered sendonly is heard, never hears: not before the hold, not after."""
    cast.add_number("Support")
    cast.add_agent_with_phone("Alice")
    admin.add("Support", "user", "Alice")
    call = flows.dial("Support", direction="sendonly")
    flows.answer(call, "Alice")
    leg = call.agent_legs["Alice"]
    journal = cast.journal
    assert flows.heard(call, "Alice", CUSTOMER, 3) is not None

    cast.portal.run(cast.phone("Alice").hold(leg))
    journal.wait_for(Match(AudioLost, party="Alice", heard=CUSTOMER, sip_call_id=leg), 3)
    resumed_at = journal.position
    cast.portal.run(cast.phone("Alice").hold(leg, held=False))
    journal.wait_for(
        Match(AudioHeard, party="Alice", heard=CUSTOMER, sip_call_id=leg), 3, after=resumed_at
    )
    # The customer's own offer still says she receives nothing, hold or no hold.
    journal.expect_absent(
        Match(AudioHeard, party=CUSTOMER, sip_call_id=call.sip_call_id),
        within=2,
        after=call.dialled_at,
    )
    flows.hang_up(call)
    assert flows.log_entry(call, final=True).status == "answered"
