"""The reference tells the number's account about a call it refused for its offer."""

from __future__ import annotations

from harness.runtime.journal import Match
from harness.scenario.calls import CallFlows
from harness.scenario.distribution import DistributionAdmin
from harness.scenario.offers import OfferFlows
from harness.sut.events import SutEvent


def test_a_refused_offer_is_published_to_the_numbers_account(
    admin: DistributionAdmin, flows: CallFlows
) -> None:
    cast = flows.cast
    cast.add_number("Support")
    cast.add_agent_with_phone("Alice")
    admin.add("Support", "user", "Alice")
    offers = OfferFlows(flows)
    call = offers.call_with("Support", "transport", "RTP/SAVP")
    offers.expect_refused(call, 488, 302, "RTP/SAVP")
    event = cast.journal.wait_for(
        Match(SutEvent, kind="call.refused", data=lambda d: d["sip_call_id"] == call.sip_call_id),
        5,
        after=call.dialled_at,
    )
    assert event.data["status"] == 488 and "RTP/SAVP" in event.data["reason"]
    assert event.data["number_id"] == cast.number("Support").id
    assert [e.kind for e in offers.refused_events(call)] == ["call.refused"]


def test_a_refused_offer_is_in_the_call_log_with_the_reason_the_caller_got(
    admin: DistributionAdmin,
    flows: CallFlows,
) -> None:
    cast = flows.cast
    cast.add_number("Support")
    cast.add_agent_with_phone("Alice")
    admin.add("Support", "user", "Alice")
    offers = OfferFlows(flows)
    call = offers.call_with("Support", "connection line", "IN IP4 10.10.10.256")
    refusal = offers.refusal(call)
    entry = offers.expect_logged_refused(call, "10.10.10.256")
    event = cast.journal.wait_for(
        Match(SutEvent, kind="call.refused", data=lambda d: d["sip_call_id"] == call.sip_call_id),
        5,
        after=call.dialled_at,
    )
    assert event.call_id == entry.call_id
    # The entry keeps exactly what the caller was told in the Warning.
    assert entry.end_reason is not None and f'"{entry.end_reason}"' in refusal.warning
    assert (entry.status, entry.sip_call_ids, entry.attempts) == (
        "refused",
        (call.sip_call_id,),
        (),
    )
    assert entry.to_number == cast.number("Support").e164
    assert entry.is_final and entry.duration_s == 0.0
    logged = cast.portal.run(cast.observation.call(entry.call_id))
    assert logged == entry
