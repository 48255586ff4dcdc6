"""The desktop app's detached call toolbar (AC-IN-13): its window's page and the main window's
script that opens it and carries out what it asks."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from .context import access

WEB = Path(__file__).resolve().parent.parent / "web"
PAGE = WEB / "agent_toolbar.html"
SCRIPT = WEB / "agent_app_detached.js"


@access("public")
async def toolbar_page(request: web.Request) -> web.Response:
    """GET /app/toolbar -> the detached toolbar window (it holds no session: the app's main
    window, its opener, does everything it asks)."""
    return web.Response(text=PAGE.read_text(encoding="utf-8"), content_type="text/html")


@access("public")
async def detached_script(request: web.Request) -> web.Response:
    """GET /app/detached.js -> the agent app's side of the detached toolbar (plain JavaScript)."""
    return web.Response(
        text=SCRIPT.read_text(encoding="utf-8"), content_type="application/javascript"
    )


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/app/toolbar", toolbar_page)
    router.add_get("/app/detached.js", detached_script)
