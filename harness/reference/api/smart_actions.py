"""Routes of smart actions (CC-SA) and of the web-SDK chat's paperclip (CC-SA-3).

The agent's side (a user's token, or the account's key):

* ``GET``/``PUT /consumers/smart-actions/settings {redact}`` -> ``{redact}``: whether the
  account offers redact.
* ``POST /consumers/sessions/{session_id}/smart-actions {kind, during, count?, call_id?}`` ->
  201 the action, sent to the consumer's session WebSocket as ``smart_action.requested``.
  ``kind``: verify_identity, photos (count up to 4), screenshot, videos (count), text_input and
  redact (during a call only; redact when enabled, naming the call whose recording it pauses).
* ``GET /consumers/sessions/{session_id}/smart-actions`` -> ``{actions}``.
* ``GET /consumers/smart-actions/{action_id}?wait_s=N`` -> the action with its ``media``
  (base64); with ``wait_s`` the answer comes back as soon as the consumer sent it.
* ``POST /consumers/smart-actions/{action_id}/end`` -> the redact, ended.
* ``GET /consumers/sessions/{session_id}/attachments`` -> ``{attachments}`` (base64 data).

The consumer's side (the session's token):

* ``POST /sdk/smart-actions/{action_id}/answer {result, method?, text?, media?}`` -> the action.
* ``POST /sdk/attachments?name=<file name>`` (the file's bytes as the body) -> 201.
"""

from __future__ import annotations

import base64
import math
from typing import Any

from aiohttp import web

from ..consumers.smart_action_tables import Attachment
from ..consumers.smart_actions import shape
from ..domain.errors import NotFound
from ..domain.permissions import Permission
from . import body
from .consumer_context import consumers
from .context import access, account_id, principal, requires
from .errors import bad_field
from .sdk import _session


def _attachment(found: Attachment) -> dict[str, Any]:
    return {
        "id": found.id,
        "session_id": found.session_id,
        "name": found.name,
        "content_type": found.content_type,
        "size": len(found.data),
        "data": base64.b64encode(found.data).decode(),
        "at": found.at,
    }


@requires(Permission.TICKETS_READ)
async def get_settings(request: web.Request) -> web.Response:
    """GET /consumers/smart-actions/settings -> {redact}."""
    return web.json_response(consumers(request).smart_actions.settings(account_id(request)))


@access("account")
async def put_settings(request: web.Request) -> web.Response:
    """PUT /consumers/smart-actions/settings {redact} -> {redact}."""
    data = await body.json_object(request, allowed=("redact",))
    service = consumers(request).smart_actions
    return web.json_response(service.configure(account_id(request), data))


@requires(Permission.TICKETS_WRITE)
async def request_action(request: web.Request) -> web.Response:
    """POST /consumers/sessions/{session_id}/smart-actions -> 201 the action."""
    data = await body.json_object(request, allowed=("kind", "during", "count", "call_id"))
    action = consumers(request).smart_actions.request(
        account_id(request), request.match_info["session_id"], principal(request).user_id, data
    )
    return web.json_response(shape(action), status=201)


@requires(Permission.TICKETS_READ)
async def list_actions(request: web.Request) -> web.Response:
    """GET /consumers/sessions/{session_id}/smart-actions -> {actions}."""
    service = consumers(request).smart_actions
    found = service.of_session(account_id(request), request.match_info["session_id"])
    return web.json_response({"actions": [shape(a) for a in found]})


@requires(Permission.TICKETS_READ)
async def get_action(request: web.Request) -> web.Response:
    """GET /consumers/smart-actions/{action_id}?wait_s=N -> the action and its media."""
    raw = request.query.get("wait_s", "0")
    try:
        wait_s = float(raw)
    except ValueError:
        raise bad_field("wait_s", "must be a number of seconds") from None
    if not math.isfinite(wait_s) or wait_s < 0:
        raise bad_field("wait_s", "must be a number of seconds, at least 0")
    service = consumers(request).smart_actions
    action = await service.read(account_id(request), request.match_info["action_id"], wait_s)
    media = service.tables.media(action.account_id, action.id)
    shown = shape(action)
    shown["media"] = [
        {"content_type": m.content_type, "data": base64.b64encode(m.data).decode()} for m in media
    ]
    return web.json_response(shown)


@requires(Permission.TICKETS_WRITE)
async def end_action(request: web.Request) -> web.Response:
    """POST /consumers/smart-actions/{action_id}/end -> the redact, ended."""
    service = consumers(request).smart_actions
    ended = service.end(account_id(request), request.match_info["action_id"])
    return web.json_response(shape(ended))


@requires(Permission.TICKETS_READ)
async def list_attachments(request: web.Request) -> web.Response:
    """GET /consumers/sessions/{session_id}/attachments -> {attachments}."""
    service = consumers(request).smart_actions
    session_id = request.match_info["session_id"]
    if service.tables.session_channel(account_id(request), session_id) is None:
        raise NotFound("session", session_id)
    found = service.tables.attachments(account_id(request), session_id)
    return web.json_response({"attachments": [_attachment(a) for a in found]})


@access("public")
async def answer_action(request: web.Request) -> web.Response:
    """POST /sdk/smart-actions/{action_id}/answer -> the action, answered."""
    session = _session(request)
    data = await body.json_object(request, allowed=("result", "method", "text", "media"))
    service = consumers(request).smart_actions
    return web.json_response(shape(service.answer(session, request.match_info["action_id"], data)))


@access("public")
async def attach(request: web.Request) -> web.Response:
    """POST /sdk/attachments?name=... (the file's bytes) -> 201 the attachment, without data."""
    session = _session(request)
    name = request.query.get("name", "")
    data = await request.read()
    found = consumers(request).smart_actions.attach(session, name, data)
    shown = _attachment(found)
    del shown["data"]
    return web.json_response(shown, status=201)


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/consumers/smart-actions/settings", get_settings)
    router.add_put("/consumers/smart-actions/settings", put_settings)
    router.add_post("/consumers/sessions/{session_id}/smart-actions", request_action)
    router.add_get("/consumers/sessions/{session_id}/smart-actions", list_actions)
    router.add_get("/consumers/sessions/{session_id}/attachments", list_attachments)
    router.add_get("/consumers/smart-actions/{action_id}", get_action)
    router.add_post("/consumers/smart-actions/{action_id}/end", end_action)
    router.add_post("/sdk/smart-actions/{action_id}/answer", answer_action)
    router.add_post("/sdk/attachments", attach)
