"""Writing consumers' contacts and tickets into the account's CRM (CC-UNA-1 to 4).

The CRM is the one the account configured for the insight card (``PUT /crm/settings``); it is
asked, with the same timeout:

* ``POST {url}/contacts {first_name, unique_id, channel, mobile_sdk_id?}`` -> ``201 {id}``
* ``POST {url}/tickets {contact_id, subject, channel, session_id}`` -> ``201 {id}``
* ``PATCH {url}/tickets/{id} {contact_id}`` -> ``200``: the ticket moves to another contact.
"""

from __future__ import annotations

from typing import Any

import aiohttp


class CrmUnavailable(Exception):
    """The CRM did not take a write (no answer in time, refused, or not a record)."""


class CrmWriter:
    """One account's CRM, reached at ``url`` with a total timeout of ``timeout_s``."""

    def __init__(self, url: str, timeout_s: float) -> None:
        self._url = url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def _send(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            async with (
                aiohttp.ClientSession(timeout=self._timeout) as session,
                session.request(method, self._url + path, json=body) as resp,
            ):
                data = await resp.json(content_type=None)
                if resp.status >= 300 or not isinstance(data, dict):
                    raise CrmUnavailable(f"{method} {path} -> {resp.status}: {data}")
                return data
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise CrmUnavailable(f"{method} {path}: {type(error).__name__}") from error

    async def create_contact(self, fields: dict[str, Any]) -> str:
        """A new contact; its CRM id."""
        return str((await self._send("POST", "/contacts", fields))["id"])

    async def create_ticket(self, fields: dict[str, Any]) -> str:
        """A new ticket; its CRM id."""
        return str((await self._send("POST", "/tickets", fields))["id"])

    async def move_ticket(self, ticket_id: str, contact_id: str) -> None:
        """The ticket now belongs to ``contact_id``."""
        await self._send("PATCH", f"/tickets/{ticket_id}", {"contact_id": contact_id})
