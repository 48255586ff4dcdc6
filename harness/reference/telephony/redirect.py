"""Redirecting a call to another number after hours (CC-AH-17), through the account's carrier.

The reference is a B2BUA: the caller, already answered by the IVR, stays on leg A of the call's
RTP relay; the reference dials the number on the account's carrier (a SIP address on loopback
that the harness plays) from leg B, and bridges the two legs when the number answers. Either
side hanging up ends the other; a number that does not answer ends the call with the reason.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from harness.media.relay import Leg
from harness.sip import events as sip_events
from harness.sip import sdp

if TYPE_CHECKING:
    from harness.reference.telephony.inbound import InboundCall

LOG = logging.getLogger("callproof.reference.redirect")


def redirect(call: InboundCall, e164: str) -> None:
    """Dial ``e164`` on the account's carrier and bridge the caller to it when it answers."""
    routing = call.center.routing
    carrier = routing.config(call.plan.account_id).carrier
    if carrier is None:
        LOG.info("call %s: no carrier to reach %s", call.call_id, e164)
        routing.deflected(call.call_id, f"No carrier configured to reach {e164}", phone=e164)
        assert call.ivr is not None
        call.ivr.announce("message-after_hours", call.hang_up_after_message)
        return
    host, port = call.relay.leg_b.local_address
    offer = sdp.make_offer(host, port, codecs=(call.codec,))
    caller = call.caller_number() or "anonymous"
    out = call.edge.sip.invite(f"sip:{e164}@{carrier}", f"sip:{caller}@{host}", bytes(offer))
    call.external = out
    call.external_number = e164
    call.edge.route(out, call)
    call.center.record_sip_call_id(call.call_id, out.call_id)


def on_external_event(call: InboundCall, event: sip_events.UaEvent) -> None:
    """What the redirected leg says: answered (bridge), or ended (end the call)."""
    out = call.external
    assert out is not None
    if isinstance(event, sip_events.CallAnswered):
        answer = sdp.SessionDescription.parse(event.response.body)
        remote = sdp.remote_rtp_address(answer)
        call.relay.leg_b.set_remote(*remote)
        call.relay.set_direction(Leg.B, answer.direction())
        call.relay.connect()
        call.external_answered = True
        call.center.routing.deflected(
            call.call_id, f"Redirected call answered at {call.external_number}"
        )
    elif isinstance(event, sip_events.CallEnded) and not call.finished:
        if call.external_answered:
            reason = f"redirected to {call.external_number}: the other party hung up"
        else:
            outcome = out.outcome
            status = outcome.status if isinstance(outcome, sip_events.Rejected) else event.reason
            reason = f"redirect to {call.external_number} failed ({status})"
        call.end_everything("system", reason)
        call.caller.end()
