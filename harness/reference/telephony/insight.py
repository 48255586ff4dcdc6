"""Sending the caller's CRM insight card to the agent apps a call rings (AC-IN-5).

The lookup starts with the first app the call rings and is shared by the others; its outcome
follows each pop-up as a ``call.insight`` message, so the call rings whatever the CRM does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from harness.reference import crm
from harness.reference.telephony.app_phones import AppCall

if TYPE_CHECKING:
    from harness.reference.telephony.inbound import InboundCall

_log = logging.getLogger(__name__)


def share_insight(inbound: InboundCall, call: AppCall, caller: str) -> None:
    """Send ``call``'s app the card of ``caller`` once the account's CRM answered (nothing when
    the account has no CRM)."""
    if inbound.insight is None:
        account_id = inbound.plan.account_id
        lookup = asyncio.ensure_future(crm.insight(inbound.center.store, account_id, caller))
        inbound.insight = lookup

        def stop_lookup() -> None:
            lookup.cancel()  # the call is over: nobody waits for its card

        inbound.closing.append(stop_lookup)

    def deliver(done: asyncio.Future[dict[str, Any] | None]) -> None:
        if done.cancelled():
            return
        error = done.exception()
        if error is not None:
            _log.error("CRM lookup of call %s failed: %r", inbound.call_id, error)
            return
        result = done.result()
        if result is not None:
            call.app.send({"type": "call.insight", "offer": call.call_id, **result})

    inbound.insight.add_done_callback(deliver)
