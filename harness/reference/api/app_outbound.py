"""The agent app's outbound calls script (ZT-TKT-2, 7): the dialer and a ticket's Call button.

The calls themselves are placed over the app's call channel (``GET /me/calls``, see
:mod:`harness.reference.telephony.app_outbound`); this module only serves the script.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from .context import access

SCRIPT = Path(__file__).resolve().parent.parent / "web" / "agent_app_outbound.js"


@access("public")
async def outbound_script(request: web.Request) -> web.Response:
    """GET /app/outbound.js -> the agent app's "New call" dialer and ticket panel (JavaScript)."""
    return web.Response(
        text=SCRIPT.read_text(encoding="utf-8"), content_type="application/javascript"
    )


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/app/outbound.js", outbound_script)
