"""Routes of recordings kept in the CRM (CC-REC): the account's choice, and where each
recording of a ticket is on its way to the CRM.

* ``GET``/``PUT /crm/recording-storage {enabled, part_bytes?}``: administrators choose to keep
  recordings in the CRM configured with ``PUT /crm/settings``, and the part size (50 MB
  unless smaller; CC-REC-6);
* ``GET /tickets/{ticket_id}/crm-uploads``: each recording's state (``pending``, ``uploaded``,
  ``expired``), its tries, when the next one is due and why it is still on the origin.
"""

from __future__ import annotations

from aiohttp import web

from ..clock import iso_utc
from ..crm_recordings import STORAGE, CrmRecordingStorage
from ..domain.crm_recordings import Upload, part_sizes
from ..domain.permissions import Permission
from . import body
from .context import account_id, requires
from .errors import bad_field


def storage(request: web.Request) -> CrmRecordingStorage:
    """The CRM recording storage of the request's contact center."""
    return request.app[STORAGE]


@requires(Permission.ADMINISTER)
async def get_storage(request: web.Request) -> web.Response:
    """GET /crm/recording-storage -> {enabled, since?, part_bytes}."""
    return web.json_response(storage(request).settings_shape(account_id(request)))


@requires(Permission.ADMINISTER)
async def put_storage(request: web.Request) -> web.Response:
    """PUT /crm/recording-storage {enabled, part_bytes?} -> the choice."""
    data = await body.json_object(request, allowed=("enabled", "part_bytes"))
    enabled = body.optional_bool(data, "enabled")
    if enabled is None:
        raise bad_field("enabled", "is required (true or false)")
    acc = account_id(request)
    storage(request).configure(acc, enabled=enabled, part_bytes=data.get("part_bytes"))
    return web.json_response(storage(request).settings_shape(acc))


@requires(Permission.TICKETS_READ)
async def list_uploads(request: web.Request) -> web.Response:
    """GET /tickets/{ticket_id}/crm-uploads -> {uploads: [...]}."""
    found = storage(request).uploads(account_id(request), request.match_info["ticket_id"])
    return web.json_response({"uploads": [upload_shape(u) for u in found]})


def upload_shape(upload: Upload) -> dict[str, object]:
    """A recording's way to the CRM as the API shows it."""
    return {
        "recording_id": upload.recording_id,
        "call_id": upload.call_id,
        "state": upload.state.value,
        "size": upload.size,
        "sha256": upload.sha256,
        "parts": part_sizes(upload.size, upload.part_bytes),
        "parts_sent": list(upload.parts_sent),
        "crm_ticket_id": upload.crm_ticket_id or None,
        "failures": upload.failures,
        "next_try_at": None if upload.next_try_at is None else iso_utc(upload.next_try_at),
        "last_try_at": None if upload.last_try_at is None else iso_utc(upload.last_try_at),
        "created_at": iso_utc(upload.created_at),
        "note": upload.note,
    }


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/crm/recording-storage", get_storage)
    router.add_put("/crm/recording-storage", put_storage)
    router.add_get("/tickets/{ticket_id}/crm-uploads", list_uploads)
