"""The HTTP + WebSocket API of the reference: a thin translator into :class:`ContactCenter`."""

from __future__ import annotations

import hmac

from aiohttp import web

import harness

from ..domain.errors import DomainError
from ..service import ContactCenter
from . import calls, directory, numbers
from .context import ACCOUNT, ADMIN_TOKEN, CENTER, Handler, access
from .errors import ApiError, domain_status, error_response

SERVER_NAME = "callproof-reference"


@access("public")
async def health(request: web.Request) -> web.Response:
    """Liveness and version, for the adapter's start-up check."""
    return web.json_response({"name": SERVER_NAME, "version": harness.__version__})


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure leaves as a JSON error body with the matching status."""
    try:
        return await handler(request)
    except ApiError as error:
        return error_response(error.status, error.code, error.message, error.field)
    except DomainError as error:
        return error_response(domain_status(error), error.code, error.message, error.field)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        code = error.reason.lower().replace(" ", "_")
        return error_response(error.status, code, error.reason)


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Check the bearer token the route needs (RFC 6750) before the handler runs."""
    level = getattr(request.match_info.handler, "access", "account")
    if level == "public" or request.match_info.http_exception is not None:
        return await handler(request)
    token = _bearer(request)
    if token is None:
        raise ApiError(401, "unauthorized", "a bearer token is required")
    is_admin = hmac.compare_digest(token.encode(), request.app[ADMIN_TOKEN].encode())
    if level == "admin":
        if is_admin:
            return await handler(request)
        if request.app[CENTER].account_for_token(token) is not None:
            raise ApiError(403, "forbidden", "this needs the admin token")
        raise ApiError(401, "unauthorized", "invalid token")
    if is_admin:
        raise ApiError(403, "forbidden", "the admin token does not act for an account")
    account = request.app[CENTER].account_for_token(token)
    if account is None:
        raise ApiError(401, "unauthorized", "invalid token")
    request[ACCOUNT] = account
    return await handler(request)


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # RFC 6750 §2.3: browsers cannot set headers on a WebSocket handshake.
    if request.path == "/events":
        return request.query.get("access_token") or None
    return None


def build_app(center: ContactCenter, admin_token: str) -> web.Application:
    """The API application for ``center``; ``admin_token`` guards account management."""
    if not admin_token:
        raise ValueError("admin_token must not be empty")
    app = web.Application(middlewares=[errors_as_json, authenticate])
    app[CENTER] = center
    app[ADMIN_TOKEN] = admin_token
    app.router.add_get("/health", health)
    directory.add_routes(app.router)
    numbers.add_routes(app.router)
    calls.add_routes(app.router)
    return app
