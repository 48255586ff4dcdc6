"""The agent app: its page, and the routes it uses about the signed-in user (availability)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from ..domain.availability import DEFAULT_AVAILABILITY, parse_availability
from ..domain.permissions import Permission
from . import body
from .context import access, center, principal, requires
from .errors import ApiError

PAGE = Path(__file__).resolve().parent.parent / "web" / "agent_app.html"


@access("public")
async def agent_app(request: web.Request) -> web.Response:
    """GET /app -> the agent app (sign-in, then who is signed in and the availability switch)."""
    return web.Response(text=PAGE.read_text(encoding="utf-8"), content_type="text/html")


def _user_of(request: web.Request) -> tuple[str, str]:
    who = principal(request)
    if who.account_id is None or who.user_id is None:
        raise ApiError(403, "forbidden", "only a user's token has an availability")
    return who.account_id, who.user_id


def _shape(request: web.Request, account_id: str, user_id: str) -> dict[str, object]:
    user = center(request).get_user(account_id, user_id)
    stored = center(request).store.availability(account_id, user_id)
    return {
        "user_id": user.id,
        "name": user.name,
        "availability": stored or DEFAULT_AVAILABILITY.value,
    }


@requires(Permission.SELF)
async def my_availability(request: web.Request) -> web.Response:
    """GET /me/availability -> {user_id, name, availability} of the signed-in user."""
    account_id, user_id = _user_of(request)
    return web.json_response(_shape(request, account_id, user_id))


@requires(Permission.SELF)
async def set_my_availability(request: web.Request) -> web.Response:
    """PUT /me/availability {availability: available|away} -> the stored state."""
    account_id, user_id = _user_of(request)
    data = await body.json_object(request, allowed=("availability",))
    state = parse_availability(data.get("availability"))
    center(request).get_user(account_id, user_id)
    center(request).store.set_availability(account_id, user_id, state.value)
    return web.json_response(_shape(request, account_id, user_id))


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/app", agent_app)
    router.add_get("/me/availability", my_availability)
    router.add_put("/me/availability", set_my_availability)
