"""The desktop app's detached call toolbar (AC-IN-13): its window's page and the main window's
script that opens it and carries out what it asks."""

from __future__ import annotations

from aiohttp import web

from .web_files import web_file

toolbar_page = web_file(
    "agent_toolbar.html",
    "GET /app/toolbar -> the detached toolbar window (it holds no session: the app's main"
    " window, its opener, does everything it asks).",
)


detached_script = web_file(
    "agent_app_detached.js",
    "GET /app/detached.js -> the agent app's side of the detached toolbar (plain JavaScript).",
)


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/app/toolbar", toolbar_page)
    router.add_get("/app/detached.js", detached_script)
