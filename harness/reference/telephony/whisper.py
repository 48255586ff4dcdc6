"""The whisper and the countdown: what the agent alone hears before the customer is put through.

Once an agent's answer is registered, the call's RTP relay does not bridge the two legs at once
when the account's whisper or countdown is on: the whisper ("Phone call from Support", the call
type and the queue, CC-NTF-1) and then the countdown ("Your turn! The call starts in 3, 2, 1",
CC-NTF-3) are played on the agent's leg only (leg B), at the account's speed (CC-NTF-2), and the
relay connects when they have played out. The customer hears none of it (leg A gets nothing),
and the moment of the connection is kept as the end of the customer's wait.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from harness.media import g711
from harness.media.relay import Leg
from harness.reference.domain.notifications import IVR_CALL, PHONE_CALL
from harness.reference.notifications import Notifications
from harness.reference.telephony.ivr import PromptPlayer
from harness.reference.telephony.prompts import RATE, PromptUnavailable, Samples

if TYPE_CHECKING:
    from harness.reference.telephony.inbound import AgentLeg, InboundCall

LOG = logging.getLogger("callproof.reference.whisper")


def call_type(call: InboundCall) -> str:
    """The call type the whisper names: a call that came through the IVR, or a phone call."""
    return IVR_CALL if call.ivr is not None else PHONE_CALL


def queue_name(call: InboundCall) -> str:
    """The queue the whisper names: the IVR's leaf queue, else the number that was dialled."""
    if call.ivr is not None and call.ivr.names:
        return call.ivr.names[-1]
    return call.center.get_number(call.plan.account_id, call.plan.number_id).name


def queue_id(call: InboundCall) -> str | None:
    """The leaf queue the call reached through the IVR (None: a number dialled directly)."""
    return call.ivr.current if call.ivr is not None else None


def put_through(call: InboundCall, leg: AgentLeg) -> None:
    """Bridge the customer and the agent of ``leg``: at once, or after the whisper and the
    countdown when the account, or the queue the call reached, has them on."""
    notifications = Notifications(call.center)
    if not notifications.announces(call.plan.account_id, queue_id(call)):
        _connect(call, notifications, 0.0, 0.0)
        return
    call.edge.spawn(_announce(call, leg, notifications))


async def _announce(call: InboundCall, leg: AgentLeg, notifications: Notifications) -> None:
    payload_type = g711.PCMU if call.codec == "PCMU" else g711.PCMA
    player = PromptPlayer(call.relay, payload_type, Leg.B)
    call.closing.append(player.stop)
    try:
        whisper, countdown = await notifications.prompts(
            call.plan.account_id, call_type(call), queue_name(call), queue_id(call)
        )
    except PromptUnavailable:
        # The agent still gets the customer: a missing voice must not drop calls.
        LOG.exception("call %s: the whisper could not be rendered", call.call_id)
        whisper = countdown = None
    durations = []
    for samples in (whisper, countdown):
        if call.finished or call.bridged is not leg:
            return
        durations.append(0.0 if samples is None else await _play(player, samples))
    if call.finished or call.bridged is not leg:
        return
    _connect(call, notifications, durations[0], durations[1])


async def _play(player: PromptPlayer, samples: Samples) -> float:
    """Play ``samples`` to the end; how long they played (seconds of audio sent)."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def finished() -> None:
        if not done.done():
            done.set_result(None)

    player.play(samples, finished)
    await done
    return len(samples) / RATE


def _connect(
    call: InboundCall, notifications: Notifications, whisper_s: float, countdown_s: float
) -> None:
    call.relay.connect()
    notifications.connected(call.plan.account_id, call.call_id, whisper_s, countdown_s)
