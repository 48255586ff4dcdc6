"""Blind transfers of answered calls (AC-IN-7, ZT-TKT-9): the caller goes to another agent.

The reference is a B2BUA, so a transfer needs nothing of the caller's phone: the caller stays
on leg A of the call's RTP relay; the transferring agent's leg is ended and the relay stops
forwarding; the target is rung from leg B exactly as an arriving call rings an agent (her SIP
phone and every agent app she signed in). A transfer to a queue rings every member of the
queue (but the transferring agent) at once, for the queue's ring time; the queue must be one
the account offers as a transfer target now (GET /routing/transfer-targets, CC-AH-3 and 12).
When a target answers, her answer is registered like any answer and the relay is bridged to
her. Targets who decline, or let the transfer ring out (:data:`TRANSFER_RING_TIME_S` for an
agent), end the call with that reason *(reference choice: the call does not return to the
transferring agent)*.

Everything that can refuse a transfer is checked before anything changes: the call log's rules
(:func:`harness.reference.domain.calls.transfer`), then whether anyone can be rung at all.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from harness.reference.domain import calls as call_rules
from harness.reference.domain.errors import Conflict, InvalidField
from harness.reference.domain.inbound import RingTarget
from harness.reference.domain.voicemail import recipients
from harness.reference.service import ContactCenter

if TYPE_CHECKING:
    from harness.reference.telephony.edge import SipEdge
    from harness.reference.telephony.inbound import InboundCall

LOG = logging.getLogger("callproof.reference.transfer")

TRANSFER_RING_TIME_S = 30.0  # how long the target of a transfer to an agent rings


class CallTransfers:
    """Transfers of the live calls of one SIP edge, asked for over the API."""

    def __init__(self, edge: SipEdge) -> None:
        self._edge = edge

    @property
    def center(self) -> ContactCenter:
        return self._edge.center

    def transfer(
        self,
        account_id: str,
        call_id: str,
        by_user_id: str,
        *,
        to_user_id: str | None = None,
        to_queue_id: str | None = None,
    ) -> None:
        """``by_user_id``, the agent on call ``call_id``, hands it to an agent or a queue.

        Refused naming the problem, with nothing changed: an unknown call, user or queue
        (``NotFound``), a queue the account does not offer as a transfer target now, a call
        that is not answered, an agent who is not on the call, a transfer to oneself (the call
        log's rules), nobody to ring, a call this process does not carry (:class:`Conflict`).
        """
        center = self.center
        before = center.get_call(account_id, call_id)  # another account's call is not found
        if (to_user_id is None) == (to_queue_id is None):
            raise InvalidField("to_user_id", "give either to_user_id or to_queue_id")
        queue: tuple[str, tuple[tuple[str, str], ...]] | None = None
        ring_time = TRANSFER_RING_TIME_S
        if to_user_id is not None:
            user = center.get_user(account_id, to_user_id)
            target_id, target_name = user.id, user.name
            members: tuple[tuple[str, str], ...] = ((user.id, user.name),)
        else:
            assert to_queue_id is not None
            found = center.routing.config(account_id).queue(to_queue_id, "to_queue_id")
            offered = {t.queue.id for t in center.routing.transfer_targets(account_id, "calls")}
            if found.id not in offered:
                raise InvalidField(
                    "to_queue_id", f"queue {found.name} is not a transfer target now"
                )
            teams = {t.id: t.members for t in center.store.list_teams(account_id)}
            names = {u.id: u.name for u in center.list_users(account_id)}
            users, _ = recipients(found, teams)
            members = tuple((u, names[u]) for u in users if u in names)
            queue = (found.name, members)
            target_id, target_name = found.id, found.name
            ring_time = float(found.ring_time_s)
        # The rules first, on what is stored: a refusal must leave the log and the legs as is.
        call_rules.transfer(
            before, by_user_id, target_id, target_name, before.started_at, queue=queue
        )
        live = self._edge.live_call(call_id)
        if live is None or live.finished or live.bridged is None:
            raise Conflict(f"call {call_id} has no agent connected to transfer it from")
        targets = [
            RingTarget(uid, name, tuple(center.reachable_contacts(uid)), True)
            for uid, name in members
            if uid != by_user_id
        ]
        targets = [t for t in targets if t.contacts]
        if not targets:
            raise Conflict(f"{target_name} has no phone or agent app signed in to take the call")
        center.transfer_call(account_id, call_id, by_user_id, target_id, target_name, queue=queue)
        hand_over(live, targets, ring_time)


def hand_over(call: InboundCall, targets: list[RingTarget], ring_time_s: float) -> None:
    """Drop the agent on ``call`` and ring ``targets`` in her place; the caller waits on leg A."""
    old = call.bridged
    assert old is not None
    call.bridged = None
    # The old leg leaves the call's legs first: its BYE must not read as the agent ending the
    # call (see InboundCall.agent_leg_ended, which ignores legs it does not know).
    call.legs.remove(old)
    call.relay.disconnect()
    call.transfer_to = ",".join(t.user_id for t in targets)
    if old.live:
        old.call.end()
    rung = [call.ring(target) for target in targets]
    if not any(rung):
        transfer_failed(call, "nobody could be rung")
        return
    loop = asyncio.get_running_loop()
    call.arm_ring_timer(loop.call_later(ring_time_s, call.ring_time_over))
    LOG.info("call %s: transferred to %s", call.call_id, call.transfer_to)


def transfer_failed(call: InboundCall, reason: str) -> None:
    """Nobody took the transferred call: it ends, and the log says why."""
    if call.finished:
        return
    # The entry is closed first: the caller's leg, ended by us, must not read as a hang-up.
    call.end_everything("system", f"transfer not answered: {reason}")
    call.caller.end()
