"""A conversation (AC-IN-8, 10, 11): everything between one customer number and one line.

The voice calls between them, the SMS/MMS in and out, and the system log of each call (who
answered, held, resumed, how it ended), as one list oldest first: what the agent app's
conversation view shows as bubbles and log lines. Texting from the conversation goes out from
the line's own number, through the account's SMS gateway, and only when the line is eligible.
"""

from __future__ import annotations

from typing import Any

from .clock import iso_utc
from .consumers.sms import SmsService, shape
from .domain.calls import CallRecord, TimelineKind
from .domain.distribution import Number, validate_e164
from .domain.errors import Conflict
from .domain.sms import SmsMessage
from .service import ContactCenter

#: Timeline entries that trace what a user did with the call (the rest is routing detail).
LOGGED = (
    TimelineKind.ANSWERED,
    TimelineKind.HELD,
    TimelineKind.RESUMED,
    TimelineKind.REFUSED,
    TimelineKind.NO_ANSWER,
    TimelineKind.ENDED,
)


def _between(message: SmsMessage, line: str, customer: str) -> bool:
    return (message.from_number, message.to_number) in ((customer, line), (line, customer))


def conversation(
    center: ContactCenter, sms: SmsService, account_id: str, number: Number, customer: str
) -> dict[str, Any]:
    """The conversation of ``customer`` (E.164) on the line ``number``, as the API shows it."""
    validate_e164(customer, "customer")
    names = {u.id: u.name for u in center.list_users(account_id)}
    entries: list[dict[str, Any]] = []
    calls = [c for c in center.list_calls(account_id, number.id) if c.caller == customer]
    for call in calls:
        entries.append(_voice(call, names))
        for entry in call.timeline:
            if entry.kind in LOGGED:
                entries.append(
                    {
                        "kind": "log",
                        "at": iso_utc(entry.at),
                        "call_id": call.call_id,
                        "text": entry.text,
                    }
                )
    for message in sms.messages(account_id):
        if _between(message, number.e164, customer):
            entries.append({"kind": "sms", **shape(message)})
    entries.sort(key=lambda e: str(e["at"]))
    return {
        "line": {"id": number.id, "name": number.name, "e164": number.e164},
        "customer": customer,
        "sms_eligible": center.store.sms_eligible(account_id, number.id),
        "entries": entries,
    }


def _voice(call: CallRecord, names: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": "voice",
        "at": iso_utc(call.started_at),
        "call_id": call.call_id,
        "status": call.status.value if call.status else "ringing",
        "answered_by": names.get(call.answered_by or "", ""),
    }


async def text_customer(
    center: ContactCenter,
    sms: SmsService,
    account_id: str,
    number: Number,
    customer: str,
    body: str,
    media_urls: tuple[str, ...] = (),
) -> SmsMessage:
    """Send an SMS from the line ``number`` to ``customer`` (the conversation's composer).

    Refused (nothing stored, nothing sent) when the line is not eligible for SMS.
    """
    validate_e164(customer, "customer")
    if not center.store.sms_eligible(account_id, number.id):
        raise Conflict(f"the line {number.name} ({number.e164}) is not eligible for SMS")
    return await sms.send(account_id, customer, body, media_urls, sender=number.e164)
