"""Routes for tickets made from calls (read, comment, change), outbound calls agents place,
and the account's Talk settings."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from ..clock import iso_utc
from ..domain.permissions import Permission
from ..domain.talk import LineSettings, RecordingsForbidden
from ..domain.tickets import Comment, Ticket, TicketCall
from ..store_tickets import StoredRecording
from . import body
from .call_out import placed_outbound, refused_outbound
from .context import account_id, center, principal, requires
from .crm_recordings import refuse_retained
from .errors import ApiError

JSON = dict[str, Any]
PROPERTIES = ("status", "priority", "subject")
TALK_SETTINGS = ("carrier", "recording", "recordings_playable", "smtp", "notify_email")


@requires(Permission.TICKETS_READ)
async def list_tickets(request: web.Request) -> web.Response:
    """GET /tickets[?call_id=] -> newest first; with call_id, the ticket holding that call."""
    found = center(request).tickets.list(account_id(request), call_id=request.query.get("call_id"))
    return web.json_response({"tickets": [ticket_shape(t) for t in found]})


@requires(Permission.TICKETS_READ)
async def get_ticket(request: web.Request) -> web.Response:
    """GET /tickets/{ticket_id}."""
    ticket = center(request).tickets.get(account_id(request), request.match_info["ticket_id"])
    return web.json_response(ticket_shape(ticket))


@requires(Permission.TICKETS_WRITE)
async def update_ticket(request: web.Request) -> web.Response:
    """PUT /tickets/{ticket_id} {status?, priority?, subject?} -> the ticket."""
    data = await body.json_object(request, allowed=PROPERTIES)
    changes = {name: body.text(data, name) for name in PROPERTIES if name in data}
    ticket = center(request).tickets.update(
        account_id(request), request.match_info["ticket_id"], changes
    )
    return web.json_response(ticket_shape(ticket))


@requires(Permission.TICKETS_WRITE)
async def add_comment(request: web.Request) -> web.Response:
    """POST /tickets/{ticket_id}/comments {body, public?, author_id?} -> 201 comment.

    The author is the user whose token made the request; the account's key names one with
    ``author_id``, or writes as "API".
    """
    data = await body.json_object(request, allowed=("body", "public", "author_id"))
    text = body.text(data, "body")
    public = body.optional_bool(data, "public") or False
    cc, acc = center(request), account_id(request)
    author_id = principal(request).user_id or body.optional_text(data, "author_id")
    author_name = "API"
    if author_id is not None:
        author_name = cc.get_user(acc, author_id).name
    comment = cc.tickets.comment(
        acc,
        request.match_info["ticket_id"],
        author_id=author_id,
        author_name=author_name,
        body=text,
        public=public,
    )
    return web.json_response(comment_shape(comment), status=201)


@requires(Permission.CALLS_PLACE)
async def place_call(request: web.Request) -> web.Response:
    """POST /calls/outbound {to, number_id, ticket_id?, ring_time?, agent_id?, mode?} -> 201.

    The agent is the user whose token made the request (the account's key names one with
    ``agent_id``). With ``ticket_id`` the call is placed from that ticket: no new ticket, its
    details go to that one; a ticket that does not exist is refused and nothing is dialled.
    The hotline's call-out rules (SG-ERR) refuse with their error code and a Call ID.
    """
    data = await body.json_object(
        request, allowed=("to", "number_id", "ticket_id", "ring_time", "agent_id", "mode")
    )
    to = body.text(data, "to")
    number_id = body.text(data, "number_id")
    ticket_id = body.optional_text(data, "ticket_id")
    ring_time = body.integer(data, "ring_time", default=30)
    cc, acc = center(request), account_id(request)
    agent_id = principal(request).user_id or body.text(data, "agent_id")
    agent = cc.get_user(acc, agent_id)
    mode, refused = await refused_outbound(
        request,
        agent_id=agent.id,
        number_id=number_id,
        to=to,
        ticket_id=ticket_id,
        mode_value=data.get("mode"),
    )
    if refused is not None:
        return refused
    number = cc.get_number(acc, number_id)
    call = cc.tickets.place_outbound(
        acc,
        agent_id=agent.id,
        agent_name=agent.name,
        agent_contacts=cc.registered_contacts(agent.id),
        line=number.e164,
        to=to,
        ticket_id=ticket_id,
        ring_time_s=ring_time,
        mode=mode.value,
    )
    placed_outbound(request, call.call_id, agent.id, number.id, call.to, mode)
    return web.json_response(
        {
            "call_id": call.call_id,
            "direction": "outbound",
            "from": call.line,
            "to": call.to,
            "agent_id": call.agent_id,
            "ticket_id": call.from_ticket,
        },
        status=201,
    )


@requires(Permission.ADMINISTER)
async def get_talk_settings(request: web.Request) -> web.Response:
    """GET /talk/settings."""
    settings = center(request).tickets.settings(account_id(request))
    return web.json_response(json.loads(settings.to_json()))


@requires(Permission.ADMINISTER)
async def put_talk_settings(request: web.Request) -> web.Response:
    """PUT /talk/settings {carrier?, recording?, recordings_playable?, smtp?, notify_email?}."""
    data = await body.json_object(request, allowed=TALK_SETTINGS)
    settings = center(request).tickets.update_settings(account_id(request), data)
    return web.json_response(json.loads(settings.to_json()))


@requires(Permission.TICKETS_READ)
async def list_recordings(request: web.Request) -> web.Response:
    """GET /tickets/{ticket_id}/recordings -> the ticket's recordings (deleted ones marked)."""
    found = center(request).tickets.recordings(account_id(request), request.match_info["ticket_id"])
    return web.json_response({"recordings": [recording_shape(r) for r in found]})


