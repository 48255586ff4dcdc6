"""Routes for supervisors acting on live sessions: ``POST /calls/{call_id}/end`` (CC-END-1, 2),
and the dashboard's monitoring pages (Calls > Queued, Calls > Connected) as a script."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from ..domain import supervision as rules
from ..domain.permissions import Permission
from ..telephony.supervision import CallSupervision
from . import body
from .context import access, account_id, center, principal, requires
from .errors import ApiError
from .shapes import call_shape

SCRIPT = Path(__file__).resolve().parent.parent / "web" / "dashboard_monitoring.js"
CALL_SUPERVISION: web.AppKey[CallSupervision] = web.AppKey("call_supervision", CallSupervision)


@access("public")
async def monitoring_script(request: web.Request) -> web.Response:
    """GET /dashboard/monitoring.js -> the dashboard's monitoring pages (plain JavaScript)."""
    return web.Response(
        text=SCRIPT.read_text(encoding="utf-8"), content_type="application/javascript"
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
    supervision = request.app.get(CALL_SUPERVISION)
    if supervision is None:
        raise ApiError(503, "unavailable", "this server has no telephony edge")
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


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_post("/calls/{call_id}/end", end_call)
    router.add_get("/dashboard/monitoring.js", monitoring_script)
