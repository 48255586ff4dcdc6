"""Blind transfers of answered calls (AC-IN-7, ZT-TKT-9): the caller goes to another agent.

The reference is a B2BUA, so a transfer needs nothing of the caller's phone: the caller stays
on leg A of the call's RTP relay; the transferring agent's leg is ended and the relay stops
forwarding; the target is rung from leg B exactly as an arriving call rings an agent (her SIP
phone and every agent app she signed in). When she answers, her answer is registered like any
answer and the relay is bridged to her. A target who declines, or lets the transfer ring
for :data:`TRANSFER_RING_TIME_S`, ends the call with that reason *(reference choice: the call
does not return to the transferring agent)*.

Everything that can refuse a transfer is checked before anything changes: the call log's rules
(:func:`harness.reference.domain.calls.transfer`), then whether the target can be rung at all.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from harness.reference.domain import calls as call_rules
from harness.reference.domain.errors import Conflict
from harness.reference.domain.inbound import RingTarget
from harness.reference.service import ContactCenter

if TYPE_CHECKING:
    from harness.reference.telephony.edge import SipEdge
    from harness.reference.telephony.inbound import InboundCall

LOG = logging.getLogger("callproof.reference.transfer")

TRANSFER_RING_TIME_S = 30.0  # how long the target of a transfer rings before the call ends


class CallTransfers:
    """Transfers of the live calls of one SIP edge, asked for over the API."""

    def __init__(self, edge: SipEdge) -> None:
        self._edge = edge

    @property
    def center(self) -> ContactCenter:
        return self._edge.center

    def transfer(self, account_id: str, call_id: str, by_user_id: str, target_id: str) -> None:
        """``by_user_id``, the agent on call ``call_id``, hands it to the agent ``target_id``.

        Refused naming the problem, with nothing changed: an unknown call or user
        (``NotFound``), a call that is not answered, an agent who is not on the call, a
        transfer to oneself (the call log's rules), a target with no phone or app to ring, a
        call this process does not carry (:class:`Conflict`).
        """
        self.center.get_call(account_id, call_id)  # another account's call is not found
        target = self.center.get_user(account_id, target_id)
        live = self._edge.live_call(call_id)
        contacts = tuple(self.center.reachable_contacts(target.id))
        # The rules first, on a copy: a refusal there must leave the log and the legs as they are.
        before = self.center.get_call(account_id, call_id)
        call_rules.transfer(before, by_user_id, target.id, target.name, before.started_at)
        if live is None or live.finished or live.bridged is None:
            raise Conflict(f"call {call_id} has no agent connected to transfer it from")
        if not contacts:
            raise Conflict(f"{target.name} has no phone or agent app signed in to take the call")
        self.center.transfer_call(account_id, call_id, by_user_id, target.id)
        hand_over(live, RingTarget(target.id, target.name, contacts, True))


def hand_over(call: InboundCall, target: RingTarget) -> None:
    """Drop the agent on ``call`` and ring ``target`` in her place; the caller waits on leg A."""
    old = call.bridged
    assert old is not None
    call.bridged = None
    # The old leg leaves the call's legs first: its BYE must not read as the agent ending the
    # call (see InboundCall.agent_leg_ended, which ignores legs it does not know).
    call.legs.remove(old)
    call.relay.disconnect()
    if old.live:
        old.call.end()
    call.transfer_to = target.user_id
    if not call.ring(target):
        transfer_failed(call, f"{target.user_name} could not be rung")
        return
    loop = asyncio.get_running_loop()
    call.arm_ring_timer(loop.call_later(TRANSFER_RING_TIME_S, call.ring_time_over))
    LOG.info("call %s: transferred to %s", call.call_id, target.user_id)


def transfer_failed(call: InboundCall, reason: str) -> None:
    """Nobody took the transferred call: it ends, and the log says why."""
    if call.finished:
        return
    call.caller.end()
    call.end_everything("system", f"transfer not answered: {reason}")
