"""The authorisation matrix: every route of the SUT's API, requested by every kind of caller.

The routes come from the SUT itself (the ``access`` capability publishes its route table), the
expected outcomes from the data file (:mod:`harness.audit.http_table`). The matrix creates in
the scenario's account one user per role, a custom role, teams, a number and a token, opens a
second account for "another account's token", then requests everything concurrently over real
HTTP (and WebSocket for the event stream) on the harness's loop.

Two phases keep the probes independent while they run at once:

1. every request that must be refused, and every read, against one shared set of resources;
   a snapshot of the account read through the API before and after must be equal, which is
   how "a refused request changes nothing stored" is checked;
2. every write that must succeed, each against resources made for it alone, so that one
   deletion does not turn another probe's expected success into a 404.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from harness.audit.http_table import (
    OK,
    PRINCIPALS,
    AuthorisationTable,
    Outcome,
    RouteSpec,
    expand_path,
    fill,
    placeholders,
)
from harness.data.numbers import e164
from harness.runtime.cleanup import Cleanup
from harness.runtime.ids import ScenarioIds
from harness.sut.contract import AccessControl, Clock, Directory, Tenant
from harness.sut.model import Agent, ApiRoute, ApiToken

MALFORMED = "Bearer {not a token}"  # spaces and braces: not an RFC 6750 b64token
CONCURRENCY = 32  # requests in flight at once
ROLE_USERS = {  # principal -> the built-in role of the user whose token it plays
    "admin": "admin",
    "manager": "manager",
    "manager_elsewhere": "manager",
    "supervisor": "supervisor",
    "agent": "agent",
}
OpenTenant = Callable[[str], Awaitable[Tenant]]


@dataclass(frozen=True)
class Probe:
    """One request: a route, as one kind of caller, and what the table expects."""

    route: RouteSpec
    principal: str
    expected: Outcome
    websocket: bool = False

    @property
    def fresh(self) -> bool:
        """A write that must succeed gets resources of its own (phase 2)."""
        return self.route.mutates() and self.expected == OK

    def __str__(self) -> str:
        return f"{self.route.key} as {self.principal}"


@dataclass(frozen=True)
class ProbeResult:
    """What the SUT answered to one probe."""

    probe: Probe
    status: int
    message: str = ""
    leaked: tuple[str, ...] = ()  # ids of this account that another account's answer showed

    def mismatch(self) -> str | None:
        """How the answer differs from the table (None when it matches)."""
        expected = self.probe.expected
        if expected == OK:
            good = 200 <= self.status < 300 or self.status == 101
        else:
            good = self.status == expected
        if good:
            return None
        said = f" ({self.message})" if self.message else ""
        return f"{self.probe}: expected {expected}, got {self.status}{said}"


@dataclass
class MatrixReport:
    """Everything the matrix saw."""

    results: list[ProbeResult] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # what refused requests changed
    elapsed_s: float = 0.0

    def mismatches(self) -> list[str]:
        """Every answer that differs from the table, in route then caller order."""
        order = {p: i for i, p in enumerate(PRINCIPALS)}
        ranked = sorted(self.results, key=lambda r: (r.probe.route.key, order[r.probe.principal]))
        return [m for r in ranked if (m := r.mismatch()) is not None]

    def grid(self) -> str:
        """Every route against every caller, the status each got (``!`` marks a mismatch)."""
        cells: dict[str, dict[str, str]] = {}
        for r in self.results:
            mark = "!" if r.mismatch() or r.leaked else ""
            cells.setdefault(r.probe.route.key, {})[r.probe.principal] = f"{r.status}{mark}"
        width = max((len(k) for k in cells), default=10)
        head = " ".join(f"{p[:9]:>9}" for p in PRINCIPALS)
        lines = [f"{'route':<{width}} {head}"]
        for key in sorted(cells):
            row = " ".join(f"{cells[key].get(p, '-'):>9}" for p in PRINCIPALS)
            lines.append(f"{key:<{width}} {row}")
        return "\n".join(lines)

    def leaks(self) -> list[str]:
        """Answers to another account's caller that showed this account's ids."""
        return [
            f"{r.probe}: the answer shows this account's {', '.join(r.leaked)}"
            for r in self.results
            if r.leaked
        ]


@dataclass
class _Callers:
    """The Authorization header of each kind of caller (None: no header at all)."""

    headers: dict[str, str | None] = field(default_factory=dict)
    users: dict[str, Agent] = field(default_factory=dict)

    def header(self, principal: str) -> dict[str, str]:
        value = self.headers[principal]
        return {} if value is None else {"Authorization": value}


class AuthorisationMatrix:
    """Sets up every kind of caller in the scenario's account, then runs the table's probes."""

    def __init__(
        self,
        table: AuthorisationTable,
        access: AccessControl,
        directory: Directory,
        clock: Clock | None,
        open_tenant: OpenTenant,
        cleanup: Cleanup,
        ids: ScenarioIds,
    ) -> None:
        self.table = table
        self.access = access
        self.directory = directory
        self.clock = clock
        self.open_tenant = open_tenant
        self.cleanup = cleanup
        self.ids = ids
        self.callers = _Callers()
        self.ours: set[str] = (
            set()
        )  # ids of this account's things: another account must not see them
        self._teams: dict[str, Any] = {}
        self._shared: dict[str, str] = {}
        self._shared_token: ApiToken | None = None
        self._scratch_key: str | None = None

    # --- routes ---------------------------------------------------------------------------

    async def published_routes(self) -> list[ApiRoute]:
        """The SUT's route table."""
        return await self.access.routes()

    # --- callers --------------------------------------------------------------------------

    async def prepare_callers(self) -> None:
        """A user and a token for every role, the custom role, an expired and a revoked token."""
        role = self.table.custom_role
        await self.access.create_role(str(role["name"]), str(role["base"]), role["permissions"])
        roles = {**ROLE_USERS, "custom": str(role["name"])}
        for principal, role_name in roles.items():
            agent = await self.directory.create_agent(self.ids.next(principal), role=role_name)
            self.callers.users[principal] = agent
            self.ours.add(agent.id)
            token = await self.access.issue_token(agent)
            self.callers.headers[principal] = f"Bearer {token.secret}"
        # The manager is assigned to the team the probes use; the other manager to another.
        for principal in ("manager", "manager_elsewhere"):
            team = await self.directory.create_team(self.ids.next(f"team-{principal}"))
            await self.directory.add_to_team(team, self.callers.users[principal])
            self._teams[principal] = team
            self.ours.add(team.id)
        admin = self.callers.users["admin"]
        revoked = await self.access.issue_token(admin)
        await self.access.revoke_token(revoked)
        expired = await self.access.expired_token(admin)
        operator = await self.access.operator_token()
        self.callers.headers.update(
            {
                "none": None,
                "malformed": MALFORMED,
                "expired": f"Bearer {expired}",
                "revoked": f"Bearer {revoked.secret}",
                "account_key": f"Bearer {await self.access.account_key()}",
                "operator": None if operator is None else f"Bearer {operator}",
                "other_account": f"Bearer {await self._other_account_admin()}",
            }
        )
        self.ours.add(self.access.account_id())

    async def _other_account_admin(self) -> str:
        other = await self._scratch_tenant("other")
        if other.directory is None:
            raise RuntimeError("the second account lacks the directory capability")
        admin = await other.directory.create_agent(self.ids.next("other-admin"), role="admin")
        return (await access_of(other).issue_token(admin)).secret

    async def _scratch_tenant(self, kind: str) -> Tenant:
        tenant = await self.open_tenant(self.ids.next(kind))

        async def close() -> None:
            try:
                await tenant.close()
            except RuntimeError as exc:
                if getattr(exc, "status", None) != 404:  # a probe may have deleted it
                    raise

        self.cleanup.push(f"{kind} account", close)
        return tenant

    # --- resources the probes name ----------------------------------------------------------

    async def resources(self, names: set[str], *, shared: bool = False) -> dict[str, str]:
        """Create what ``names`` need (see the data file's placeholders) and return their ids."""
        values: dict[str, str] = {}
        if names & {"user", "team", "number", "token"}:
            user = await self.directory.create_agent(self.ids.next("probe-user"))
            values["user"] = user.id
            if "team" in names:
                team = await self.directory.create_team(self.ids.next("probe-team"))
                await self.directory.add_to_team(team, self.callers.users["manager"])
                await self.directory.add_to_team(team, user)
                values["team"] = team.id
            if "number" in names:
                number = await self.directory.create_number(self.ids.next("probe-number"), e164())
                await self.directory.add_ring_to(number, "user", user.id, widget=0)
                values["number"] = number.id
            if "token" in names:
                token = await self.access.issue_token(user)
                values["token"] = token.id
                if shared:
                    self._shared_token = token
        if "spare" in names:
            values["spare"] = (await self.directory.create_agent(self.ids.next("spare"))).id
        if "account" in names:
            scratch = await self._scratch_tenant("scratch")
            values["account"] = access_of(scratch).account_id()
            if shared:
                self._scratch_key = await access_of(scratch).account_key()
        self.ours.update(values.values())
        return values

    async def _now(self) -> str:
        moment = await self.clock.now() if self.clock is not None else datetime.now(UTC)
        return moment.isoformat()

    # --- running --------------------------------------------------------------------------

    def probes(self, published: Sequence[ApiRoute]) -> list[Probe]:
        """Every (route, caller) pair of the routes both the SUT and the table know."""
        websocket = {r.key for r in published if r.websocket}
        return [
            Probe(spec, principal, spec.expect[principal], spec.key in websocket)
            for key, spec in sorted(self.table.routes.items())
            if key in {r.key for r in published}
            for principal in PRINCIPALS
        ]

    async def run(self, probes: Sequence[Probe]) -> MatrixReport:
        """Run the probes: refusals and reads first (then the snapshot check), then writes."""
        report = MatrixReport()
        names = set().union(*(placeholders([p.route.params, p.route.body]) for p in probes))
        self._shared = await self.resources(names, shared=True)
        started = time.perf_counter()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
            limit = asyncio.Semaphore(CONCURRENCY)
            before = await self.snapshot(session)
            first = [p for p in probes if not p.fresh]
            report.results += await asyncio.gather(
                *(self._probe(session, limit, p, self._shared) for p in first)
            )
            after = await self.snapshot(session)
            report.changed = differences(before, after)
            second = [p for p in probes if p.fresh]
            report.results += await asyncio.gather(
                *(self._fresh_probe(session, limit, p) for p in second)
            )
        report.elapsed_s = time.perf_counter() - started
        return report

    async def _fresh_probe(
        self, session: aiohttp.ClientSession, limit: asyncio.Semaphore, probe: Probe
    ) -> ProbeResult:
        async with limit:
            values = await self.resources(placeholders([probe.route.params, probe.route.body]))
        return await self._probe(session, limit, probe, values)

    async def _probe(
        self,
        session: aiohttp.ClientSession,
        limit: asyncio.Semaphore,
        probe: Probe,
        resources: Mapping[str, str],
    ) -> ProbeResult:
        label = self.ids.next("probe")
        values = {**resources, "label": label, "e164": e164()}
        if "now" in placeholders(probe.route.body):
            values["now"] = await self._now()
        path = expand_path(probe.route.pattern, probe.route.params, values)
        body = fill(probe.route.body, values)
        headers = self.callers.header(probe.principal)
        async with limit:
            if probe.websocket:
                return await self._open_websocket(session, probe, path, headers)
            status, text, data = await self._send(session, probe.route.method, path, headers, body)
        if 200 <= status < 300 and probe.route.undo and isinstance(data, dict):
            await self._undo(session, probe, data)
        # An id the caller sent may come back in the error ("user 'usr_…' not found"): only
        # ids it did not send count as shown.
        sent = path + json.dumps(body)
        leaked = tuple(sorted(i for i in self.ours if i in text and i not in sent))
        return ProbeResult(
            probe,
            status,
            _error_message(data),
            leaked if probe.principal == "other_account" else (),
        )

    async def _send(
        self,
        session: aiohttp.ClientSession,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: Any,
    ) -> tuple[int, str, Any]:
        url = self.access.api_url() + path
        kwargs: dict[str, Any] = {"headers": dict(headers)}
        if body is not None:
            kwargs["json"] = body
        async with session.request(method, url, **kwargs) as response:
            # Audio routes (prompts, voicemails) answer binary bodies: read, never decode strictly.
            text = (await response.read()).decode("utf-8", errors="replace")
            try:
                data = json.loads(text) if text else None
            except json.JSONDecodeError:
                data = None
            return response.status, text, data

    async def _open_websocket(
        self, session: aiohttp.ClientSession, probe: Probe, path: str, headers: Mapping[str, str]
    ) -> ProbeResult:
        url = self.access.api_url() + path
        try:
            async with session.ws_connect(url, headers=dict(headers)) as socket:
                await socket.close()
                return ProbeResult(probe, 101)
        except aiohttp.WSServerHandshakeError as refused:
            return ProbeResult(probe, refused.status, refused.message)

    async def _undo(self, session: aiohttp.ClientSession, probe: Probe, created: Any) -> None:
        assert probe.route.undo is not None
        strings = {k: str(v) for k, v in created.items() if isinstance(v, str | int)}
        method, path = fill(probe.route.undo, strings).split(" ", 1)
        status, _, data = await self._send(
            session, method, path, self.callers.header(probe.principal), None
        )
        if status >= 300:
            raise RuntimeError(f"undo of {probe} ({method} {path}) failed: {status} {data}")

    async def snapshot(self, session: aiohttp.ClientSession) -> dict[str, Any]:
        """What the account holds, read through the API with its key (and the shared token)."""
        key = self.callers.header("account_key")
        paths = ["/users", "/teams", "/numbers", "/roles", "/calls"]
        if "number" in self._shared:
            paths.append(f"/numbers/{self._shared['number']}/distribution")
        out: dict[str, Any] = {}
        for path in paths:
            status, _, data = await self._send(session, "GET", path, key, None)
            out[path] = (status, data)
        if self._shared_token is not None:
            bearer = {"Authorization": f"Bearer {self._shared_token.secret}"}
            opens = await self._send(session, "GET", "/me", bearer, None)
            out["a user's token still opens GET /me"] = opens[0]
        if self._scratch_key is not None:
            bearer = {"Authorization": f"Bearer {self._scratch_key}"}
            opens = await self._send(session, "GET", "/me", bearer, None)
            out["the scratch account still exists (its key opens GET /me)"] = opens[0]
        return out


