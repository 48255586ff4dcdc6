"""The media path obeys each party's SDP direction (RFC 3264 section 6.1): the agent's answer."""

from __future__ import annotations

from harness.endpoints.events import AudioHeard
from harness.runtime.journal import Match
from harness.scenario.calls import CallFlows
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.distribution import DistributionAdmin


def test_an_agent_who_answers_recvonly_hears_the_customer_and_is_not_heard(
    admin: DistributionAdmin, cast: Cast, flows: CallFlows
) -> None:
    """The agent's answer sets the agent's side of the relay, as the caller's offer sets hers."""
    cast.add_number("Support")
    cast.add_agent_with_phone("Alice")
    admin.add("Support", "user", "Alice")
    call = flows.dial("Support")
    leg = flows.wait_ringing(call, "Alice")
    cast.portal.run(cast.phone("Alice").answer(leg, direction="recvonly"))
    assert flows.heard(call, "Alice", CUSTOMER, 3) is not None
    cast.journal.expect_absent(
        Match(AudioHeard, party=CUSTOMER, sip_call_id=call.sip_call_id),
        within=2,
        after=call.dialled_at,
    )
    flows.hang_up(call)
