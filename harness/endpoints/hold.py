"""Hold and resume for any party: a re-INVITE with the audio direction changed (RFC 3264 §8.4)."""

from __future__ import annotations

from harness.endpoints.events import HoldChanged
from harness.runtime.journal import Journal
from harness.sip import events as sip_events
from harness.sip.calls import IncomingCall, OutgoingCall

HOLD_TIMEOUT = 10.0  # a re-INVITE crossing another waits up to 4 s before its retry (§14.1)


class HoldRefused(RuntimeError):
    """The peer did not accept our hold or resume re-INVITE."""


async def change_hold(
    journal: Journal, party: str, call: IncomingCall | OutgoingCall, *, held: bool
) -> None:
    """Put ``call`` on hold (sendonly) or take it off (sendrecv); record it once accepted."""
    outcome = await (call.hold(HOLD_TIMEOUT) if held else call.resume(HOLD_TIMEOUT))
    if not isinstance(outcome, sip_events.ReinviteAccepted):
        raise HoldRefused(f"{party}: the re-INVITE for hold={held} ended {outcome}")
    journal.record(HoldChanged(party=party, sip_call_id=call.call_id, held=held))
