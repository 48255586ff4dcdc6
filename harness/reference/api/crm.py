"""The account's CRM for the insight card (AC-IN-5): ``GET``/``PUT /crm/settings``."""

from __future__ import annotations

from aiohttp import web

from .. import crm
from ..domain.permissions import Permission
from . import body
from .context import account_id, center, requires
from .errors import bad_field


@requires(Permission.ADMINISTER)
async def get_settings(request: web.Request) -> web.Response:
    """GET /crm/settings -> {url, timeout_s} (url null: no CRM)."""
    return web.json_response(crm.settings_shape(center(request).store, account_id(request)))


@requires(Permission.ADMINISTER)
async def put_settings(request: web.Request) -> web.Response:
    """PUT /crm/settings {url: loopback http(s) URL or null, timeout_s?} -> the settings."""
    data = await body.json_object(request, allowed=("url", "timeout_s"))
    if "url" not in data:
        raise bad_field("url", "is required (null removes the CRM)")
    url = body.optional_text(data, "url")
    timeout = data.get("timeout_s")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)):
        raise bad_field("timeout_s", "must be a number")
    store = center(request).store
    acc = account_id(request)
    crm.configure(store, acc, url, None if timeout is None else float(timeout))
    return web.json_response(crm.settings_shape(store, acc))


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/crm/settings", get_settings)
    router.add_put("/crm/settings", put_settings)
