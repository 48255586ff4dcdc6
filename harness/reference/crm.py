"""The caller's insight card from the account's CRM (AC-IN-5, 13).

When the account configured a CRM (a loopback URL, :func:`configure`), each incoming call that
rings an agent app looks the caller up once with ``GET {url}/customers/{digits}`` and sends the
card to the apps the call rings, after the pop-up: a CRM that is slow or down never holds the
call up, and the app then says why there is no card.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from .domain.errors import InvalidField
from .domain.sms import validate_gateway_url
from .store import Store

DEFAULT_TIMEOUT_S = 1.0
MIN_TIMEOUT_S, MAX_TIMEOUT_S = 0.1, 10.0
CARD_FIELDS = ("name", "company", "tier", "notes")


def configure(store: Store, account_id: str, url: str | None, timeout_s: float | None) -> None:
    """Set (``url`` None: remove) the account's CRM; bad input is refused naming the field,
    with the stored settings left as they were."""
    checked = None if url is None else validate_gateway_url(url, "url")
    timeout = DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s
    if not MIN_TIMEOUT_S <= timeout <= MAX_TIMEOUT_S:
        raise InvalidField("timeout_s", f"must be from {MIN_TIMEOUT_S} to {MAX_TIMEOUT_S} seconds")
    store.set_crm_settings(account_id, checked, timeout)


def settings_shape(store: Store, account_id: str) -> dict[str, Any]:
    """The account's CRM settings as the API shows them."""
    stored = store.crm_settings(account_id)
    if stored is None:
        return {"url": None, "timeout_s": DEFAULT_TIMEOUT_S}
    return {"url": stored[0], "timeout_s": stored[1]}


async def insight(store: Store, account_id: str, phone: str) -> dict[str, Any] | None:
    """The caller's card as the app shows it: ``{"card": {...}}`` or ``{"card": None,
    "note": why}``; None when the account has no CRM (the app shows nothing)."""
    stored = store.crm_settings(account_id)
    if stored is None:
        return None
    url, timeout_s = stored
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    digits = phone.removeprefix("+")
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(f"{url}/customers/{digits}") as resp,
        ):
            if resp.status == 404:
                return {"card": None, "note": "This caller is not in the CRM."}
            if resp.status != 200:
                return {"card": None, "note": f"The CRM answered {resp.status}."}
            data = await resp.json(content_type=None)
    except TimeoutError:
        return {"card": None, "note": f"The CRM did not answer within {timeout_s:g} s."}
    except (aiohttp.ClientError, ValueError) as error:
        return {"card": None, "note": f"The CRM could not be reached ({type(error).__name__})."}
    if not isinstance(data, dict):
        return {"card": None, "note": "The CRM's answer is not a customer record."}
    return {"card": {name: str(data.get(name) or "") for name in CARD_FIELDS}}
