"""Call recordings the SUT uploads to tickets of the harness's CRM (:mod:`harness.endpoints.crm`).

``POST /tickets/{id}/recordings`` with the audio as the body (headers ``X-Recording-Id``,
``X-Call-Id``, ``X-Part: 1/2``) keeps it as a recording of the ticket and acknowledges with
``201 {"id", "ticket_id", "bytes", "part"}``; ``GET /tickets/{id}/recordings`` lists them and
``GET /recordings/{id}`` gives one back. Each upload, taken or not, is a :class:`CrmUpload`
in the journal.

Fault modes (:meth:`CrmUploads.fault`, healed with ``none``): ``no_ack`` reads the upload,
keeps nothing and answers ``202`` without a receipt; ``rate_limited`` answers ``429`` with
``Retry-After: 60`` (the CRM's API limit); ``too_large`` answers ``413``.
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass, field

from aiohttp import web

from harness.endpoints.crm_book import CrmBook
from harness.runtime.journal import Event, Journal


class UploadFault(enum.StrEnum):
    """How the CRM treats recording uploads."""

    NONE = "none"
    NO_ACK = "no_ack"
    RATE_LIMITED = "rate_limited"
    TOO_LARGE = "too_large"


_STATUS = {
    UploadFault.NONE: 201,
    UploadFault.NO_ACK: 202,
    UploadFault.RATE_LIMITED: 429,
    UploadFault.TOO_LARGE: 413,
}


@dataclass(frozen=True)
class CrmRecording:
    """A recording the CRM keeps on a ticket: the bytes of one part, as uploaded."""

    id: str
    ticket_id: str
    recording_id: str  # the SUT's id of the whole recording
    call_id: str
    part: str  # "1/2"
    data: bytes


@dataclass(frozen=True, kw_only=True)
class CrmUpload(Event):
    """The SUT uploaded a recording part to ``ticket_id``; ``status`` is the CRM's answer
    (201 when it kept and acknowledged it)."""

    ticket_id: str
    recording_id: str
    part: str
    size: int
    status: int


@dataclass
class CrmUploads:
    """The recordings the CRM keeps, by ticket, in the order they arrived."""

    book: CrmBook
    journal: Journal | None = None
    name: str = "crm"
    recordings: list[CrmRecording] = field(default_factory=list)
    _fault: UploadFault = UploadFault.NONE
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def fault(self, mode: UploadFault | str) -> None:
        """Treat the next uploads as ``mode`` (``none`` heals)."""
        self._fault = UploadFault(mode)

    def of_ticket(self, ticket_id: str) -> list[CrmRecording]:
        """The ticket's recordings in the order the CRM took them."""
        return [r for r in self.recordings if r.ticket_id == ticket_id]

    def receive(self, ticket_id: str, headers: dict[str, str], data: bytes) -> tuple[int, object]:
        """One upload: the status and body of the answer."""
        status = _STATUS[self._fault]
        if ticket_id not in self.book.tickets:
            status = 404
        recording_id = headers.get("X-Recording-Id", "")
        part = headers.get("X-Part", "1/1")
        if self.journal is not None:
            self.journal.record(
                CrmUpload(
                    party=self.name,
                    ticket_id=ticket_id,
                    recording_id=recording_id,
                    part=part,
                    size=len(data),
                    status=status,
                )
            )
        if status == 404:
            return 404, {"error": f"no ticket {ticket_id!r}"}
        if status == 202:
            return 202, None  # the fault itself: taken in, not kept, no receipt
        if status != 201:
            return status, {"error": "refused"}
        kept = CrmRecording(
            id=f"R{next(self._ids):05d}",
            ticket_id=ticket_id,
            recording_id=recording_id,
            call_id=headers.get("X-Call-Id", ""),
            part=part,
            data=data,
        )
        self.recordings.append(kept)
        return 201, {"id": kept.id, "ticket_id": ticket_id, "bytes": len(data), "part": part}


def add_routes(app: web.Application, uploads: CrmUploads) -> None:
    """Serve ``uploads`` on ``app``."""

    async def upload(request: web.Request) -> web.StreamResponse:
        data = await request.read()
        status, answer = uploads.receive(
            request.match_info["ticket_id"], dict(request.headers), data
        )
        if answer is None:
            return web.Response(status=status)
        headers = {"Retry-After": "60"} if status == 429 else None
        return web.json_response(answer, status=status, headers=headers)

    async def listing(request: web.Request) -> web.Response:
        found = uploads.of_ticket(request.match_info["ticket_id"])
        return web.json_response(
            {
                "recordings": [
                    {"id": r.id, "part": r.part, "bytes": len(r.data), "call_id": r.call_id}
                    for r in found
                ]
            }
        )

    async def download(request: web.Request) -> web.Response:
        wanted = request.match_info["recording_id"]
        for recording in uploads.recordings:
            if recording.id == wanted:
                return web.Response(body=recording.data, content_type="audio/wav")
        return web.json_response({"error": f"no recording {wanted!r}"}, status=404)

    app.router.add_post("/tickets/{ticket_id}/recordings", upload)
    app.router.add_get("/tickets/{ticket_id}/recordings", listing)
    app.router.add_get("/recordings/{recording_id}", download)
