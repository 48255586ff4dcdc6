"""Routes for blind transfers of answered calls (AC-IN-7): ``POST /calls/{call_id}/transfer``,
the agents a call can go to, and the agent app's transfer and keypad script."""

from __future__ import annotations

from aiohttp import web

from ..domain.permissions import Permission
from ..telephony.transfer import CallTransfers
from . import body
from .context import account_id, center, principal, requires
from .errors import ApiError
from .shapes import call_shape
from .web_files import web_file

CALL_TRANSFERS: web.AppKey[CallTransfers] = web.AppKey("call_transfers", CallTransfers)


transfer_script = web_file(
    "agent_app_transfer.js",
    "GET /app/transfer.js -> the agent app's Transfer and Keypad panels (plain JavaScript).",
)


@requires(Permission.CALLS_TRANSFER)
async def transfer_agents(request: web.Request) -> web.Response:
    """GET /transfers/agents -> the account's users a call can be transferred to, by name (the
    user asking is left out: no transfer to oneself)."""
    me = principal(request).user_id
    users = sorted(center(request).list_users(account_id(request)), key=lambda u: u.name)
    agents = [{"id": u.id, "name": u.name} for u in users if u.id != me]
    return web.json_response({"agents": agents})


@requires(Permission.CALLS_TRANSFER)
async def transfer_call(request: web.Request) -> web.Response:
    """POST /calls/{call_id}/transfer {to_user_id | to_queue_id, by_user_id?} -> the call.

    The agent on the call hands it to another agent; the transferring user is the one whose
    token made the request (the account's key acts for ``by_user_id``, by default the agent on
    the call). Refused naming the problem, with nothing changed: a call that is not answered,
    a user who is not on it, a transfer to oneself, an unknown user, a target nobody can ring.
    """
    cc, acc = center(request), account_id(request)
    call = cc.get_call(acc, request.match_info["call_id"])  # another account's: not found
    data = await body.json_object(request, allowed=("to_user_id", "to_queue_id", "by_user_id"))
    to_user_id = body.optional_text(data, "to_user_id")
    to_queue_id = body.optional_text(data, "to_queue_id")
    by_user_id = (
        principal(request).user_id or body.optional_text(data, "by_user_id") or call.agent_id
    )
    if by_user_id is None:
        raise ApiError(409, "illegal_transition", "the call has no agent on it to transfer it")
    transfers = request.app.get(CALL_TRANSFERS)
    if transfers is None:
        raise ApiError(503, "unavailable", "this server has no telephony edge")
    transfers.transfer(
        acc, call.call_id, by_user_id, to_user_id=to_user_id, to_queue_id=to_queue_id
    )
    return web.json_response(call_shape(cc.get_call(acc, call.call_id)))


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_post("/calls/{call_id}/transfer", transfer_call)
    router.add_get("/transfers/agents", transfer_agents)
    router.add_get("/app/transfer.js", transfer_script)
