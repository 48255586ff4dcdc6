"""SMS notifications of offered calls (CC-NTF-6): each call offered to an agent who turned them
on sends one text message to the phone number of her profile, through the account's SMS gateway.

Reference choice: one message per call offered to that agent (each ring stage that rings her,
each transfer to her), from the account's SMS number, saying who calls and on which line. The
send runs beside the call: a gateway that is slow or refuses never delays the ringing, and a
failed send is stored and published like any other (``sms.failed``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import unquote

from harness.reference.consumers.sms import SmsService
from harness.reference.domain.errors import NotFound
from harness.reference.domain.inbound import RingTarget
from harness.reference.domain.notifications import offer_sms_text
from harness.reference.notifications import Notifications

if TYPE_CHECKING:
    from harness.reference.telephony.inbound import InboundCall

LOG = logging.getLogger("callproof.reference.offer_sms")
REASON = "call_offer"  # the stored message's reason: what made the reference send it


class OfferSms:
    """Sends the SMS notification of a call offered to an agent, when she has them on."""

    def __init__(self, sms: SmsService) -> None:
        self._sms = sms

    def notify(self, call: InboundCall, target: RingTarget) -> None:
        """``call`` is offered to ``target``: text her profile's number if she asked for it."""
        account_id = call.plan.account_id
        try:
            setting = Notifications(call.center).agent_sms(account_id, target.user_id)
        except NotFound:  # the user was deleted while the plan was made
            return
        if not setting.sms or setting.phone is None:
            return
        caller = unquote(call.caller_number(), errors="replace") or "anonymous"
        line = call.center.get_number(account_id, call.plan.number_id)
        text = offer_sms_text(caller, line.name)
        call.edge.spawn(self._sms.send(account_id, setting.phone, text, reason=REASON))
