"""Routes for voicemails left after hours and the CRM records they become (CC-AH-18)."""

from __future__ import annotations

from aiohttp import web

from ..clock import iso_utc
from ..domain.permissions import Permission
from ..telephony.prompts import wav_bytes
from .context import account_id, center, requires


@requires(Permission.CALLS_READ)
async def list_voicemails(request: web.Request) -> web.Response:
    """GET /voicemails -> newest first, each with whom it notified or whether it is a CRM record."""
    found = center(request).routing.voicemails(account_id(request))
    return web.json_response({"voicemails": [v.to_json(iso_utc(v.created_at)) for v in found]})


@requires(Permission.CALLS_READ)
async def voicemail_audio(request: web.Request) -> web.Response:
    """GET /voicemails/{id}/audio -> the caller's message (WAV, 8 kHz mono)."""
    audio = center(request).routing.voicemail_audio(account_id(request), request.match_info["id"])
    return web.Response(body=wav_bytes(audio), content_type="audio/wav")


@requires(Permission.CALLS_READ)
async def crm_records(request: web.Request) -> web.Response:
    """GET /crm/records -> what the CRM holds: voicemails of root queues with no assignment."""
    found = center(request).routing.voicemails(account_id(request))
    records = [
        {"type": "voicemail", **v.to_json(iso_utc(v.created_at))} for v in found if v.crm_record
    ]
    return web.json_response({"records": records})


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/voicemails", list_voicemails)
    router.add_get("/voicemails/{id}/audio", voicemail_audio)
    router.add_get("/crm/records", crm_records)
