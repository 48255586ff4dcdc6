"""Routes for blind transfers of answered calls (AC-IN-7): ``POST /calls/{call_id}/transfer``."""

from __future__ import annotations

from aiohttp import web

from ..domain.permissions import Permission
from ..telephony.transfer import CallTransfers
from . import body
from .context import account_id, center, principal, requires
from .errors import ApiError
from .shapes import call_shape

CALL_TRANSFERS: web.AppKey[CallTransfers] = web.AppKey("call_transfers", CallTransfers)


@requires(Permission.CALLS_TRANSFER)
async def transfer_call(request: web.Request) -> web.Response:
    """POST /calls/{call_id}/transfer {to_user_id, by_user_id?} -> the call, transferring.

    The agent on the call hands it to another agent; the transferring user is the one whose
    token made the request (the account's key acts for ``by_user_id``, by default the agent on
    the call). Refused naming the problem, with nothing changed: a call that is not answered,
    a user who is not on it, a transfer to oneself, an unknown user, a target nobody can ring.
    """
    cc, acc = center(request), account_id(request)
    call = cc.get_call(acc, request.match_info["call_id"])  # another account's: not found
    data = await body.json_object(request, allowed=("to_user_id", "by_user_id"))
    target_id = body.text(data, "to_user_id")
    by_user_id = (
        principal(request).user_id or body.optional_text(data, "by_user_id") or call.agent_id
    )
    if by_user_id is None:
        raise ApiError(409, "illegal_transition", "the call has no agent on it to transfer it")
    transfers = request.app.get(CALL_TRANSFERS)
    if transfers is None:
        raise ApiError(503, "unavailable", "this server has no telephony edge")
    transfers.transfer(acc, call.call_id, by_user_id, target_id)
    return web.json_response(call_shape(cc.get_call(acc, call.call_id)))


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_post("/calls/{call_id}/transfer", transfer_call)
