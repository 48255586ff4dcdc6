"""Routes of incoming-call tones (CC-NTF-4, 5, 9): the tone library, uploads (MP3, the file as
the request's body), previews, and the tone agents' apps play for an offered call."""

from __future__ import annotations

from aiohttp import web

from ..domain.permissions import Permission
from ..tones import Tones
from . import body
from .context import account_id, center, requires
from .web_files import web_file


def tones(request: web.Request) -> Tones:
    """The tone part of the request's contact center."""
    return Tones(center(request))


@requires(Permission.ROUTING_READ)
async def get_tones(request: web.Request) -> web.Response:
    """GET /notifications/tones -> {tones: [{id, name, built_in}], ring_tone: {tone, repeat_s}}."""
    part, acc = tones(request), account_id(request)
    return web.json_response(
        {"tones": part.library(acc), "ring_tone": part.ring_tone(acc).to_json()}
    )


@requires(Permission.ROUTING_WRITE)
async def upload_tone(request: web.Request) -> web.Response:
    """POST /notifications/tones?name=NAME (body: the MP3 file) -> the new tone, 201."""
    added = tones(request).upload(
        account_id(request), request.query.get("name"), await request.read()
    )
    return web.json_response(added, status=201)


@requires(Permission.ROUTING_WRITE)
async def replace_tone(request: web.Request) -> web.Response:
    """PUT /notifications/tones/{tone_id} (body: the MP3 file) -> the tone, with its new file."""
    replaced = tones(request).replace(
        account_id(request), request.match_info["tone_id"], await request.read()
    )
    return web.json_response(replaced)


@requires(Permission.ROUTING_WRITE)
async def delete_tone(request: web.Request) -> web.Response:
    """DELETE /notifications/tones/{tone_id} -> 204 (not the tone in use, nor a built-in one)."""
    tones(request).delete(account_id(request), request.match_info["tone_id"])
    return web.Response(status=204)


@requires(Permission.ROUTING_READ)
async def tone_audio(request: web.Request) -> web.Response:
    """GET /notifications/tones/{tone_id}/audio -> the tone's file (a preview)."""
    data, kind = tones(request).audio(account_id(request), request.match_info["tone_id"])
    return web.Response(body=data, content_type=kind)


@requires(Permission.ROUTING_WRITE)
async def put_ring_tone(request: web.Request) -> web.Response:
    """PUT /notifications/ring-tone {tone?, repeat_s?} -> the incoming-call tone setting."""
    data = await body.json_object(request, allowed=("tone", "repeat_s"))
    return web.json_response(tones(request).choose(account_id(request), data).to_json())


tones_script = web_file(
    "agent_app_tones.js",
    "GET /app/tones.js -> the agent app's incoming-call tone (plain JavaScript).",
)


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/notifications/tones", get_tones)
    router.add_post("/notifications/tones", upload_tone)
    router.add_put("/notifications/tones/{tone_id}", replace_tone)
    router.add_delete("/notifications/tones/{tone_id}", delete_tone)
    router.add_get("/notifications/tones/{tone_id}/audio", tone_audio)
    router.add_put("/notifications/ring-tone", put_ring_tone)
    router.add_get("/app/tones.js", tones_script)
