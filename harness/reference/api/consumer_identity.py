"""Routes of consumers' identities and reserved flags (CC-UNA, CC-RSV).

The consumer's side (a session's token, like the rest of the consumer protocol):

* ``GET /sdk/identity`` -> ``{session_id, unique_id, authenticated, installation_id, reserved,
  ended}``
* ``PUT /sdk/reserved {reserved_verified_customer?, reserved_bad_actor?,
  reserved_repeat_customer?}`` -> the identity: flags sent after the session started.
* ``POST /sdk/login {user_id, merge_tickets?}`` -> ``{unique_id, previous_unique_id,
  merged_tickets}``: the consumer logged in; the unauthenticated period's CRM tickets move to
  the user's contact unless ``merge_tickets`` is false.
* ``POST /sdk/end`` -> the identity, ended.

The Apps API (an integration's account key, or an administrator; read like the call log):

* ``GET``/``PUT /apps/sessions/{session_id}/reserved`` -> ``{reserved, profile_flags}``
* ``GET``/``PUT /apps/calls/{call_id}/reserved`` -> the same for an inbound call (read back
  during the call; its SIP headers set them first).
* ``PUT /apps/queues/{queue_id}/virtual-agent {verified_customer_key}`` -> the session metadata
  key the queue's virtual agent passes "verified customer" from (null: none).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..consumers.identity import shown_flags
from ..consumers.identity_tables import shape
from ..domain.permissions import Permission
from ..telephony import reserved
from . import body
from .agent_socket import APP_PHONES
from .consumer_context import consumers
from .context import access, account_id, requires
from .errors import bad_field
from .sdk import _session
from .web_files import web_file


def _flags(reserved: dict[str, bool]) -> dict[str, Any]:
    return {"reserved": reserved, "profile_flags": shown_flags(reserved)}


# --- the consumer's side -------------------------------------------------------------------------


@access("public")
async def get_identity(request: web.Request) -> web.Response:
    """GET /sdk/identity -> who this session's consumer is, and its reserved flags."""
    session = _session(request)
    identity = consumers(request).identities.identity(session.account_id, session.id)
    return web.json_response(shape(identity))


@access("public")
async def put_reserved(request: web.Request) -> web.Response:
    """PUT /sdk/reserved {flag: bool, ...} -> the identity with the flags merged in."""
    session = _session(request)
    data = await body.json_object(request)
    identities = consumers(request).identities
    return web.json_response(shape(identities.set_reserved(session.account_id, session.id, data)))


@access("public")
async def login(request: web.Request) -> web.Response:
    """POST /sdk/login {user_id, merge_tickets?} -> the new unique ID and the tickets merged."""
    session = _session(request)
    data = await body.json_object(request, allowed=("user_id", "merge_tickets"))
    merge = data.get("merge_tickets", True)
    if not isinstance(merge, bool):
        raise bad_field("merge_tickets", "must be true or false")
    identities = consumers(request).identities
    return web.json_response(await identities.login(session, body.text(data, "user_id"), merge))


@access("public")
async def end(request: web.Request) -> web.Response:
    """POST /sdk/end -> the identity, ended: the session takes no more reserved flags."""
    session = _session(request)
    return web.json_response(shape(consumers(request).identities.end(session)))


# --- the Apps API ----------------------------------------------------------------------------


@requires(Permission.CALLS_READ)
async def get_session_flags(request: web.Request) -> web.Response:
    """GET /apps/sessions/{session_id}/reserved -> {reserved, profile_flags}."""
    identities = consumers(request).identities
    found = identities.identity(account_id(request), request.match_info["session_id"])
    return web.json_response(_flags(found.reserved))


@access("account")
async def put_session_flags(request: web.Request) -> web.Response:
    """PUT /apps/sessions/{session_id}/reserved {flag: bool, ...} -> {reserved, profile_flags}."""
    data = await body.json_object(request)
    identities = consumers(request).identities
    found = identities.set_reserved(account_id(request), request.match_info["session_id"], data)
    return web.json_response(_flags(found.reserved))


@requires(Permission.CALLS_READ)
async def get_call_flags(request: web.Request) -> web.Response:
    """GET /apps/calls/{call_id}/reserved -> {reserved, profile_flags}."""
    identities = consumers(request).identities
    found = identities.call_flags(account_id(request), request.match_info["call_id"])
    return web.json_response(_flags(found))


@access("account")
async def put_call_flags(request: web.Request) -> web.Response:
    """PUT /apps/calls/{call_id}/reserved {flag: bool, ...} -> {reserved, profile_flags}."""
    data = await body.json_object(request)
    identities = consumers(request).identities
    call_id = request.match_info["call_id"]
    found = identities.set_call_flags(account_id(request), call_id, data)
    phones = request.app.get(APP_PHONES)
    if phones is not None:  # the apps the call rings or talks in show the new flags
        reserved.push(phones, call_id, found)
    return web.json_response(_flags(found))


@access("account")
async def put_virtual_agent(request: web.Request) -> web.Response:
    """PUT /apps/queues/{queue_id}/virtual-agent {verified_customer_key} -> the setting."""
    data = await body.json_object(request, allowed=("verified_customer_key",))
    key = body.optional_text(data, "verified_customer_key")
    queue_id = request.match_info["queue_id"]
    consumers(request).identities.set_virtual_agent(account_id(request), queue_id, key)
    return web.json_response({"queue_id": queue_id, "verified_customer_key": key})


flags_script = web_file(
    "agent_app_profile_flags.js",
    "GET /app/profile_flags.js -> the agent app's user profile flags (plain JavaScript).",
)


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/app/profile_flags.js", flags_script)
    router.add_get("/sdk/identity", get_identity)
    router.add_put("/sdk/reserved", put_reserved)
    router.add_post("/sdk/login", login)
    router.add_post("/sdk/end", end)
    router.add_get("/apps/sessions/{session_id}/reserved", get_session_flags)
    router.add_put("/apps/sessions/{session_id}/reserved", put_session_flags)
    router.add_get("/apps/calls/{call_id}/reserved", get_call_flags)
    router.add_put("/apps/calls/{call_id}/reserved", put_call_flags)
    router.add_put("/apps/queues/{queue_id}/virtual-agent", put_virtual_agent)
