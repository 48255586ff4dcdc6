"""Late offer between the harness's own parties: the caller's INVITE has no SDP, the phone
offers in its 200 and starts its media from the answer in the ACK (RFC 3261 section 13)."""

from __future__ import annotations

from harness.endpoints.events import AudioHeard, CallConnected, PhoneRinging
from harness.runtime.journal import Match
from harness.scenario.cast import CUSTOMER, Cast


def test_a_phone_answers_a_late_offer_and_both_sides_hear_each_other(cast: Cast) -> None:
    phone = cast.add_agent_with_phone("Alice")
    host, port = phone.sip.local_address
    journal = cast.journal
    position = journal.position
    sip_call_id = cast.portal.run(cast.customer.dial(f"sip:alice@{host}:{port}", late_offer=True))
    journal.wait_for(Match(PhoneRinging, party="Alice", sip_call_id=sip_call_id), 5, after=position)
    cast.portal.run(phone.answer(sip_call_id))
    journal.wait_for(Match(CallConnected, party="Alice", sip_call_id=sip_call_id), 5)
    invite = phone.calls[sip_call_id][0].request
    assert not invite.body  # it really was a late offer
    for listener, speaker in ((CUSTOMER, "Alice"), ("Alice", CUSTOMER)):
        journal.wait_for(
            Match(AudioHeard, party=listener, heard=speaker, sip_call_id=sip_call_id), 3
        )
    cast.portal.run(cast.customer.hangup(sip_call_id))
