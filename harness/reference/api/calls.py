"""Routes for the call log, the account clock, injected faults and the event stream."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import WSCloseCode, web

from ..clock import iso_utc
from ..domain.permissions import Permission
from ..events import EventsLost
from . import body
from .context import account_id, center, requires, websocket
from .errors import bad_field
from .shapes import call_shape


@requires(Permission.CALLS_READ)
async def list_calls(request: web.Request) -> web.Response:
    """GET /calls[?number_id=] -> newest first."""
    number_id = request.query.get("number_id")
    found = center(request).list_calls(account_id(request), number_id)
    return web.json_response({"calls": [call_shape(c) for c in found]})


@requires(Permission.CALLS_READ)
async def get_call(request: web.Request) -> web.Response:
    """GET /calls/{call_id}."""
    call = center(request).get_call(account_id(request), request.match_info["call_id"])
    return web.json_response(call_shape(call))


@requires(Permission.CLOCK_READ)
async def get_clock(request: web.Request) -> web.Response:
    """GET /clock -> {now, frozen}."""
    return _clock_response(request)


@requires(Permission.CLOCK_WRITE)
async def put_clock(request: web.Request) -> web.Response:
    """PUT /clock {now: ISO-8601 with offset, frozen?: bool}."""
    data = await body.json_object(request, allowed=("now", "frozen"))
    now = body.text(data, "now")
    center(request).set_clock(account_id(request), now, frozen=body.optional_bool(data, "frozen"))
    return _clock_response(request)


@requires(Permission.CLOCK_WRITE)
async def advance_clock(request: web.Request) -> web.Response:
    """POST /clock/advance {seconds}."""
    data = await body.json_object(request, allowed=("seconds",))
    center(request).advance_clock(account_id(request), body.number(data, "seconds"))
    return _clock_response(request)


@requires(Permission.FAULTS_INJECT)
async def assignment_out_of_sync(request: web.Request) -> web.Response:
    """POST /faults/assignment-out-of-sync {user_id, number_id | team_id}."""
    data = await body.json_object(request, allowed=("user_id", "number_id", "team_id"))
    user_id = body.text(data, "user_id")
    number_id = body.optional_text(data, "number_id")
    team_id = body.optional_text(data, "team_id")
    center(request).desynchronise(
        account_id(request), user_id, number_id=number_id, team_id=team_id
    )
    scope = {"number_id": number_id} if number_id is not None else {"team_id": team_id}
    return web.json_response({"user_id": user_id, **scope, "in_sync": False})


@requires(Permission.FAULTS_INJECT)
async def ignore_hangups(request: web.Request) -> web.Response:
    """POST /faults/ignore-hangups {ignored: bool}: drop the callers' BYEs (H-REL-2)."""
    data = await body.json_object(request, allowed=("ignored",))
    ignored = body.optional_bool(data, "ignored")
    if ignored is None:
        raise bad_field("ignored", "is required: true or false")
    center(request).ignore_hangups(account_id(request), ignored)
    return web.json_response({"ignored": ignored})


@websocket
@requires(Permission.EVENTS_READ)
async def events(request: web.Request) -> web.WebSocketResponse:
    """GET /events: the account's events as JSON text messages, in order, from now on."""
    # Subscribe before the handshake completes, so that a client that has seen the connection
    # open and then acts cannot miss the events its action causes.
    subscription = center(request).bus.subscribe(account_id(request))
    socket = web.WebSocketResponse(heartbeat=30.0)
    reader: asyncio.Task[None] | None = None
    try:
        await socket.prepare(request)
        reader = asyncio.create_task(_read_until_closed(socket, subscription.close))
        while True:
            await socket.send_json(await subscription.get())
    except EventsLost:
        reason = subscription.closed_reason
        if reason != "closed" and not socket.closed:
            code = (
                WSCloseCode.GOING_AWAY
                if reason == "account deleted"
                else WSCloseCode.TRY_AGAIN_LATER
            )
            await socket.close(code=code, message=str(reason).encode())
    except ConnectionResetError:
        pass  # the client went away between two events; nothing left to deliver
    finally:
        subscription.close()
        if reader is not None:
            reader.cancel()
    return socket


async def _read_until_closed(socket: web.WebSocketResponse, on_close: Callable[[], None]) -> None:
    # Client messages carry nothing; reading them is how a close from the client is seen.
    async for _message in socket:
        pass
    on_close()


def _clock_response(request: web.Request) -> web.Response:
    cc, acc = center(request), account_id(request)
    return web.json_response({"now": iso_utc(cc.clock.now(acc)), "frozen": cc.clock.is_frozen(acc)})


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/calls", list_calls)
    router.add_get("/calls/{call_id}", get_call)
    router.add_get("/clock", get_clock)
    router.add_put("/clock", put_clock)
    router.add_post("/clock/advance", advance_clock)
    router.add_post("/faults/assignment-out-of-sync", assignment_out_of_sync)
    router.add_post("/faults/ignore-hangups", ignore_hangups)
    router.add_get("/events", events)
