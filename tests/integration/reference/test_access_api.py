"""The API's access rules: users' tokens, roles, team scopes, the route table, request guards."""

from __future__ import annotations

import asyncio

import yarl
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from harness.reference.api import build_app
from harness.reference.api.context import requires
from harness.reference.domain.permissions import Permission

from .test_api import ADMIN, bearer, call, new_account, run


async def user_token(client, key: str, role: str, ttl_s: int = 3600) -> tuple[str, str, str]:
    """A new user of ``role`` and a token of theirs: (user id, token id, token)."""
    status, user = await call(
        client, "POST", "/users", key, {"name": f"U {role}", "email": "u@x.test", "role": role}
    )
    assert status == 201, user
    status, token = await call(
        client, "POST", "/tokens", key, {"user_id": user["id"], "ttl_s": ttl_s}
    )
    assert status == 201 and token["id"].startswith("tok_"), token
    return user["id"], token["id"], token["token"]


def test_each_role_gets_its_permissions_and_a_refusal_names_the_missing_one(center):
    async def scenario(client, _center):
        key = await new_account(client)
        _, _, agent = await user_token(client, key, "agent")
        _, _, supervisor = await user_token(client, key, "supervisor")
        assert (await call(client, "GET", "/numbers", agent))[0] == 200
        status, body = await call(client, "GET", "/users", agent)
        assert status == 403
        assert body["error"]["message"] == "the agent role lacks the permission users.read"
        assert (await call(client, "GET", "/users", supervisor))[0] == 200
        status, body = await call(
            client, "POST", "/numbers", supervisor, {"e164": "+33111111111", "name": "N"}
        )
        assert (status, body["error"]["code"]) == (403, "forbidden")
        status, me = await call(client, "GET", "/me", supervisor)
        assert status == 200 and me["role"] == "supervisor" and "monitor.calls" in me["permissions"]
        assert (await call(client, "GET", "/users", key))[1]["users"][0]["role"] == "agent"

    run(center, scenario)


def test_a_manager_changes_members_of_assigned_teams_only(center):
    async def scenario(client, _center):
        key = await new_account(client)
        manager_id, _, manager = await user_token(client, key, "manager")
        agent_id, _, _ = await user_token(client, key, "agent")
        _, mine = await call(client, "POST", "/teams", key, {"name": "Mine"})
        _, theirs = await call(client, "POST", "/teams", key, {"name": "Theirs"})
        await call(client, "POST", f"/teams/{mine['id']}/members", key, {"user_id": manager_id})
        status, _ = await call(
            client, "POST", f"/teams/{mine['id']}/members", manager, {"user_id": agent_id}
        )
        assert status == 201
        path = f"/teams/{theirs['id']}/members"
        status, body = await call(client, "POST", path, manager, {"user_id": agent_id})
        assert status == 403 and body["error"]["message"] == (
            "teams.members.write is granted for assigned teams only"
        )
        assert (await call(client, "GET", f"/teams/{theirs['id']}", key))[1]["members"] == []
        assert (await call(client, "DELETE", f"/teams/{mine['id']}/members/{agent_id}", manager))[
            0
        ] == 204

    run(center, scenario)


def test_a_custom_role_adds_permissions_to_its_base(center):
    async def scenario(client, _center):
        key = await new_account(client)
        body = {"name": "Reviewer", "base": "agent", "permissions": ["calls.read"]}
        status, role = await call(client, "POST", "/roles", key, body)
        assert status == 201 and role["permissions"] == ["calls.read"] and role["base"] == "agent"
        assert (await call(client, "POST", "/roles", key, body))[0] == 409
        _, _, reviewer = await user_token(client, key, "Reviewer")
        assert (await call(client, "GET", "/calls", reviewer)) == (200, {"calls": []})
        assert (await call(client, "GET", "/users", reviewer))[0] == 403
        status, me = await call(client, "GET", "/me", reviewer)
        assert me["role"] == "Reviewer"
        status, body = await call(client, "POST", "/roles", key, {"name": "admin", "base": "agent"})
        assert (status, body["error"]["field"]) == (400, "name")
        status, body = await call(
            client, "POST", "/users", key, {"name": "X", "email": "x@x.test", "role": "boss"}
        )
        assert (status, body["error"]["field"]) == (400, "role")

    run(center, scenario)


