"""Routes of agent notifications (CC-NTF): the whisper settings, the whisper's and the
countdown's audio as the agent hears them, and how long a call's customer waited."""

from __future__ import annotations

from aiohttp import web

from ..domain.notifications import IVR_CALL, PHONE_CALL
from ..domain.permissions import Permission
from ..notifications import Notifications
from ..telephony.prompts import wav_bytes
from . import body
from . import tones as tone_routes
from .context import account_id, center, requires


def notifications(request: web.Request) -> Notifications:
    """The notification part of the request's contact center."""
    return Notifications(center(request))


@requires(Permission.ROUTING_READ)
async def get_whisper(request: web.Request) -> web.Response:
    """GET /notifications/whisper -> {on, speed_wpm, countdown}."""
    return web.json_response(notifications(request).whisper(account_id(request)).to_json())


@requires(Permission.ROUTING_WRITE)
async def put_whisper(request: web.Request) -> web.Response:
    """PUT /notifications/whisper {on?, speed_wpm?, countdown?} -> the settings."""
    data = await body.json_object(request, allowed=("on", "speed_wpm", "countdown"))
    updated = notifications(request).update_whisper(account_id(request), data)
    return web.json_response(updated.to_json())


@requires(Permission.ROUTING_READ)
async def number_whisper_audio(request: web.Request) -> web.Response:
    """GET /notifications/whisper/numbers/{number_id}/audio -> the whisper (WAV, 8 kHz) an
    agent hears for a call dialled to that number: "Phone call from <number's name>"."""
    cc, acc = center(request), account_id(request)
    name = cc.get_number(acc, request.match_info["number_id"]).name
    samples = await notifications(request).whisper_audio(acc, PHONE_CALL, name)
    return web.Response(body=wav_bytes(samples), content_type="audio/wav")


@requires(Permission.ROUTING_READ)
async def queue_whisper_audio(request: web.Request) -> web.Response:
    """GET /notifications/whisper/queues/{queue_id}/audio -> the whisper (WAV, 8 kHz) an agent
    hears for a call that reached that queue through the IVR: the queue's own whisper, else
    "IVR call from <queue's name>"."""
    cc, acc = center(request), account_id(request)
    name = cc.routing.config(acc).queue(request.match_info["queue_id"]).name
    samples = await notifications(request).whisper_audio(
        acc, IVR_CALL, name, request.match_info["queue_id"]
    )
    return web.Response(body=wav_bytes(samples), content_type="audio/wav")


@requires(Permission.ROUTING_READ)
async def get_queue_whisper(request: web.Request) -> web.Response:
    """GET /notifications/whisper/queues/{queue_id} -> {own, message, text, speed_wpm,
    countdown, audio}: the queue's own whisper (``own`` false: the account's applies)."""
    found = notifications(request).queue_whisper(
        account_id(request), request.match_info["queue_id"]
    )
    return web.json_response({"own": False} if found is None else {"own": True, **found.to_json()})


@requires(Permission.ROUTING_WRITE)
async def put_queue_whisper(request: web.Request) -> web.Response:
    """PUT /notifications/whisper/queues/{queue_id} {message?: queue_name|text|audio, text?,
    speed_wpm?, countdown?} -> the queue's own whisper."""
    data = await body.json_object(request, allowed=("message", "text", "speed_wpm", "countdown"))
    updated = notifications(request).update_queue_whisper(
        account_id(request), request.match_info["queue_id"], data
    )
    return web.json_response({"own": True, **updated.to_json()})


@requires(Permission.ROUTING_WRITE)
async def put_queue_audio(request: web.Request) -> web.Response:
    """PUT /notifications/whisper/queues/{queue_id}/audio (body: a mono 16-bit WAV file) ->
    the queue's own whisper, which plays this recording from now on."""
    updated = notifications(request).upload_queue_audio(
        account_id(request), request.match_info["queue_id"], await request.read()
    )
    return web.json_response({"own": True, **updated.to_json()})


@requires(Permission.ROUTING_READ)
async def countdown_audio(request: web.Request) -> web.Response:
    """GET /notifications/countdown/audio -> the countdown (WAV, 8 kHz) at the account's speed."""
    samples = await notifications(request).countdown_audio(account_id(request))
    return web.Response(body=wav_bytes(samples), content_type="audio/wav")


@requires(Permission.CALLS_READ)
async def call_wait(request: web.Request) -> web.Response:
    """GET /calls/{call_id}/wait -> {wait_s, whisper_s, countdown_s, connected_at}: from the
    call's arrival until its customer was put through, the agent's prompts included."""
    wait = notifications(request).wait(account_id(request), request.match_info["call_id"])
    return web.json_response(wait)


@requires(Permission.USERS_READ)
async def get_agent_sms(request: web.Request) -> web.Response:
    """GET /users/{id}/notifications -> {sms, phone}: whether the user is told of each call
    offered to her by SMS, and her profile's phone number."""
    found = notifications(request).agent_sms(account_id(request), request.match_info["id"])
    return web.json_response(found.to_json())


@requires(Permission.USERS_WRITE)
async def put_agent_sms(request: web.Request) -> web.Response:
    """PUT /users/{id}/notifications {sms?, phone?} -> the setting (SMS needs a phone)."""
    data = await body.json_object(request, allowed=("sms", "phone"))
    updated = notifications(request).update_agent_sms(
        account_id(request), request.match_info["id"], data
    )
    return web.json_response(updated.to_json())


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes (and those of the tones)."""
    tone_routes.add_routes(router)
    router.add_get("/notifications/whisper", get_whisper)
    router.add_put("/notifications/whisper", put_whisper)
    router.add_get("/notifications/whisper/numbers/{number_id}/audio", number_whisper_audio)
    router.add_get("/notifications/whisper/queues/{queue_id}/audio", queue_whisper_audio)
    router.add_get("/notifications/countdown/audio", countdown_audio)
    router.add_get("/notifications/whisper/queues/{queue_id}", get_queue_whisper)
    router.add_put("/notifications/whisper/queues/{queue_id}", put_queue_whisper)
    router.add_put("/notifications/whisper/queues/{queue_id}/audio", put_queue_audio)
    router.add_get("/calls/{call_id}/wait", call_wait)
    router.add_get("/users/{id}/notifications", get_agent_sms)
    router.add_put("/users/{id}/notifications", put_agent_sms)
