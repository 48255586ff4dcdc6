"""The HTTP + WebSocket API of the reference: a thin translator into :class:`ContactCenter`."""

from __future__ import annotations

import hmac
import re

from aiohttp import web

import harness

from ..access import AccessControl, Unauthenticated
from ..crm_recordings import install as install_crm_recordings
from ..domain.accounts import Account
from ..domain.errors import DomainError
from ..domain.permissions import OPERATOR, Permission, Principal
from ..service import ContactCenter
from . import (
    access_routes,
    agent_app,
    agent_socket,
    agent_toolbar,
    app_outbound,
    calls,
    chat_monitoring,
    chat_tones,
    consumer_context,
    consumer_identity,
    conversations,
    crm,
    dashboard,
    directory,
    end_users,
    numbers,
    plans,
    routing,
    sdk,
    sms,
    ticket_requesters,
    tickets,
    transfers,
    voicemails,
)
from . import call_out as call_out_routes
from . import crm_recordings as crm_recording_routes
from . import notifications as notification_routes
from . import smart_actions as smart_action_routes
from . import supervision as supervision_routes
from .body import MAX_BODY_BYTES
from .context import (
    ACCESS,
    ACCOUNT,
    ADMIN_TOKEN,
    CENTER,
    PRINCIPAL,
    Handler,
    access,
    route_permission,
)
from .errors import ApiError, domain_status, error_response
from .guards import check_path_parameters

SERVER_NAME = "callproof-reference"
# RFC 6750 §2.1 b64token: what a bearer token may contain.
TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


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
    """Check the bearer token (RFC 6750) and the route's permission before the handler runs."""
    permission = route_permission(request.match_info.handler)
    if permission is Permission.PUBLIC or request.match_info.http_exception is not None:
        return await handler(request)
    token = _bearer(request)
    if token is None:
        raise ApiError(401, "unauthorized", "a bearer token is required")
    if not TOKEN68.fullmatch(token):
        raise ApiError(401, "unauthorized", "malformed token")
    if hmac.compare_digest(token.encode(), request.app[ADMIN_TOKEN].encode()):
        who = OPERATOR
    else:
        try:
            who = request.app[ACCESS].principal(token)
        except Unauthenticated as refusal:
            raise ApiError(401, "unauthorized", str(refusal)) from None
    if not who.allows(permission):
        raise ApiError(403, "forbidden", _refusal(who, permission))
    request[PRINCIPAL] = who
    if who.account_id is not None:
        request[ACCOUNT] = Account(who.account_id, "")
    return await handler(request)


def _refusal(who: Principal, permission: Permission) -> str:
    if permission is Permission.ACCOUNTS_MANAGE:
        return "this needs the operator's admin token"
    if who.account_id is None:
        return "the admin token does not act for an account"
    return f"the {who.role} role lacks the permission {permission.value}"


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # RFC 6750 §2.3: browsers cannot set headers on a WebSocket handshake.
    if request.path == "/events" or request.path in agent_socket.SOCKET_PATHS:
        return request.query.get("access_token") or None
    return None


def build_app(center: ContactCenter, admin_token: str) -> web.Application:
    """The API application for ``center``; ``admin_token`` guards account management."""
    if not admin_token:
        raise ValueError("admin_token must not be empty")
    app = web.Application(
        middlewares=[errors_as_json, authenticate, check_path_parameters],
        client_max_size=MAX_BODY_BYTES,
    )
    app[CENTER] = center
    app[ADMIN_TOKEN] = admin_token
    app[ACCESS] = AccessControl(center)
    app.router.add_get("/health", health)
    directory.add_routes(app.router)
    numbers.add_routes(app.router)
    calls.add_routes(app.router)
    access_routes.add_routes(app.router)
    agent_app.add_routes(app.router)
    tickets.add_routes(app.router)
    ticket_requesters.add_routes(app.router)
    routing.add_routes(app.router)
    voicemails.add_routes(app.router)
    end_users.add_routes(app.router)
    consumer_context.install(app)
    sms.add_routes(app.router)
    sdk.add_routes(app.router)
    dashboard.add_routes(app.router)
    agent_socket.add_routes(app.router)
    plans.add_routes(app.router)
    conversations.add_routes(app.router)
    crm.add_routes(app.router)
    transfers.add_routes(app.router)
    agent_toolbar.add_routes(app.router)
    app_outbound.add_routes(app.router)
    consumer_identity.add_routes(app.router)
    call_out_routes.add_routes(app.router)
    crm_recording_routes.add_routes(app.router)
    install_crm_recordings(app, center)
    supervision_routes.add_routes(app.router)
    notification_routes.add_routes(app.router)
    smart_action_routes.add_routes(app.router)
    chat_monitoring.add_routes(app.router)
    chat_tones.add_routes(app.router)
    return app
