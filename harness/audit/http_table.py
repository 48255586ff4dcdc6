"""The authorisation table: which kind of caller gets what from each route of the SUT's API.

One data file (``fixtures/authorisation.yaml``) holds, per route (``METHOD /path/{pattern}``),
the expected outcome for every kind of caller, plus how to fill the route's path and body.
This module reads and checks that file and compares it with the routes the SUT publishes: a
route the SUT has and the file lacks, or the other way round, is a failure naming the route.
Pure: no I/O beyond reading the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.sut.model import ApiRoute

# Every kind of caller the matrix plays, in the order results are reported.
PRINCIPALS = (
    "none",  # no Authorization header at all
    "malformed",  # a bearer token that is not even a token
    "expired",  # an administrator's token that has expired
    "revoked",  # an administrator's token that was revoked
    "other_account",  # an administrator of another account
    "operator",  # whoever runs the platform (manages accounts)
    "account_key",  # the account's own API key
    "admin",
    "manager",  # a manager assigned to the team the probes use
    "manager_elsewhere",  # a manager assigned to another team only
    "supervisor",
    "agent",
    "custom",  # a custom role: a base role plus added permissions
)
OK = "ok"
Outcome = str | int  # "ok" (2xx, or the WebSocket opened) or an exact HTTP status
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class TableError(ValueError):
    """The data file is wrong: the message names the file, the route and what is wrong."""


@dataclass(frozen=True)
class RouteSpec:
    """How to request one route and what each kind of caller must get."""

    key: str  # "METHOD /path/{pattern}"
    expect: Mapping[str, Outcome]
    params: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    undo: str | None = None  # a request that removes what a successful call created

    @property
    def method(self) -> str:
        return self.key.split(" ", 1)[0]

    @property
    def pattern(self) -> str:
        return self.key.split(" ", 1)[1]

    def mutates(self) -> bool:
        """Whether a successful request changes what is stored."""
        return self.method not in ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class AuthorisationTable:
    """The whole data file: routes, the custom role the matrix creates, and the defaults."""

    routes: Mapping[str, RouteSpec]
    custom_role: Mapping[str, Any]
    path: Path

    def coverage_problems(self, published: Iterable[ApiRoute]) -> list[str]:
        """Routes the SUT publishes but the file lacks, and file entries the SUT no longer has."""
        keys = {r.key for r in published}
        problems = [
            f"route {k} is not in {self.path.name}: add the expected outcome for every caller"
            for k in sorted(keys - set(self.routes))
        ]
        problems += [
            f"{self.path.name} lists {k}, which the SUT does not publish (removed or renamed?)"
            for k in sorted(set(self.routes) - keys)
        ]
        return problems


def load(path: Path) -> AuthorisationTable:
    """Read and check the data file; every mistake is a :class:`TableError` naming its place."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TableError(f"{path}: cannot read the authorisation table: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("routes"), dict):
        raise TableError(f"{path}: needs a 'routes' mapping")
    defaults = _outcomes(data.get("defaults") or {}, f"{path}: defaults")
    custom = data.get("custom_role")
    if not isinstance(custom, dict) or not {"name", "base", "permissions"} <= set(custom):
        raise TableError(f"{path}: custom_role needs name, base and permissions")
    routes = {}
    for key, entry in data["routes"].items():
        routes[key] = _route(str(key), entry, defaults, path)
    return AuthorisationTable(routes, custom, path)


def _route(key: str, entry: Any, defaults: Mapping[str, Outcome], path: Path) -> RouteSpec:
    where = f"{path}: route {key}"
    if not re.fullmatch(r"(GET|POST|PUT|PATCH|DELETE) /\S*", key):
        raise TableError(f"{where}: the key must be 'METHOD /path'")
    if not isinstance(entry, dict) or "expect" not in entry:
        raise TableError(f"{where}: needs 'expect'")
    unknown = set(entry) - {"expect", "params", "body", "undo"}
    if unknown:
        raise TableError(f"{where}: unknown keys {sorted(unknown)}")
    if entry.get("public"):
        raise TableError(f"{where}: 'public' is not a key; state 'ok' for every caller")
    expect = {**defaults, **_outcomes(entry["expect"], where)}
    missing = [p for p in PRINCIPALS if p not in expect]
    if missing:
        raise TableError(f"{where}: no expected outcome for {', '.join(missing)}")
    params = entry.get("params") or {}
    wanted = set(re.findall(r"\{(\w+)(?::[^}]*)?\}", key.split(" ", 1)[1]))
    if set(params) != wanted:
        raise TableError(
            f"{where}: params must fill exactly {sorted(wanted)}, got {sorted(params)}"
        )
    return RouteSpec(key, expect, {k: str(v) for k, v in params.items()}, entry.get("body"),
                     entry.get("undo"))  # fmt: skip


def _outcomes(raw: Any, where: str) -> dict[str, Outcome]:
    if not isinstance(raw, dict):
        raise TableError(f"{where}: expected outcomes must be a mapping of caller to outcome")
    out: dict[str, Outcome] = {}
    for who, outcome in raw.items():
        if who not in PRINCIPALS:
            raise TableError(f"{where}: unknown caller {who!r} (known: {', '.join(PRINCIPALS)})")
        if outcome != OK and not (isinstance(outcome, int) and 400 <= outcome <= 499):
            raise TableError(f"{where}: outcome for {who} must be 'ok' or a 4xx status")
        out[str(who)] = outcome
    return out


def fill(template: Any, values: Mapping[str, str]) -> Any:
    """``template`` with every ``{name}`` in its strings replaced by ``values[name]``."""
    if isinstance(template, str):

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in values:
                raise TableError(f"unknown placeholder {{{name}}} in {template!r}")
            return values[name]

        return _PLACEHOLDER.sub(one, template)
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    if isinstance(template, dict):
        return {key: fill(value, values) for key, value in template.items()}
    return template


def placeholders(template: Any) -> set[str]:
    """Every ``{name}`` used anywhere in ``template``."""
    if isinstance(template, str):
        return set(_PLACEHOLDER.findall(template))
    if isinstance(template, list):
        return set().union(*(placeholders(i) for i in template)) if template else set()
    if isinstance(template, dict):
        return set().union(*(placeholders(v) for v in template.values())) if template else set()
    return set()


def expand_path(pattern: str, params: Mapping[str, str], values: Mapping[str, str]) -> str:
    """The concrete path: each ``{param}`` of the pattern replaced by its filled value."""

    def one(match: re.Match[str]) -> str:
        return str(fill(params[match.group(1)], values))

    return re.sub(r"\{(\w+)(?::[^}]*)?\}", one, pattern)
