"""What happens to a routed call at its leaf queue: it rings, or it is deflected after hours.

Seed 004: when deflection is on for calls and the queue the caller chose is closed by its own
hours, the call goes where the queue's IVR override says, else where the global option says
(CC-AH-9, 14, 17, 18, 19):

* ``queue``: a 24/7 or longer-hours queue rings instead;
* ``phone``: the call is redirected to another number (the reference dials it on its trunk);
* ``voicemail``: the greeting plays, then the caller's message is recorded
  (:mod:`.voicemail`);
* ``message``: the after-hours message plays, then the call ends.

Each deflection is on the call's timeline, saying by whose hours it happened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.reference.domain.hours import Channel
from harness.reference.domain.routing import Deflection, DeflectionOption, RoutingConfig

if TYPE_CHECKING:
    from harness.reference.telephony.inbound import InboundCall


def at_leaf(call: InboundCall, leaf_id: str) -> None:
    """The caller reached ``leaf_id``: ring it, or deflect the call if it is closed."""
    routing = call.center.routing
    account_id = call.plan.account_id
    deflection = routing.deflection_for(account_id, leaf_id)
    if deflection is None:
        call.ring_plan(routing.ring_queue(call.call_id, leaf_id))
        return
    config = routing.config(account_id)
    leaf = config.queue(leaf_id)
    source = config.hours_for(leaf_id, Channel.IVR, None).source
    by = "its own hours" if source == f"queue:{leaf_id}" else f"the {source} hours"
    own = leaf.ivr_override is not None
    where = _describe(deflection, config)
    text = f"After hours at queue {leaf.name} (by {by}): {where}" + (
        " (the queue's override)" if own else ""
    )
    routing.deflected(
        call.call_id, text, queue_id=leaf_id, option=deflection.option.value, override=own
    )
    if deflection.option is DeflectionOption.QUEUE:
        assert deflection.queue_id is not None
        call.ring_plan(routing.ring_queue(call.call_id, deflection.queue_id))
    elif deflection.option is DeflectionOption.MESSAGE:
        assert call.ivr is not None
        call.ivr.announce(
            _text_prompt(deflection, leaf_id, own, "after_hours"), call.hang_up_after_message
        )
    elif deflection.option is DeflectionOption.PHONE:
        assert deflection.phone is not None
        call.redirect_to(deflection.phone)
    elif deflection.option is DeflectionOption.VOICEMAIL:
        from harness.reference.telephony.voicemail import take_voicemail

        prompt = _text_prompt(deflection, leaf_id, own, "voicemail_greeting")
        take_voicemail(call, leaf_id, prompt)


def _text_prompt(deflection: Deflection, leaf_id: str, own: bool, message: str) -> str:
    """The prompt to play: the deflection's own text if it has one, else the message."""
    if deflection.text:
        return f"override-{leaf_id}" if own else "deflection-calls"
    return f"message-{message}"


def _describe(deflection: Deflection, config: RoutingConfig) -> str:
    if deflection.option is DeflectionOption.QUEUE:
        target = config.queues.get(deflection.queue_id or "")
        return f"sent to queue {target.name if target else deflection.queue_id}"
    if deflection.option is DeflectionOption.PHONE:
        return f"redirected to {deflection.phone}"
    if deflection.option is DeflectionOption.VOICEMAIL:
        return "sent to voicemail"
    return "after-hours message, then the call ends"