def test_tokens_expire_on_the_accounts_clock_and_can_be_revoked(center):
    async def scenario(client, _center):
        key = await new_account(client)
        _, _, short = await user_token(client, key, "admin", ttl_s=60)
        _, revoked_id, revoked = await user_token(client, key, "admin")
        assert (await call(client, "GET", "/users", short))[0] == 200
        await call(client, "POST", "/clock/advance", key, {"seconds": 60})
        status, body = await call(client, "GET", "/users", short)
        assert (status, body["error"]["message"]) == (401, "the token has expired")
        assert (await call(client, "DELETE", f"/tokens/{revoked_id}", key))[0] == 204
        status, body = await call(client, "GET", "/users", revoked)
        assert (status, body["error"]["message"]) == (401, "the token was revoked")
        status, body = await call(client, "GET", "/users", "not a token!")
        assert (status, body["error"]["message"]) == (401, "malformed token")
        assert (await call(client, "DELETE", "/tokens/tok_0000", key))[0] == 404

    run(center, scenario)


def test_another_accounts_user_token_finds_nothing_of_ours(center):
    async def scenario(client, _center):
        ours = await new_account(client, "Ours")
        theirs = await new_account(client, "Theirs")
        user_id, token_id, _ = await user_token(client, ours, "agent")
        _, _, their_admin = await user_token(client, theirs, "admin")
        assert (await call(client, "GET", f"/users/{user_id}", their_admin))[0] == 404
        assert (await call(client, "DELETE", f"/tokens/{token_id}", their_admin))[0] == 404
        body = {"user_id": user_id}
        assert (await call(client, "POST", "/tokens", their_admin, body))[0] == 404

    run(center, scenario)


def test_the_route_table_lists_every_route_with_its_permission(center):
    async def scenario(client, _center):
        key = await new_account(client)
        status, body = await call(client, "GET", "/routes", ADMIN)
        assert status == 200
        table = {(r["method"], r["path"]): r for r in body["routes"]}
        assert table["GET", "/health"]["permission"] == "public"
        assert table["DELETE", "/accounts/{id}"]["permission"] == "accounts.manage"
        assert table["GET", "/events"]["websocket"] is True
        widget = "/numbers/{id}/distribution/widgets/{index}/members"
        assert table["POST", widget]["permission"] == "numbers.write"
        assert not any(m == "HEAD" for m, _ in table)
        assert (await call(client, "GET", "/routes", key))[0] == 200

    run(center, scenario)


def test_a_route_added_without_a_permission_needs_the_accounts_administrator(center):
    async def undeclared(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    @requires(Permission.CALLS_READ)
    async def declared(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def main() -> None:
        app = build_app(center, ADMIN)
        app.router.add_get("/extra", undeclared)
        app.router.add_get("/extra-calls", declared)
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            key = await new_account(client)
            _, _, supervisor = await user_token(client, key, "supervisor")
            assert (await call(client, "GET", "/extra", supervisor))[0] == 403
            assert (await call(client, "GET", "/extra", key))[0] == 200
            assert (await call(client, "GET", "/extra-calls", supervisor))[0] == 200
            listed = (await call(client, "GET", "/routes", ADMIN))[1]["routes"]
            routes = {r["path"]: r for r in listed}
            assert routes["/extra"]["permission"] == "account.administer"

    asyncio.run(main())


def test_ids_in_paths_bodies_and_sizes_are_checked_before_anything_is_stored(center):
    async def scenario(client, _center):
        key = await new_account(client)
        for raw in ("%2e%2e", "..%2f..", "a%00b", "..", "x" * 65):
            # Sent as written: a client library would otherwise resolve ".." before sending.
            url = yarl.URL(f"{client.make_url('/users')}/{raw}", encoded=True)
            response = await client.session.get(url, headers=bearer(key))
            body = await response.json()
            assert (response.status, body["error"]["field"]) == (400, "id"), raw
        status, body = await call(client, "POST", "/teams", key, {"name": "T", "colour": "red"})
        assert (status, body["error"]["message"]) == (400, "colour: unknown field")
        big = {"name": "x" * (70 * 1024)}
        status, body = await call(client, "POST", "/teams", key, big)
        assert (status, body["error"]["field"]) == (413, "body")
        _, number = await call(
            client, "POST", "/numbers", key, {"e164": "+33122222222", "name": "N"}
        )
        path = f"/numbers/{number['id']}/distribution/widgets/abc/members"
        status, body = await call(client, "POST", path, key, {"type": "user", "id": "usr_1"})
        assert (status, body["error"]["field"]) == (400, "index")
        widgets = [{"ring_time": 5, "strategy": "simultaneous", "members": [], "colour": 1}]
        status, body = await call(
            client, "PUT", f"/numbers/{number['id']}/distribution", key, {"widgets": widgets}
        )
        assert (status, body["error"]["field"]) == (400, "widgets[0].colour")
        deep = b"[" * 30000 + b"]" * 30000  # under the size limit, too deep for the parser
        response = await client.post("/teams", data=deep, headers=bearer(key))
        assert (response.status, (await response.json())["error"]["field"]) == (400, "body")
        assert (await call(client, "GET", "/teams", key))[1] == {"teams": []}

    run(center, scenario)
