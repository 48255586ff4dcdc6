"""Routes for supervisors acting on live sessions: ``POST /calls/{call_id}/end`` (CC-END-1, 2),
``POST`` and ``DELETE /calls/{call_id}/monitor`` (listen from one's SIP phone, CC-MON-1 to 4),
and the dashboard's monitoring pages (Calls > Queued, Calls > Connected) as a script."""

from __future__ import annotations

from aiohttp import web

from ..domain import supervision as rules
from ..domain.permissions import Permission, Principal, user_principal
from ..telephony.supervision import CallSupervision
from . import body
from .context import account_id, center, principal, requires
from .errors import ApiError
from .shapes import call_shape
from .web_files import web_file

CALL_SUPERVISION: web.AppKey[CallSupervision] = web.AppKey("call_supervision", CallSupervision)


monitoring_script = web_file(
    "dashboard_monitoring.js",
    "GET /dashboard/monitoring.js -> the dashboard's monitoring pages (plain JavaScript).",
)


@requires(Permission.MONITOR_EDIT)
async def end_call(request: web.Request) -> web.Response:
    """POST /calls/{call_id}/end -> the call as logged once ended (Actions > End call, Confirm).

    Needs Monitor-Chats-Edit: for every call, or (a manager) for the calls of the teams the
    user is assigned to; another team's call is refused with 403 and goes on untouched. A call
    that has already ended is refused with 409.
    """
    cc, acc = center(request), account_id(request)
    call = cc.get_call(acc, request.match_info["call_id"])  # another account's: not found
    if request.body_exists:  # nothing to say; a body, if any, must be an empty object
        await body.json_object(request, allowed=())
    supervision = _supervision(request)
    who = principal(request)
    if not rules.may_end(who, call, supervision.team_members(acc)):
        raise ApiError(
            403,
            "forbidden",
            "monitor.edit is granted for assigned teams only, and this call is none of theirs",
            "call_id",
        )
    by = cc.get_user(acc, who.user_id).name if who.user_id else "the account's key"
    ended = supervision.end_call(acc, call.call_id, by)
    return web.json_response(call_shape(ended))


@requires(Permission.MONITOR_CALLS)
async def start_monitoring(request: web.Request) -> web.Response:
    """POST /calls/{call_id}/monitor {user_id?} -> 202: the reference calls the listener's SIP
    phone and she hears the customer and the agent, unheard by them (Actions > Monitor).

    The listener is the user whose token made the request (the account's key names her with
    ``user_id``); her own role must allow monitoring this call (403 otherwise). A call that is
    not connected, a listener already on it or with no SIP phone registered: 409.
    """
    cc, acc = center(request), account_id(request)
    call = cc.get_call(acc, request.match_info["call_id"])  # another account's: not found
    data = await body.json_object(request, allowed=("user_id",)) if request.body_exists else {}
    supervision = _supervision(request)
    listener = _listener(request, body.optional_text(data, "user_id"))
    if not rules.may_monitor(listener, call, supervision.team_members(acc)):
        raise ApiError(
            403,
            "forbidden",
            f"the {listener.role} role may not monitor this call: monitor.calls is not granted"
            " for it (managers: for their assigned teams only)",
            "call_id",
        )
    assert listener.user_id is not None  # a listener is always a user
    await supervision.monitor(acc, call.call_id, listener.user_id)
    return web.json_response(
        {"call_id": call.call_id, "user_id": listener.user_id, "monitoring": True}, status=202
    )


@requires(Permission.MONITOR_CALLS)
async def stop_monitoring(request: web.Request) -> web.Response:
    """DELETE /calls/{call_id}/monitor[?user_id=] -> 200: the listener's leg ends (Stop
    monitoring); the call goes on. 409 when she is not listening to it."""
    cc, acc = center(request), account_id(request)
    call = cc.get_call(acc, request.match_info["call_id"])
    listener = _listener(request, request.query.get("user_id"))
    assert listener.user_id is not None
    _supervision(request).stop_monitoring(acc, call.call_id, listener.user_id)
    return web.json_response(
        {"call_id": call.call_id, "user_id": listener.user_id, "monitoring": False}
    )


def _supervision(request: web.Request) -> CallSupervision:
    supervision = request.app.get(CALL_SUPERVISION)
    if supervision is None:
        raise ApiError(503, "unavailable", "this server has no telephony edge")
    return supervision


def _listener(request: web.Request, named: str | None) -> Principal:
    """Who listens: the user of the token, or the user the account's key names."""
    who = principal(request)
    if who.user_id is not None:
        if named is not None and named != who.user_id:
            raise ApiError(400, "invalid", "user_id: a user listens for herself only", "user_id")
        return who
    if named is None:
        raise ApiError(400, "invalid", "user_id: is required with the account's key", "user_id")
    cc, acc = center(request), account_id(request)
    user = cc.get_user(acc, named)
    custom = cc.store.custom_role(acc, user.custom_role) if user.custom_role else None
    teams = cc.store.user_team_ids(acc, user.id)
    return user_principal(acc, user.id, user.role, teams, custom)


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_post("/calls/{call_id}/end", end_call)
    router.add_post("/calls/{call_id}/monitor", start_monitoring)
    router.add_delete("/calls/{call_id}/monitor", stop_monitoring)
    router.add_get("/dashboard/monitoring.js", monitoring_script)
