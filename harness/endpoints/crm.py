"""The CRM the harness runs for the SUT: a real HTTP server on loopback holding customer records.

The SUT looks a caller up with ``GET {url}/customers/{digits}`` (the caller's E.164 number
without its "+"): ``200 {"phone", "name", "company", "tier", "notes"}`` for a known customer,
``404`` otherwise. Each lookup is recorded as a :class:`CrmLookup` in the scenario's journal.
The SUT also creates and updates contacts and tickets in it (:mod:`.crm_book`).

Fault modes, set at any time with :meth:`Crm.fault`: ``slow`` answers only when the CRM is
closed or healed (a CRM that hangs: the SUT must give up by its own timeout), ``down`` stops
listening altogether (connections are refused).
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass, field

from aiohttp import web

from harness.endpoints.crm_book import CrmBook
from harness.endpoints.crm_book import add_routes as add_record_routes
from harness.endpoints.crm_uploads import CrmUploads
from harness.endpoints.crm_uploads import add_routes as add_upload_routes
from harness.runtime.journal import Event, Journal

UPLOAD_LIMIT = 64 * 2**20


@dataclass(frozen=True)
class CustomerRecord:
    """One customer as the CRM holds them."""

    phone: str
    name: str
    company: str
    tier: str = ""
    notes: str = ""

    def as_json(self) -> dict[str, str]:
        """The body of a lookup's answer."""
        return {
            "phone": self.phone,
            "name": self.name,
            "company": self.company,
            "tier": self.tier,
            "notes": self.notes,
        }


@dataclass(frozen=True, kw_only=True)
class CrmLookup(Event):
    """The SUT asked the CRM about ``phone``; ``found`` says whether it knew the customer."""

    phone: str
    found: bool


class CrmFault(enum.StrEnum):
    """How the CRM treats the SUT's lookups."""

    NONE = "none"
    SLOW = "slow"
    DOWN = "down"


@dataclass
class Crm:
    """A CRM on an ephemeral loopback port; :meth:`start`, then :meth:`close` after the run."""

    journal: Journal | None = None
    name: str = "crm"
    records: dict[str, CustomerRecord] = field(default_factory=dict)
    book: CrmBook = field(default_factory=CrmBook)  # the contacts and tickets the SUT wrote
    uploads: CrmUploads | None = None  # the recordings the SUT uploaded to tickets
    _fault: CrmFault = CrmFault.NONE
    _healed: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    _url: str = ""

    @classmethod
    async def start(cls, journal: Journal | None = None, *, host: str = "127.0.0.1") -> Crm:
        """A CRM listening on an ephemeral port of ``host`` (loopback)."""
        crm = cls(journal, book=CrmBook(journal))
        crm.uploads = CrmUploads(crm.book, journal)
        # A recording part may be 50 MB (CC-REC-6): the body limit leaves room for it.
        app = web.Application(client_max_size=UPLOAD_LIMIT)
        app.router.add_get("/customers/{digits}", crm._lookup)
        add_record_routes(app, crm.book)
        add_upload_routes(app, crm.uploads)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, host, 0)
        await site.start()
        crm._runner = runner
        crm._url = f"http://{host if ':' not in host else f'[{host}]'}:{runner.addresses[0][1]}"
        return crm

    @property
    def url(self) -> str:
        """The base URL the SUT is configured with."""
        return self._url

    def add(self, record: CustomerRecord) -> None:
        """Hold ``record``, found by its phone number."""
        self.records[record.phone] = record

    async def fault(self, mode: CrmFault | str) -> None:
        """Treat the SUT's next lookups as ``mode`` (``none`` heals a slow CRM; a CRM that is
        down stays down)."""
        self._fault = CrmFault(mode)
        if self._fault is CrmFault.SLOW:
            self._healed.clear()
        else:
            self._healed.set()
        if self._fault is CrmFault.DOWN:
            await self._stop()

    async def _lookup(self, request: web.Request) -> web.StreamResponse:
        phone = "+" + request.match_info["digits"]
        record = self.records.get(phone)
        if self.journal is not None:
            self.journal.record(CrmLookup(party=self.name, phone=phone, found=record is not None))
        if self._fault is CrmFault.SLOW:
            await self._healed.wait()  # the fault itself: no answer until healed or closed
        if record is None:
            return web.json_response({"error": f"no customer with the phone {phone}"}, status=404)
        return web.json_response(record.as_json())

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def close(self) -> None:
        """Answer any lookup still waiting, and stop listening."""
        self._healed.set()
        await self._stop()

    def leaks(self) -> list[str]:
        """Still listening after the scenario (H-REL-2 post-condition)."""
        return [f"CRM still listening at {self._url}"] if self._runner is not None else []
