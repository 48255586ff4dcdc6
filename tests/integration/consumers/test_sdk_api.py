"""The consumer side of the reference's API: bad settings and overrides refused naming the
field with everything stored kept, sessions only with the account's SDK key, the consumer
routes only with a session's token, and the WebSocket's first frame."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from harness.reference.service import ContactCenter
from tests.integration.reference.test_api import call, new_account, run

SETTINGS = {
    "help_email": "help@example.test",
    "sdk_options": ["email", "phone"],
    "sdk_phone": "+33140000000",
}


async def _queues(client: TestClient, key: str) -> tuple[str, str]:
    """A menu and one leaf under it: (menu id, leaf id)."""
    status, menu = await call(client, "POST", "/routing/queues", key, {"name": "Menu"})
    assert status == 201, menu
    status, leaf = await call(
        client,
        "POST",
        "/routing/queues",
        key,
        {"name": "Billing", "parent_id": menu["id"], "digit": "1"},
    )
    assert status == 201, leaf
    return menu["id"], leaf["id"]


async def _state(client: TestClient, key: str) -> tuple[Any, Any]:
    settings = (await call(client, "GET", "/consumers/settings", key))[1]
    overrides = (await call(client, "GET", "/consumers/overrides", key))[1]
    return settings, overrides


def test_bad_settings_and_overrides_are_refused_naming_the_field_and_nothing_changes(center):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        key = await new_account(client)
        menu, leaf = await _queues(client, key)
        assert (await call(client, "PUT", "/consumers/settings", key, SETTINGS))[0] == 200
        path = f"/consumers/queues/{leaf}/overrides/mobile"
        assert (await call(client, "PUT", path, key, {"override": {"options": ["email"]}}))[
            0
        ] == 200
        before = await _state(client, key)
        bad: list[tuple[str, dict[str, Any], int, str]] = [
            ("/consumers/settings", {"help_email": "nobody"}, 400, "help_email"),
            ("/consumers/settings", {"sdk_options": ["pager"]}, 400, "sdk_options[0]"),
            ("/consumers/settings", {"sdk_phone": "+33 1 40"}, 400, "sdk_phone"),
            ("/consumers/settings", {"scheduled_calls": ["fax"]}, 400, "scheduled_calls"),
            (path, {"override": {"options": ["phone"], "phone": "0140000000"}}, 400, "phone"),
            (path, {"override": {"options": ["phone"]}}, 400, "phone"),
            (path, {"override": {"options": []}}, 400, "options"),
            (path, {"override": {"redirect_queue_id": menu}}, 400, "redirect_queue_id"),
            (
                path,
                {"override": {"redirect_queue_id": leaf, "phone": "+33140000000"}},
                400,
                "redirect_queue_id",
            ),
            (
                f"/consumers/queues/{menu}/overrides/mobile",
                {"override": {"options": ["email"]}},
                400,
                "queue_id",
            ),
            (
                f"/consumers/queues/{leaf}/overrides/web",
                {"override": {"options": ["email"]}},
                400,
                "channel",
            ),
            (
                f"/consumers/queues/{leaf}/overrides/sms",
                {"override": {"message": " "}},
                400,
                "message",
            ),
            (
                "/consumers/queues/q_missing/overrides/sms",
                {"override": {"message": "x"}},
                404,
                "queue_id",
            ),
        ]
        for route, payload, status, field in bad:
            got, answer = await call(client, "PUT", route, key, payload)
            assert (got, answer["error"].get("field")) == (status, field), (route, payload, answer)
        assert await _state(client, key) == before

    run(center, scenario)


def test_sessions_need_the_accounts_sdk_key_and_the_consumer_routes_a_session_token(center):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        key = await new_account(client)
        other = await new_account(client, "Other")
        _, leaf = await _queues(client, key)
        sdk_key = (await call(client, "GET", "/consumers/sdk-key", key))[1]["key"]
        other_key = (await call(client, "GET", "/consumers/sdk-key", other))[1]["key"]
        body = {"channel": "mobile", "queue_id": leaf, "app_version": "1.0"}

        refused = await client.post("/sdk/sessions", json=body)
        assert refused.status == 401
        forged = await client.post(
            "/sdk/sessions", json=body, headers={"X-Callproof-Sdk-Key": sdk_key + "x"}
        )
        assert forged.status == 401
        elsewhere = await client.post(
            "/sdk/sessions", json=body, headers={"X-Callproof-Sdk-Key": other_key}
        )
        assert elsewhere.status == 404  # the other account has no such queue
        wrong = await client.post(
            "/sdk/sessions",
            json={**body, "channel": "fax"},
            headers={"X-Callproof-Sdk-Key": sdk_key},
        )
        assert (wrong.status, (await wrong.json())["error"]["field"]) == (400, "channel")

        opened = await client.post(
            "/sdk/sessions", json=body, headers={"X-Callproof-Sdk-Key": sdk_key}
        )
        assert opened.status == 201
        token = (await opened.json())["token"]
        assert (await call(client, "GET", "/sdk/options", key))[0] == 401  # not a session
        status, shown = await call(client, "GET", "/sdk/options", token)
        assert (status, [o["kind"] for o in shown["options"]]) == (200, ["call", "chat"])

        async with client.ws_connect("/sdk/ws", params={"access_token": token}) as ws:
            first = await ws.receive_json(timeout=5)
            assert first["type"] == "options" and first["open"] is True
            await ws.send_json({"type": "chat.start"})
            assert (await ws.receive_json(timeout=5))["type"] == "chat.queued"
            await ws.send_str("not json")
            assert (await ws.receive_json(timeout=5))["type"] == "error"

        status, answer = await call(
            client, "POST", "/sdk/scheduled-calls", token, {"slot": "x", "phone": "+33140000000"}
        )
        assert status == 409 and "not offered" in answer["error"]["message"]

    run(center, scenario)
