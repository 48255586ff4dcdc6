"""Consumers' identities over real HTTP (seed 004, CC-UNA, CC-RSV): a session the reference
cannot identify is refused with nothing stored; a chat writes its contact and ticket into a
real CRM (the harness's); login merges the unauthenticated tickets, or keeps them apart when
asked; the harness's CRM refuses a bad write and keeps nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from harness.endpoints.crm import Crm
from harness.reference.service import ContactCenter
from harness.runtime.journal import Journal
from tests.integration.reference.test_api import call, new_account, run

KEY_HEADER = "X-Callproof-Sdk-Key"


async def _account(client: TestClient, crm: Crm | None) -> tuple[str, str, str]:
    """An account with a leaf queue and, if given, the CRM: (account key, SDK key, queue id)."""
    key = await new_account(client)
    status, queue = await call(client, "POST", "/routing/queues", key, {"name": "Support"})
    assert status == 201, queue
    if crm is not None:
        body = {"url": crm.url, "timeout_s": 2.0}
        assert (await call(client, "PUT", "/crm/settings", key, body))[0] == 200
    sdk_key = (await call(client, "GET", "/consumers/sdk-key", key))[1]["key"]
    return key, sdk_key, queue["id"]


async def _open(client: TestClient, sdk_key: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = await client.post("/sdk/sessions", json=body, headers={KEY_HEADER: sdk_key})
    return response.status, await response.json()


async def _chat(client: TestClient, token: str) -> dict[str, Any]:
    async with client.ws_connect(f"/sdk/ws?access_token={token}") as ws:
        assert (await ws.receive_json())["type"] == "options"
        await ws.send_json({"type": "chat.start"})
        answer: dict[str, Any] = await ws.receive_json()
        return answer


def _sessions(center: ContactCenter) -> int:
    return int(center.store.execute("SELECT count(*) FROM consumer_sessions").fetchone()[0])


def test_a_session_that_cannot_be_identified_is_refused_and_nothing_is_stored(center):
    async def scenario(client: TestClient, center: ContactCenter) -> None:
        _key, sdk_key, queue = await _account(client, None)
        before = _sessions(center)
        bad: list[tuple[dict[str, Any], str]] = [
            ({"channel": "mobile", "queue_id": queue, "installation_id": ""}, "installation_id"),
            ({"channel": "web", "queue_id": queue, "visitor_id": "visitor-forged"}, "visitor_id"),
            (
                {"channel": "web", "queue_id": queue, "reserved": {"reserved_vip": True}},
                "reserved.reserved_vip",
            ),
        ]
        for body, field in bad:
            status, refused = await _open(client, sdk_key, body)
            assert status == 400 and refused["error"]["field"] == field, refused
        assert _sessions(center) == before

    run(center, scenario)


def test_login_merges_the_unauthenticated_tickets_into_the_user_s_contact_unless_asked_not_to(
    center,
):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        crm = await Crm.start(Journal())
        try:
            _key, sdk_key, queue = await _account(client, crm)
            opened: list[dict[str, Any]] = []
            for install in ("install-1", "install-2"):
                body = {"channel": "mobile", "queue_id": queue, "installation_id": install}
                status, session = await _open(client, sdk_key, body)
                assert status == 201 and session["unique_id"] == install, session
                answer = await _chat(client, session["token"])
                assert answer["type"] == "chat.queued" and answer["crm_ticket_id"], answer
                opened.append(session)
            first, second = opened
            merged = await call(
                client, "POST", "/sdk/login", first["token"], {"user_id": "customer-1"}
            )
            kept = await call(
                client,
                "POST",
                "/sdk/login",
                second["token"],
                {"user_id": "customer-2", "merge_tickets": False},
            )
            assert merged[0] == 200 and len(merged[1]["merged_tickets"]) == 1, merged
            assert kept[0] == 200 and kept[1]["merged_tickets"] == [], kept
            owner = {
                t.id: crm.book.contacts[t.contact_id].unique_id for t in crm.book.tickets.values()
            }
            assert sorted(owner.values()) == ["customer-1", "install-2"], owner
            again = await call(client, "POST", "/sdk/login", first["token"], {"user_id": "x"})
            assert again[0] == 409 and "already logged in" in again[1]["error"]["message"]
        finally:
            await crm.close()

    run(center, scenario)


def test_the_harness_crm_refuses_a_bad_write_and_keeps_nothing():
    async def scenario() -> None:
        crm = await Crm.start(Journal())
        try:
            async with aiohttp.ClientSession() as http:
                for path, body, words in (
                    ("/contacts", {"unique_id": "v-1"}, "first_name"),
                    ("/tickets", {"contact_id": "C99999", "subject": "Hi"}, "contact_id"),
                ):
                    async with http.post(crm.url + path, json=body) as resp:
                        assert resp.status == 400
                        assert words in (await resp.json())["error"]
                async with http.patch(crm.url + "/tickets/T1", json={"contact_id": "C1"}) as resp:
                    assert resp.status == 404
            assert crm.book.contacts == {} and crm.book.tickets == {}
        finally:
            await crm.close()

    asyncio.run(scenario())
