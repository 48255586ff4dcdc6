"""The agent app's outbound calls script (ZT-TKT-2, 7): the dialer and a ticket's Call button.

The calls themselves are placed over the app's call channel (``GET /me/calls``, see
:mod:`harness.reference.telephony.app_outbound`); this module only serves the script.
"""

from __future__ import annotations

from aiohttp import web

from .web_files import web_file

outbound_script = web_file(
    "agent_app_outbound.js",
    "GET /app/outbound.js -> the agent app's New call dialer and ticket panel (JavaScript).",
)


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/app/outbound.js", outbound_script)
