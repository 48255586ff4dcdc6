"""The consumer side of the reference on the API application (SMS, SDK sessions, chat)."""

from __future__ import annotations

from aiohttp import web

from ..consumers.services import Consumers
from .context import CENTER

CONSUMERS: web.AppKey[Consumers] = web.AppKey("consumers", Consumers)


def install(app: web.Application) -> None:
    """Build the consumer side for the app's contact center; closed with the application."""
    app[CONSUMERS] = Consumers(app[CENTER])

    async def close(app: web.Application) -> None:
        await app[CONSUMERS].close()

    app.on_cleanup.append(close)


def consumers(request: web.Request) -> Consumers:
    """The consumer side of the contact center this application serves."""
    return request.app[CONSUMERS]
