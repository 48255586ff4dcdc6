"""Property: no generated request makes the reference's API fail (5xx), and a refused one changes
nothing stored (H-SEC-4).

A real reference process on loopback; every route of the authorisation table that the reference
publishes is driven with bodies and path identifiers that hypothesis generates: the route's
sample body with members of any JSON type, unknown members, other JSON values, raw bytes, and
path identifiers that are real ids, traversals or arbitrary text. Before and after each request
the account is read through the API; a 4xx must leave it exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yarl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.audit.http_table import RouteSpec, expand_path, fill, load
from harness.runtime.portal import Portal
from harness.sut.reference_process import ReferenceProcess

TABLE = load(Path(__file__).resolve().parents[2] / "fixtures" / "authorisation.yaml")
EXAMPLES = 15  # per route: about 500 requests in all, a few seconds
SNAPSHOT = (
    "/users",
    "/teams",
    "/numbers",
    "/roles",
    "/calls",
    "/me",
    "/end-users",
    "/settings/phone-validation",
)


@dataclass
class Api:
    """A running reference, one account in it and the ids the table's placeholders name."""

    portal: Portal
    session: aiohttp.ClientSession
    base: str
    key: str
    values: dict[str, str]
    published: set[str]

    def request(self, method: str, path: str, raw: bytes | None) -> tuple[int, Any]:
        async def send() -> tuple[int, Any]:
            url = yarl.URL(self.base + path, encoded=True)
            headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
            async with self.session.request(method, url, data=raw, headers=headers) as response:
                # Audio routes answer binary bodies: read, never decode strictly.
                text = (await response.read()).decode("utf-8", errors="replace")
            try:
                return response.status, json.loads(text) if text else None
            except json.JSONDecodeError:
                return response.status, text

        return self.portal.run(send(), timeout=15)

    def snapshot(self) -> dict[str, Any]:
        paths = [*SNAPSHOT, f"/numbers/{self.values['number']}/distribution"]
        return {p: self.request("GET", p, None) for p in paths}


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    process = ReferenceProcess()
    address = process.start()
    portal = Portal("api-fuzz")
    session = portal.run(_open_session())
    try:
        operator = Api(portal, session, address.http_url, address.admin_token, {}, set())
        status, account = operator.request(
            "POST", "/accounts", json.dumps({"name": "fuzz"}).encode()
        )
        assert status == 201, account
        api = Api(portal, session, address.http_url, account["token"], {}, set())
        api.values = _resources(api)
        routes = operator.request("GET", "/routes", None)[1]["routes"]
        api.published = {f"{r['method']} {r['path']}" for r in routes}
        yield api
    finally:
        portal.run(session.close())
        portal.close()
        process.stop()


async def _open_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))


def _resources(api: Api) -> dict[str, str]:
    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        status, data = api.request("POST", path, json.dumps(body).encode())
        assert status == 201, (path, data)
        return data

    user = post("/users", {"name": "Fuzz User", "email": "fuzz@example.test"})
    spare = post("/users", {"name": "Fuzz Spare", "email": "spare@example.test"})
    team = post("/teams", {"name": "Fuzz team"})
    number = post("/numbers", {"e164": "+33199999999", "name": "Fuzz"})
    token = post("/tokens", {"user_id": user["id"]})
    return {
        "user": user["id"],
        "spare": spare["id"],
        "team": team["id"],
        "number": number["id"],
        "token": token["id"],
        "account": "acc_000000000000",
        "label": "fuzz",
        "e164": "+33188888888",
        "now": "2030-01-01T00:00:00+00:00",
    }


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
IDS = st.sampled_from(
    ["..", "{0}", "%2e%2e", "..%2f..", "%00", "a%00b", "%ff", "%", "~", "x" * 80]
) | st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="/?#%"),
    min_size=1,
    max_size=20,
)


@st.composite
def bodies(draw: st.DrawFn, sample: Any) -> bytes | None:
    """A body for a route whose sample body is ``sample``: mostly near it, sometimes anything."""
    kind = draw(st.sampled_from(["near", "near", "any", "bytes", "none"]))
    if kind == "none":
        return None
    if kind == "bytes":
        return draw(st.binary(max_size=64))
    if kind == "any" or not isinstance(sample, dict):
        return json.dumps(draw(JSON)).encode()
    body = {k: draw(st.just(v) | JSON) for k, v in sample.items() if draw(st.booleans())}
    body.update(draw(st.dictionaries(st.text(max_size=10), JSON, max_size=2)))
    return json.dumps(body).encode()


@pytest.mark.parametrize("key", sorted(TABLE.routes))
def test_no_generated_request_fails_the_api_or_changes_anything_when_refused(
    api: Api, key: str
) -> None:
    spec = TABLE.routes[key]
    assert key in api.published, f"{key} is in the table but the reference does not publish it"
    sample = fill(spec.body, api.values)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(
        raw=bodies(sample), ids=st.fixed_dictionaries({p: st.just(None) | IDS for p in spec.params})
    )
    def check(raw: bytes | None, ids: dict[str, str | None]) -> None:
        path = _path(spec, api.values, ids)
        before = api.snapshot()
        status, answer = api.request(spec.method, path, raw)
        assert status < 500, f"{spec.method} {path} {raw!r} -> {status} {answer!r}"
        if status >= 400:
            assert isinstance(answer, dict) and "error" in answer, (status, answer)
            assert api.snapshot() == before, (
                f"{spec.method} {path} {raw!r} was refused but changed state"
            )

    check()


def _path(spec: RouteSpec, values: dict[str, str], ids: dict[str, str | None]) -> str:
    # Only the table's own values are templates: a generated id such as "{0}" is sent as it is.
    filled = {
        p: str(fill(v, values)) if ids.get(p) is None else str(ids[p])
        for p, v in spec.params.items()
    }
    return expand_path(spec.pattern, {p: "{" + p + "}" for p in spec.params}, filled)
