"""Routes of calling out from hotlines (SG-ERR), and the check ``POST /calls/outbound`` runs.

A refused outbound call answers ``{"error": {"code", "message", "call_id"}}`` with the code the
help-center article names (FROM_NUMBER_NOT_FOUND, ...) and the Call ID under which the failed
attempt is logged (``GET /call-out/attempts/{call_id}``), for support.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from aiohttp import web

from harness.evidence.capture import Datagram
from harness.evidence.pcap import write_pcap

from ..call_out import CallOut
from ..domain.call_out import REFUSAL_STATUS, CallMode, CallOutCode, Hotline, call_mode
from ..domain.distribution import validate_e164
from ..domain.errors import NotFound
from ..domain.permissions import Permission
from . import body
from .context import account_id, center, requires

HOTLINE = "/call-out/hotlines/{number_id}"


def call_out(request: web.Request) -> CallOut:
    """The call-out part of the request's contact center."""
    return CallOut(center(request))


async def refused_outbound(
    request: web.Request,
    *,
    agent_id: str,
    number_id: str,
    to: str,
    ticket_id: str | None,
    mode_value: object,
) -> tuple[CallMode, web.Response | None]:
    """The call's mode, and the error response when the call may not be placed.

    A bad number or a ticket that does not exist is refused as before (naming the field);
    the call-out rules come after.
    """
    mode = call_mode(mode_value)
    acc = account_id(request)
    callee = validate_e164(to, "to")
    if ticket_id is not None and center(request).store.get_ticket(acc, ticket_id) is None:
        raise NotFound("ticket", ticket_id, field="ticket_id")
    part = call_out(request)
    failed = await part.check(acc, agent_id=agent_id, number_id=number_id, to=callee, mode=mode)
    if failed is None:
        return mode, None
    assert failed.code is not None
    status = REFUSAL_STATUS[CallOutCode(failed.code)]
    error = {"code": failed.code, "message": failed.message, "call_id": failed.call_id}
    return mode, web.json_response({"error": error, "call_id": failed.call_id}, status=status)


def placed_outbound(
    request: web.Request, call_id: str, agent_id: str, number_id: str, to: str, mode: CallMode
) -> None:
    """Log the placed call, as a failed one is, under its Call ID."""
    call_out(request).placed(account_id(request), call_id, agent_id, number_id, to, mode)


@requires(Permission.NUMBERS_READ)
async def get_hotline(request: web.Request) -> web.Response:
    """GET /call-out/hotlines/{number_id} -> the hotline's call-out configuration."""
    found = call_out(request).hotline(account_id(request), request.match_info["number_id"])
    return web.json_response(found.to_json())


@requires(Permission.ADMINISTER)
async def put_hotline(request: web.Request) -> web.Response:
    """PUT /call-out/hotlines/{number_id} {allow_call_out?, all_groups?, groups?}: admins
    only (SG-ERR-4)."""
    data = await body.json_object(request, allowed=("allow_call_out", "all_groups", "groups"))
    updated: Hotline = call_out(request).update_hotline(
        account_id(request), request.match_info["number_id"], data
    )
    return web.json_response(updated.to_json())


@requires(Permission.ADMINISTER)
async def delete_hotline(request: web.Request) -> web.Response:
    """DELETE /call-out/hotlines/{number_id}: the hotline is deleted (on the portal)."""
    call_out(request).delete_hotline(account_id(request), request.match_info["number_id"])
    return web.Response(status=204)


@requires(Permission.NUMBERS_READ)
async def get_blacklist(request: web.Request) -> web.Response:
    """GET /call-out/blacklist -> {numbers}."""
    return web.json_response({"numbers": call_out(request).blacklist(account_id(request))})


@requires(Permission.ADMINISTER)
async def add_blacklisted(request: web.Request) -> web.Response:
    """POST /call-out/blacklist {number} -> 201 {numbers}."""
    data = await body.json_object(request, allowed=("number",))
    numbers = call_out(request).block(account_id(request), data.get("number"), True)
    return web.json_response({"numbers": numbers}, status=201)


@requires(Permission.ADMINISTER)
async def remove_blacklisted(request: web.Request) -> web.Response:
    """DELETE /call-out/blacklist/{digits}: the number (E.164 without its "+") may be called
    again."""
    number = "+" + request.match_info["digits"]
    call_out(request).block(account_id(request), number, False)
    return web.Response(status=204)


@requires(Permission.ADMINISTER)
async def get_settings(request: web.Request) -> web.Response:
    """GET /call-out/settings."""
    return web.json_response(call_out(request).settings(account_id(request)).to_json())


@requires(Permission.ADMINISTER)
async def put_settings(request: web.Request) -> web.Response:
    """PUT /call-out/settings {answer_url?, answer_timeout_s?, stuck_call_timeout_s?}."""
    allowed = ("answer_url", "answer_timeout_s", "stuck_call_timeout_s")
    data = await body.json_object(request, allowed=allowed)
    updated = call_out(request).update_settings(account_id(request), data)
    return web.json_response(updated.to_json())


@requires(Permission.CALLS_READ)
async def get_attempt(request: web.Request) -> web.Response:
    """GET /call-out/attempts/{call_id} -> the attempt: placed, or failed with its code."""
    found = call_out(request).attempt(account_id(request), request.match_info["call_id"])
    return web.json_response(found.to_json())


@requires(Permission.CALLS_READ)
async def get_capture(request: web.Request) -> web.Response:
    """GET /call-out/attempts/{call_id}/capture -> the call's SIP messages as a pcap file
    (SG-ERR-12), for the carrier."""
    messages = call_out(request).signalling(account_id(request), request.match_info["call_id"])
    return web.Response(
        body=pcap_bytes(Datagram(m.at, m.source, m.destination, m.data) for m in messages),
        content_type="application/vnd.tcpdump.pcap",
        headers={
            "Content-Disposition": f'attachment; filename="{request.match_info["call_id"]}.pcap"'
        },
    )


def pcap_bytes(datagrams: Iterable[Datagram]) -> bytes:
    """A classic pcap file (raw IP) of ``datagrams``, written by harness.evidence.pcap."""
    with tempfile.TemporaryDirectory(prefix="callproof-capture-") as folder:
        path = Path(folder) / "capture.pcap"
        write_pcap(path, datagrams)
        return path.read_bytes()


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get(HOTLINE, get_hotline)
    router.add_put(HOTLINE, put_hotline)
    router.add_delete(HOTLINE, delete_hotline)
    router.add_get("/call-out/blacklist", get_blacklist)
    router.add_post("/call-out/blacklist", add_blacklisted)
    router.add_delete("/call-out/blacklist/{digits}", remove_blacklisted)
    router.add_get("/call-out/settings", get_settings)
    router.add_put("/call-out/settings", put_settings)
    router.add_get("/call-out/attempts/{call_id}", get_attempt)
    router.add_get("/call-out/attempts/{call_id}/capture", get_capture)
