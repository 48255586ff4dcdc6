"""The account's plan (AC-IN-15): ``GET /account/plan`` and ``PUT /account/plan``."""

from __future__ import annotations

from aiohttp import web

from ..domain.permissions import Permission
from ..domain.plans import DEFAULT_PLAN, Plan, PlanName, parse_plan
from . import body
from .context import account_id, center, requires


def stored_plan(request: web.Request, account: str) -> Plan:
    """The account's plan as stored, or the default."""
    stored = center(request).store.plan(account)
    return Plan(PlanName(stored[0]), stored[1]) if stored else DEFAULT_PLAN


@requires(Permission.ADMINISTER)
async def get_plan(request: web.Request) -> web.Response:
    """GET /account/plan -> {plan, ai_addon, power_dialer, ai_context}."""
    return web.json_response(stored_plan(request, account_id(request)).as_dict())


@requires(Permission.ADMINISTER)
async def put_plan(request: web.Request) -> web.Response:
    """PUT /account/plan {plan: essentials|professional, ai_addon: bool} -> the stored plan."""
    data = await body.json_object(request, allowed=("plan", "ai_addon"))
    plan = parse_plan(data.get("plan"), data.get("ai_addon", False))
    center(request).store.set_plan(account_id(request), plan.name.value, plan.ai_addon)
    return web.json_response(plan.as_dict())


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/account/plan", get_plan)
    router.add_put("/account/plan", put_plan)