@requires(Permission.RECORDINGS_PLAY)
async def play_recording(request: web.Request) -> web.StreamResponse:
    """GET /recordings/{recording_id} -> audio/wav; 403 when the account forbids playing, or
    while the recording is retained for the CRM (CC-REC-5)."""
    refuse_retained(request, request.match_info["recording_id"])
    try:
        path = center(request).tickets.recording_audio(
            account_id(request), request.match_info["recording_id"]
        )
    except RecordingsForbidden as refusal:
        raise ApiError(403, refusal.code, refusal.message) from None
    return web.FileResponse(path, headers={"Content-Type": "audio/wav"})


@requires(Permission.RECORDINGS_DELETE)
async def delete_recording(request: web.Request) -> web.Response:
    """DELETE /tickets/{ticket_id}/recordings/{recording_id}; a second time is a 409."""
    center(request).tickets.delete_recording(
        account_id(request), request.match_info["ticket_id"], request.match_info["recording_id"]
    )
    return web.Response(status=204)


@requires(Permission.ADMINISTER)
async def get_line(request: web.Request) -> web.Response:
    """GET /talk/lines/{number_id} -> the line's ticket settings."""
    cc, acc = center(request), account_id(request)
    number = cc.get_number(acc, request.match_info["number_id"])
    return web.json_response(line_shape(number.id, cc.tickets.line(acc, number.id)))


@requires(Permission.ADMINISTER)
async def put_line(request: web.Request) -> web.Response:
    """PUT /talk/lines/{number_id} {omnichannel_routing?, abandoned_call_tickets?, hold_audio?}.

    Under omnichannel routing the abandoned-call setting is not available (400 naming it).
    """
    data = await body.json_object(
        request, allowed=("omnichannel_routing", "abandoned_call_tickets", "hold_audio")
    )
    cc, acc = center(request), account_id(request)
    number = cc.get_number(acc, request.match_info["number_id"])
    return web.json_response(line_shape(number.id, cc.tickets.update_line(acc, number.id, data)))


def line_shape(number_id: str, line: LineSettings) -> JSON:
    """A line's settings; the abandoned-call setting shows as not available (null) under
    omnichannel routing."""
    return {
        "number_id": number_id,
        "omnichannel_routing": line.omnichannel_routing,
        "abandoned_call_tickets": None if line.omnichannel_routing else line.abandoned_call_tickets,
        "hold_audio": line.hold_audio,
    }


def recording_shape(recording: StoredRecording) -> JSON:
    """A recording of a ticket: where to play it, and whether it was deleted."""
    return {
        "id": recording.id,
        "ticket_id": recording.ticket_id,
        "call_id": recording.call_id,
        "seconds": recording.seconds,
        "created_at": iso_utc(recording.created_at),
        "deleted": recording.deleted_at is not None,
        "url": f"/recordings/{recording.id}",
    }


def ticket_shape(ticket: Ticket) -> JSON:
    """A ticket with its calls and comments, as a help desk's API shows it."""
    return {
        "id": ticket.id,
        "subject": ticket.subject,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "requester": ticket.requester,
        "requester_id": ticket.requester_id,
        "shown_number": ticket.shown_number,
        "merged_into": ticket.merged_into,
        "created_at": iso_utc(ticket.created_at),
        "via": {"channel": "voice"},
        "calls": [call_shape(c) for c in ticket.calls],
        "comments": [comment_shape(c) for c in ticket.comments],
    }


def call_shape(call: TicketCall) -> JSON:
    """One call of a ticket: numbers, time, duration and its parts, who placed and answered."""
    times = call.times
    return {
        "call_id": call.call_id,
        "direction": call.direction.value,
        "from": call.from_number,
        "to": call.to_number,
        "started_at": iso_utc(call.started_at),
        "ended_at": iso_utc(call.ended_at) if call.ended_at else None,
        "duration_s": call.duration_s,
        "talk_s": times.talk_s if times else None,
        "hold_s": times.hold_s if times else None,
        "waited_s": times.waited_s if times else None,
        "transfer_s": times.transfer_s if times else None,
        "placed_by": call.placed_by,
        "answered_by": call.answered_by,
        "location": call.location,
        "voicemail_id": call.voicemail_id,
    }


def comment_shape(comment: Comment) -> JSON:
    """A comment, with the call that was live when it was made."""
    return {
        "id": comment.id,
        "author_id": comment.author_id,
        "author_name": comment.author_name,
        "body": comment.body,
        "public": comment.public,
        "created_at": iso_utc(comment.at),
        "during_call": comment.during_call,
    }


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/tickets", list_tickets)
    router.add_get("/tickets/{ticket_id}", get_ticket)
    router.add_put("/tickets/{ticket_id}", update_ticket)
    router.add_post("/tickets/{ticket_id}/comments", add_comment)
    router.add_get("/tickets/{ticket_id}/recordings", list_recordings)
    router.add_delete("/tickets/{ticket_id}/recordings/{recording_id}", delete_recording)
    router.add_get("/recordings/{recording_id}", play_recording)
    router.add_post("/calls/outbound", place_call)
    router.add_get("/talk/settings", get_talk_settings)
    router.add_put("/talk/settings", put_talk_settings)
    router.add_get("/talk/lines/{number_id}", get_line)
    router.add_put("/talk/lines/{number_id}", put_line)
