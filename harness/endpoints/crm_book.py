"""The contacts and tickets the SUT writes into the harness's CRM (:mod:`harness.endpoints.crm`).

The SUT creates and updates records with:

* ``POST /contacts {first_name, unique_id, channel?, mobile_sdk_id?}`` -> ``201 {id, ...}``
* ``POST /tickets {contact_id, subject, channel?, session_id?}`` -> ``201 {id, ...}``
* ``PATCH /tickets/{id} {contact_id}`` -> ``200 {id, ...}``: the ticket moves to that contact
* ``GET /contacts`` and ``GET /tickets`` -> everything held, for people looking at the CRM.

A body that is not what these say is answered ``400 {"error": ...}`` naming the field, and
nothing is kept. Each write is recorded as a :class:`CrmWrite` in the scenario's journal, so a
scenario waits for it arm-then-act.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from aiohttp import web

from harness.runtime.journal import Event, Journal


@dataclass(frozen=True)
class CrmContact:
    """A contact the SUT made: its first name and the consumer's unique ID."""

    id: str
    first_name: str
    unique_id: str
    channel: str = ""
    mobile_sdk_id: str = ""


@dataclass(frozen=True)
class CrmTicket:
    """A ticket the SUT made, and the contact it belongs to now."""

    id: str
    contact_id: str
    subject: str
    channel: str = ""
    session_id: str = ""


@dataclass(frozen=True, kw_only=True)
class CrmWrite(Event):
    """The SUT wrote a record: ``kind`` is ``contact.created``, ``ticket.created`` or
    ``ticket.updated``; ``record_id`` names the record."""

    kind: str
    record_id: str


class BadRecord(Exception):
    """A write the CRM refuses (the message names the field)."""


def _text(data: dict[str, Any], name: str, *, required: bool) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadRecord(f"{name}: must be a non-empty string")
    return value


@dataclass
class CrmBook:
    """What the CRM holds of the SUT's writes."""

    journal: Journal | None = None
    name: str = "crm"
    contacts: dict[str, CrmContact] = field(default_factory=dict)
    tickets: dict[str, CrmTicket] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def contacts_with(self, unique_id: str) -> list[CrmContact]:
        """The contacts whose unique ID is ``unique_id``."""
        return [c for c in self.contacts.values() if c.unique_id == unique_id]

    def tickets_of(self, contact_id: str) -> list[CrmTicket]:
        """The tickets that belong to ``contact_id`` now."""
        return [t for t in self.tickets.values() if t.contact_id == contact_id]

    def _record(self, kind: str, record_id: str) -> None:
        if self.journal is not None:
            self.journal.record(CrmWrite(party=self.name, kind=kind, record_id=record_id))

    def add_contact(self, data: dict[str, Any]) -> CrmContact:
        contact = CrmContact(
            id=f"C{next(self._ids):05d}",
            first_name=_text(data, "first_name", required=True),
            unique_id=_text(data, "unique_id", required=True),
            channel=_text(data, "channel", required=False),
            mobile_sdk_id=_text(data, "mobile_sdk_id", required=False),
        )
        self.contacts[contact.id] = contact
        self._record("contact.created", contact.id)
        return contact

    def _contact_id(self, data: dict[str, Any]) -> str:
        contact_id = _text(data, "contact_id", required=True)
        if contact_id not in self.contacts:
            raise BadRecord(f"contact_id: no contact {contact_id!r}")
        return contact_id

    def add_ticket(self, data: dict[str, Any]) -> CrmTicket:
        ticket = CrmTicket(
            id=f"T{next(self._ids):05d}",
            contact_id=self._contact_id(data),
            subject=_text(data, "subject", required=True),
            channel=_text(data, "channel", required=False),
            session_id=_text(data, "session_id", required=False),
        )
        self.tickets[ticket.id] = ticket
        self._record("ticket.created", ticket.id)
        return ticket

    def update_ticket(self, ticket_id: str, data: dict[str, Any]) -> CrmTicket:
        if ticket_id not in self.tickets:
            raise KeyError(ticket_id)
        updated = replace(self.tickets[ticket_id], contact_id=self._contact_id(data))
        self.tickets[ticket_id] = updated
        self._record("ticket.updated", ticket_id)
        return updated


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.read() or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadRecord("body: must be JSON") from None
    if not isinstance(data, dict):
        raise BadRecord("body: must be a JSON object")
    return data


def add_routes(app: web.Application, book: CrmBook) -> None:
    """Serve ``book``'s records on ``app``."""

    async def create_contact(request: web.Request) -> web.Response:
        try:
            contact = book.add_contact(await _body(request))
        except BadRecord as bad:
            return web.json_response({"error": str(bad)}, status=400)
        return web.json_response(asdict(contact), status=201)

    async def create_ticket(request: web.Request) -> web.Response:
        try:
            ticket = book.add_ticket(await _body(request))
        except BadRecord as bad:
            return web.json_response({"error": str(bad)}, status=400)
        return web.json_response(asdict(ticket), status=201)

    async def update_ticket(request: web.Request) -> web.Response:
        ticket_id = request.match_info["ticket_id"]
        try:
            ticket = book.update_ticket(ticket_id, await _body(request))
        except BadRecord as bad:
            return web.json_response({"error": str(bad)}, status=400)
        except KeyError:
            return web.json_response({"error": f"no ticket {ticket_id!r}"}, status=404)
        return web.json_response(asdict(ticket))

    async def list_contacts(_request: web.Request) -> web.Response:
        return web.json_response({"contacts": [asdict(c) for c in book.contacts.values()]})

    async def list_tickets(_request: web.Request) -> web.Response:
        return web.json_response({"tickets": [asdict(t) for t in book.tickets.values()]})

    app.router.add_post("/contacts", create_contact)
    app.router.add_get("/contacts", list_contacts)
    app.router.add_post("/tickets", create_ticket)
    app.router.add_get("/tickets", list_tickets)
    app.router.add_patch("/tickets/{ticket_id}", update_ticket)
