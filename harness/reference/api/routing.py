"""Routes for routing: business hours, queues and IVR menus, deflection, messages, prompts.

A thin translator into :class:`~harness.reference.routing.Routing`; shapes are those of
:meth:`~harness.reference.domain.routing.RoutingConfig.to_json`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..clock import iso_utc
from ..domain.permissions import Permission
from ..domain.routing import parse_deflection, parse_members, parse_virtual_agent
from ..telephony.hold_audio import PROMPT_NAME as HOLD_AUDIO
from ..telephony.hold_audio import hold_melody
from ..telephony.prompts import wav_bytes
from . import body
from .context import account_id, center, requires
from .errors import bad_field


@requires(Permission.ROUTING_READ)
async def get_routing(request: web.Request) -> web.Response:
    """GET /routing -> hours, queues, entries, call and chat settings, messages."""
    config = center(request).routing.config(account_id(request))
    return web.json_response(config.to_json())


@requires(Permission.ROUTING_WRITE)
async def put_hours(request: web.Request) -> web.Response:
    """PUT /routing/hours {scope: global|queue|channel|language, key?, hours: schedule|null}."""
    data = await body.json_object(request, allowed=("scope", "key", "hours"))
    if "hours" not in data:
        raise bad_field("hours", "is required (a schedule, or null to remove one)")
    config = center(request).routing.set_hours(
        account_id(request),
        body.text(data, "scope"),
        body.optional_text(data, "key"),
        data["hours"],
    )
    return web.json_response(config.hours.to_json())


@requires(Permission.ROUTING_READ)
async def get_open(request: web.Request) -> web.Response:
    """GET /routing/open?queue_id=&channel=&language= -> {open, source, at}."""
    routing = center(request).routing
    acc = account_id(request)
    now = routing.now(acc)
    is_open, source = routing.is_open(
        acc,
        queue_id=request.query.get("queue_id"),
        channel=request.query.get("channel", "ivr"),
        language=request.query.get("language"),
        at=now,
    )
    return web.json_response({"open": is_open, "source": source, "at": iso_utc(now)})


@requires(Permission.ROUTING_WRITE)
async def create_queue(request: web.Request) -> web.Response:
    """POST /routing/queues {name, parent_id?, digit?, prompt?, members?, ring_time?,
    virtual_agent?} -> 201 queue."""
    data = await body.json_object(
        request,
        allowed=("name", "parent_id", "digit", "prompt", "members", "ring_time", "virtual_agent"),
    )
    queue = center(request).routing.create_queue(
        account_id(request),
        body.text(data, "name"),
        parent_id=body.optional_text(data, "parent_id"),
        digit=body.optional_text(data, "digit"),
        prompt=body.optional_text(data, "prompt"),
        members=parse_members(body.array(data, "members", default=[])),
        ring_time_s=body.integer(data, "ring_time", default=20),
        virtual_agent=parse_virtual_agent(data.get("virtual_agent", "none")),
    )
    return web.json_response(queue.to_json(), status=201)


@requires(Permission.ROUTING_WRITE)
async def patch_queue(request: web.Request) -> web.Response:
    """PATCH /routing/queues/{id} {name?, prompt?, members?, ring_time?, virtual_agent?,
    deflection_enabled?}."""
    data = await body.json_object(
        request,
        allowed=("name", "prompt", "members", "ring_time", "virtual_agent", "deflection_enabled"),
    )
    changes: dict[str, Any] = {}
    if "name" in data:
        changes["name"] = body.text(data, "name")
    if "prompt" in data:
        changes["prompt"] = body.optional_text(data, "prompt")
    if "members" in data:
        changes["members"] = parse_members(body.array(data, "members"))
    if "ring_time" in data:
        changes["ring_time_s"] = body.integer(data, "ring_time", default=20)
    if "virtual_agent" in data:
        changes["virtual_agent"] = parse_virtual_agent(data["virtual_agent"])
    if "deflection_enabled" in data:
        enabled = body.optional_bool(data, "deflection_enabled")
        if enabled is None:
            raise bad_field("deflection_enabled", "must be true or false")
        changes["deflection_enabled"] = enabled
    queue = center(request).routing.update_queue(
        account_id(request), request.match_info["id"], **changes
    )
    return web.json_response(queue.to_json())


@requires(Permission.ROUTING_WRITE)
async def delete_queue(request: web.Request) -> web.Response:
    """DELETE /routing/queues/{id}."""
    center(request).routing.delete_queue(account_id(request), request.match_info["id"])
    return web.Response(status=204)


@requires(Permission.ROUTING_WRITE)
async def put_override(request: web.Request) -> web.Response:
    """PUT /routing/queues/{id}/overrides/{channel} {deflection: {option, ...} | null}."""
    data = await body.json_object(request, allowed=("deflection",))
    if "deflection" not in data:
        raise bad_field("deflection", "is required (an option, or null to remove the override)")
    raw = data["deflection"]
    deflection = None if raw is None else parse_deflection(raw, "deflection")
    queue = center(request).routing.set_override(
        account_id(request), request.match_info["id"], request.match_info["channel"], deflection
    )
    return web.json_response(queue.to_json())


@requires(Permission.ROUTING_WRITE)
async def put_entry(request: web.Request) -> web.Response:
    """PUT /routing/entries/{number_id} {queue_id | null}: the number's root queue."""
    data = await body.json_object(request, allowed=("queue_id",))
    config = center(request).routing.set_entry(
        account_id(request), request.match_info["number_id"], body.optional_text(data, "queue_id")
    )
    return web.json_response({"entries": dict(config.entries)})


