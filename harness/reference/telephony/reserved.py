"""Reserved data properties in an inbound call's SIP headers (CC-RSV-2), and the user profile
flags they give the agent app's pop-up (CC-RSV-3).

The headers are ``X-Reserved-Verified-Customer``, ``X-Reserved-Bad-Actor`` and
``X-Reserved-Repeat-Customer``, each ``true`` or ``false``. A call carrying another value is
refused before anything rings: ``400 Bad Request`` with a ``Warning`` (RFC 3261 section 20.43,
code 399) naming the header, and nothing is logged for it.
"""

from __future__ import annotations

from typing import Any

from harness.reference.consumers.identity import shown_flags
from harness.reference.consumers.identity_tables import IdentityTables
from harness.reference.domain.consumer_identity import flags_from_headers
from harness.reference.domain.errors import InvalidField
from harness.reference.service import ContactCenter
from harness.reference.telephony.app_phones import AppPhones
from harness.sip.offer import warning_value
from harness.sip.transport import IncomingCall


def read_headers(incoming: IncomingCall, edge: tuple[str, int]) -> dict[str, bool] | None:
    """The flags the INVITE carries; None after refusing a call whose header is not a boolean
    (``edge``: the SIP edge's address, the Warning's agent)."""
    try:
        return flags_from_headers(dict(incoming.request.headers))
    except InvalidField as bad:
        host, port = edge
        agent = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        warning = warning_value(399, agent, bad.message)
        incoming.reject(400, "Bad Request", extra=[("Warning", warning)])
        return None


def keep(center: ContactCenter, account_id: str, call_id: str, flags: dict[str, bool]) -> None:
    """Store the flags the call came with (readable and changeable through the Apps API)."""
    if flags:
        IdentityTables(center.store).set_call_reserved(account_id, call_id, flags)


def push(phones: AppPhones, call_id: str, flags: dict[str, bool]) -> None:
    """Send the apps the call rings or talks in its flags as they are now (the Apps API changed
    them during the call): the pop-up and the call's view follow."""
    shown = shown_flags(flags)
    for call in phones.calls_of(call_id):
        call.app.send({"type": "call.flags", "offer": call.call_id, "profile_flags": shown})


def offer_details(center: ContactCenter, account_id: str, call_id: str) -> dict[str, Any]:
    """What the ringing pop-up shows of the call's flags: label and meaning of each."""
    flags = IdentityTables(center.store).call_reserved(account_id, call_id)
    return {"profile_flags": shown_flags(flags)}
