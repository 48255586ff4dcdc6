"""The dashboard: one page for admins and managers, plain JavaScript over the API.

The page needs no token to load (it holds no data); everything it shows comes from the API
routes it calls with the signed-in user's token, so the API's permissions are the dashboard's.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from .context import access

PAGE = Path(__file__).resolve().parent.parent / "web" / "dashboard.html"


@access("public")
async def dashboard(request: web.Request) -> web.Response:
    """GET /dashboard -> the dashboard (Numbers, Users & teams, Call log), after a sign-in."""
    return web.Response(text=PAGE.read_text(encoding="utf-8"), content_type="text/html")


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/dashboard", dashboard)