@requires(Permission.ROUTING_WRITE)
async def put_settings(request: web.Request) -> web.Response:
    """PUT /routing/settings/{family} (calls or chats) {deflection_enabled, deflection?,
    allow_after_hours_transfers?}."""
    data = await body.json_object(
        request, allowed=("deflection_enabled", "deflection", "allow_after_hours_transfers")
    )
    enabled = body.optional_bool(data, "deflection_enabled")
    if enabled is None:
        raise bad_field("deflection_enabled", "is required: true or false")
    raw = data.get("deflection")
    settings = center(request).routing.set_channel_settings(
        account_id(request),
        request.match_info["family"],
        deflection_enabled=enabled,
        deflection=None if raw is None else parse_deflection(raw, "deflection"),
        allow_after_hours_transfers=bool(body.optional_bool(data, "allow_after_hours_transfers")),
    )
    return web.json_response(settings.to_json())


@requires(Permission.ROUTING_WRITE)
async def put_messages(request: web.Request) -> web.Response:
    """PUT /routing/messages {after_hours?, voicemail_greeting?, ...}: the texts to change."""
    data = await body.json_object(request)
    config = center(request).routing.set_messages(account_id(request), data)
    return web.json_response(config.messages.to_json())


@requires(Permission.ROUTING_READ)
async def get_transfer_targets(request: web.Request) -> web.Response:
    """GET /routing/transfer-targets?family=calls|chats -> the queues an agent may transfer to
    now, each with why (CC-AH-3, CC-AH-12)."""
    family = request.query.get("family", "calls")
    targets = center(request).routing.transfer_targets(account_id(request), family)
    queues = [{"id": t.queue.id, "name": t.queue.name, "reason": t.reason} for t in targets]
    return web.json_response({"family": family, "queues": queues})


@requires(Permission.ROUTING_WRITE)
async def put_carrier(request: web.Request) -> web.Response:
    """PUT /routing/carrier {host, port}: where calls to outside numbers go (loopback only)."""
    data = await body.json_object(request, allowed=("host", "port"))
    config = center(request).routing.set_carrier(
        account_id(request), body.text(data, "host"), data.get("port")
    )
    return web.json_response({"carrier": config.carrier})


@requires(Permission.ROUTING_READ)
async def get_prompt(request: web.Request) -> web.Response:
    """GET /routing/prompts/{name} -> the prompt as the IVR plays it (WAV, 8 kHz mono).

    Names: ``menu-<queue id>``, ``message-<message>``, ``override-<queue id>``,
    ``deflection-calls``, and ``hold`` (the hold audio of lines that play it).
    """
    if request.match_info["name"] == HOLD_AUDIO:
        return web.Response(body=wav_bytes(hold_melody()), content_type="audio/wav")
    routing = center(request).routing
    text = routing.prompt_text(account_id(request), request.match_info["name"])
    samples = await routing.prompts.arender(text)
    return web.Response(body=wav_bytes(samples), content_type="audio/wav")


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/routing", get_routing)
    router.add_put("/routing/hours", put_hours)
    router.add_get("/routing/open", get_open)
    router.add_post("/routing/queues", create_queue)
    router.add_patch("/routing/queues/{id}", patch_queue)
    router.add_delete("/routing/queues/{id}", delete_queue)
    router.add_put("/routing/queues/{id}/overrides/{channel}", put_override)
    router.add_put("/routing/entries/{number_id}", put_entry)
    router.add_put("/routing/settings/{family}", put_settings)
    router.add_put("/routing/messages", put_messages)
    router.add_get("/routing/prompts/{name}", get_prompt)
    router.add_put("/routing/carrier", put_carrier)
    router.add_get("/routing/transfer-targets", get_transfer_targets)
