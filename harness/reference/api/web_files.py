"""The reference's own web files (the agent app's and the dashboard's scripts and pages), served
as they are on disk: no build step, and an edit shows on the next load."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from .context import Handler, access

WEB = Path(__file__).resolve().parent.parent / "web"
CONTENT_TYPES = {".html": "text/html", ".js": "application/javascript"}


def web_file(name: str, doc: str) -> Handler:
    """A public handler serving ``web/<name>``; ``doc`` is its docstring (the route table's
    description). A file that is not there fails when the module is imported, not on a request."""
    path = WEB / name
    if not path.is_file():
        raise FileNotFoundError(f"the reference's web file {path} is missing")
    content_type = CONTENT_TYPES[path.suffix]

    @access("public")
    async def serve(request: web.Request) -> web.Response:
        return web.Response(text=path.read_text(encoding="utf-8"), content_type=content_type)

    serve.__doc__ = doc
    serve.__name__ = serve.__qualname__ = f"web_file_{path.stem}"
    return serve