def access_of(tenant: Tenant) -> AccessControl:
    """The tenant's ``access`` capability (a tenant need not have the attribute at all)."""
    access = getattr(tenant, "access", None)
    if not isinstance(access, AccessControl):
        raise RuntimeError("the SUT adapter lacks the capability 'access'")
    return access


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Each entry of a snapshot that changed, saying what appeared, went or changed."""
    return [
        f"{key}: {_change(before[key], after.get(key))}"
        for key in before
        if before[key] != after.get(key)
    ]


def _change(before: Any, after: Any) -> str:
    # Collections read as (status, {"items": [{"id": ...}, ...]}): name the ids that came and went.
    if (
        isinstance(before, tuple | list)
        and isinstance(after, tuple | list)
        and before[0] == after[0]
        and isinstance(before[1], dict)
        and isinstance(after[1], dict)
    ):
        parts = []
        for name in sorted(set(before[1]) | set(after[1])):
            old, new = before[1].get(name), after[1].get(name)
            if old == new:
                continue
            if isinstance(old, list) and isinstance(new, list):
                old_items = {json.dumps(i, sort_keys=True) for i in old}
                new_items = {json.dumps(i, sort_keys=True) for i in new}
                came = sorted(new_items - old_items)[:3]
                went = sorted(old_items - new_items)[:3]
                parts.append(f"{name} gained {came or 'nothing'} and lost {went or 'nothing'}")
            else:
                parts.append(f"{name} was {json.dumps(old)[:200]}, is {json.dumps(new)[:200]}")
        return "; ".join(parts)
    was, now = json.dumps(before, sort_keys=True), json.dumps(after, sort_keys=True)
    return f"was {was[:300]}, is {now[:300]}"


def _error_message(data: Any) -> str:
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        return str(data["error"].get("message", ""))
    return ""
