"""HTTP and WebSocket API: auth, tenant scoping, validation, call events."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient, TestServer

import harness
from harness.reference.api import build_app
from harness.reference.service import ContactCenter

ADMIN = "admin-secret"
Scenario = Callable[[TestClient, ContactCenter], Awaitable[None]]


def run(center: ContactCenter, scenario: Scenario) -> None:
    async def main() -> None:
        server = TestServer(build_app(center, ADMIN), host="127.0.0.1")
        async with TestClient(server) as client:
            await asyncio.wait_for(scenario(client, center), timeout=10)

    asyncio.run(main())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def call(client: TestClient, method: str, path: str, token: str, json: Any = None):
    response = await client.request(method, path, headers=bearer(token), json=json)
    body = await response.json() if response.content_type == "application/json" else None
    return response.status, body


async def new_account(client: TestClient, name: str = "Acme") -> str:
    status, body = await call(client, "POST", "/accounts", ADMIN, {"name": name})
    assert status == 201 and body["name"] == name and body["id"].startswith("acc_")
    return body["token"]


def test_health_is_public(center):
    async def scenario(client, _center):
        response = await client.get("/health")
        assert response.status == 200
        assert await response.json() == {
            "name": "callproof-reference",
            "version": harness.__version__,
        }

    run(center, scenario)


def test_tokens_are_checked(center):
    async def scenario(client, _center):
        assert (await client.post("/accounts", json={"name": "x"})).status == 401
        assert (await call(client, "POST", "/accounts", "nope", {"name": "x"}))[0] == 401
        token = await new_account(client)
        status, body = await call(client, "POST", "/accounts", token, {"name": "x"})
        assert (status, body["error"]["code"]) == (403, "forbidden")
        response = await client.get("/users")
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await response.json())["error"]["code"] == "unauthorized"
        assert (await call(client, "GET", "/users", "wrong-token"))[0] == 401
        assert (await call(client, "GET", "/users", ADMIN))[0] == 403
        assert (await call(client, "GET", "/users", token)) == (200, {"users": []})

    run(center, scenario)


def test_directory_numbers_and_distribution_round_trip(center):
    async def scenario(client, _center):
        token = await new_account(client)
        status, ana = await call(
            client,
            "POST",
            "/users",
            token,
            {"name": "Ana", "email": "ana@acme.test", "role": "manager"},
        )
        assert status == 201 and ana["role"] == "manager"
        assert set(ana["sip"]) == {"username", "password"}
        _, team = await call(client, "POST", "/teams", token, {"name": "Support"})
        status, team = await call(
            client, "POST", f"/teams/{team['id']}/members", token, {"user_id": ana["id"]}
        )
        assert status == 201 and team["members"] == [{"id": ana["id"], "name": "Ana"}]
        status, number = await call(
            client, "POST", "/numbers", token, {"e164": "+33123456789", "name": "Sales"}
        )
        assert status == 201 and number["e164"] == "+33123456789"
        path = f"/numbers/{number['id']}/distribution"
        assert (await call(client, "GET", path, token))[1]["widgets"] == []
        status, dist = await call(
            client, "POST", f"{path}/widgets/0/members", token, {"type": "team", "id": team["id"]}
        )
        assert status == 201
        assert dist["widgets"] == [
            {
                "index": 0,
                "ring_time": 20,
                "strategy": "simultaneous",
                "members": [{"type": "team", "id": team["id"], "name": "Support"}],
            }
        ]
        widgets = [
            {
                "ring_time": 8,
                "strategy": "sequential",
                "members": [{"type": "user", "id": ana["id"]}],
            }
        ]
        status, dist = await call(client, "PUT", path, token, {"widgets": widgets})
        assert status == 200 and dist["widgets"][0]["ring_time"] == 8
        status, _ = await call(
            client, "DELETE", f"{path}/widgets/0/members/user/{ana['id']}", token
        )
        assert status == 204
        assert (await call(client, "GET", path, token))[1]["widgets"][0]["members"] == []
        fault = {"user_id": ana["id"], "team_id": team["id"]}
        status, body = await call(client, "POST", "/faults/assignment-out-of-sync", token, fault)
        assert status == 200 and body["in_sync"] is False
        assert "in_sync" not in str((await call(client, "GET", f"/teams/{team['id']}", token))[1])

    run(center, scenario)


def test_another_accounts_resources_are_not_found(center):
    async def scenario(client, cc):
        token_a = await new_account(client, "A")
        token_b = await new_account(client, "B")
        _, ana = await call(client, "POST", "/users", token_a, {"name": "Ana", "email": "a@a.test"})
        _, number = await call(
            client, "POST", "/numbers", token_a, {"e164": "+33123456789", "name": "A line"}
        )
        _, team_b = await call(client, "POST", "/teams", token_b, {"name": "B team"})
        plan = cc.start_inbound_call("+33123456789", "+33600000000", "x@127.0.0.1")
        for path in (
            f"/users/{ana['id']}",
            f"/numbers/{number['id']}",
            f"/numbers/{number['id']}/distribution",
            f"/calls/{plan.call_id}",
        ):
            status, body = await call(client, "GET", path, token_b)
            assert (status, body["error"]["code"]) == (404, "not_found"), path
        assert (await call(client, "DELETE", f"/users/{ana['id']}", token_b))[0] == 404
        status, body = await call(
            client, "POST", f"/teams/{team_b['id']}/members", token_b, {"user_id": ana["id"]}
        )
        assert (status, body["error"]["field"]) == (404, "user_id")
        assert (await call(client, "GET", "/calls", token_b))[1] == {"calls": []}
        assert (await call(client, "GET", f"/users/{ana['id']}", token_a))[0] == 200
        status, calls = await call(client, "GET", f"/calls?number_id={number['id']}", token_a)
        assert [c["call_id"] for c in calls["calls"]] == [plan.call_id]

    run(center, scenario)


@pytest.mark.parametrize(
    ("method", "path", "payload", "status", "field"),
    [
        ("POST", "/users", {"email": "a@b.test"}, 400, "name"),
        ("POST", "/users", {"name": "Ana", "email": 42}, 400, "email"),
        ("POST", "/users", {"name": "Ana", "email": "a@b.test", "role": "boss"}, 400, "role"),
        ("POST", "/numbers", {"e164": "0612345678", "name": "Bad"}, 400, "e164"),
        ("POST", "/numbers", {"e164": "+33123456789", "name": "Dup"}, 409, "e164"),
        ("PUT", "{dist}", {"widgets": [{"ring_time": "20"}]}, 400, "widgets[0].ring_time"),
        (
            "PUT",
            "{dist}",
            {"widgets": [{"members": [{"type": "user"}]}]},
            400,
            "widgets[0].members[0].id",
        ),
        (
            "PUT",
            "{dist}",
            {"widgets": [{"strategy": "random", "members": []}]},
            400,
            "widgets[0].strategy",
        ),
        (
            "PUT",
            "{dist}",
            {"widgets": [{"members": [{"type": "user", "id": "usr_x"}]}]},
            404,
            "widgets[0].members[0].id",
        ),
        ("POST", "/clock/advance", {"seconds": "soon"}, 400, "seconds"),
        ("PUT", "/clock", {"now": "2025-01-01T10:00:00"}, 400, "now"),
        ("POST", "/faults/assignment-out-of-sync", {"user_id": "{user}"}, 400, "number_id"),
    ],
)
def test_validation_names_the_field_and_changes_nothing(
    center, method, path, payload, status, field
):
    async def scenario(client, cc):
        token = await new_account(client)
        _, user = await call(client, "POST", "/users", token, {"name": "Ana", "email": "a@a.test"})
        _, number = await call(
            client, "POST", "/numbers", token, {"e164": "+33123456789", "name": "Sales"}
        )
        dist = f"/numbers/{number['id']}/distribution"
        await call(
            client, "POST", f"{dist}/widgets/0/members", token, {"type": "user", "id": user["id"]}
        )
        snapshot = [
            await call(client, "GET", p, token) for p in ("/users", "/numbers", dist, "/clock")
        ]
        body_in = {
            k: (v.replace("{user}", user["id"]) if isinstance(v, str) else v)
            for k, v in payload.items()
        }
        got_status, body = await call(client, method, path.replace("{dist}", dist), token, body_in)
        assert got_status == status
        assert body["error"].get("field") == field
        assert body["error"]["message"]
        after = [
            await call(client, "GET", p, token) for p in ("/users", "/numbers", dist, "/clock")
        ]
        assert after[:3] == snapshot[:3]

    run(center, scenario)


def test_malformed_body_and_unknown_route(center):
    async def scenario(client, _center):
        token = await new_account(client)
        response = await client.post("/users", data=b"{not json", headers=bearer(token))
        assert response.status == 400
        assert (await response.json())["error"]["field"] == "body"
        status, body = await call(client, "POST", "/users", token, ["a", "list"])
        assert (status, body["error"]["field"]) == (400, "body")
        status, body = await call(client, "GET", "/no/such/route", token)
        assert status == 404 and body["error"]["code"] == "not_found"

    run(center, scenario)


def test_clock_endpoints(center):
    async def scenario(client, _center):
        token = await new_account(client)
        status, clock = await call(
            client, "PUT", "/clock", token, {"now": "2025-01-06T09:00:00+01:00", "frozen": True}
        )
        assert (status, clock) == (200, {"now": "2025-01-06T08:00:00.000000Z", "frozen": True})
        status, clock = await call(client, "POST", "/clock/advance", token, {"seconds": 86400})
        assert clock["now"] == "2025-01-07T08:00:00.000000Z"
        assert (await call(client, "GET", "/clock", token))[1] == clock

    run(center, scenario)


def test_websocket_delivers_the_accounts_call_events_in_order(center):
    async def scenario(client, cc: ContactCenter):
        token = await new_account(client, "A")
        other = await new_account(client, "B")
        _, ana = await call(client, "POST", "/users", token, {"name": "Ana", "email": "a@a.test"})
        _, number = await call(
            client, "POST", "/numbers", token, {"e164": "+33123456789", "name": "L"}
        )
        await call(
            client,
            "POST",
            f"/numbers/{number['id']}/distribution/widgets/0/members",
            token,
            {"type": "user", "id": ana["id"]},
        )
        _, b_number = await call(
            client, "POST", "/numbers", other, {"e164": "+33900000000", "name": "B"}
        )
        await call(
            client,
            "POST",
            "/faults/assignment-out-of-sync",
            token,
            {"user_id": ana["id"], "number_id": number["id"]},
        )

        async with client.ws_connect("/events", headers=bearer(token)) as socket:
            cc.start_inbound_call("+33900000000", "+33600000000", "b@127.0.0.1")  # account B
            plan = cc.start_inbound_call("+33123456789", "+33600000000", "a@127.0.0.1")
            cc.agent_ringing(plan.call_id, ana["id"])
            assert not cc.answer_attempt(plan.call_id, ana["id"]).registered
            cc.call_ended(plan.call_id, "caller", "caller hung up")
            received: list[dict[str, Any]] = []
            while len(received) < 4:
                message = await socket.receive(timeout=5)
                assert message.type is WSMsgType.TEXT
                received.append(message.json())
        assert [e["type"] for e in received] == [
            "call.created",
            "call.ringing",
            "call.answer_attempt",
            "call.ended",
        ]
        assert {e["call_id"] for e in received} == {plan.call_id}
        assert received[2]["registered"] is False
        assert received[3]["status"] == "missed"
        assert [e["seq"] for e in received] == sorted(e["seq"] for e in received)
        assert b_number["id"] not in str(received)

    run(center, scenario)


def test_websocket_needs_a_token_and_accepts_query_token(center):
    async def scenario(client, cc: ContactCenter):
        token = await new_account(client)
        response = await client.get("/events")
        assert response.status == 401
        async with client.ws_connect(f"/events?access_token={token}") as socket:
            account = cc.account_for_token(token)
            assert account is not None
            cc.create_team(account.id, "Night shift")
            message = await socket.receive(timeout=5)
            assert message.json()["type"] == "directory.changed"

    run(center, scenario)


def test_ignore_hangups_fault_is_per_account_checked_and_forgotten_with_the_account(center):
    async def scenario(client, center):
        accounts = {}
        for name in ("Acme", "Globex"):
            status, body = await call(client, "POST", "/accounts", ADMIN, {"name": name})
            accounts[name] = (body["id"], body["token"])
        acme, token = accounts["Acme"]
        for bad, why in (({}, "ignored: is required"), ({"ignored": "yes"}, "ignored: must be")):
            status, body = await call(client, "POST", "/faults/ignore-hangups", token, bad)
            assert status == 400 and why in body["error"]["message"], body
            assert not center.hangups_ignored(acme)
        status, body = await call(
            client, "POST", "/faults/ignore-hangups", token, {"ignored": True}
        )
        assert (status, body) == (200, {"ignored": True})
        assert center.hangups_ignored(acme)
        assert not center.hangups_ignored(accounts["Globex"][0])
        await call(client, "DELETE", f"/accounts/{acme}", ADMIN)
        assert not center.hangups_ignored(acme)

    run(center, scenario)
