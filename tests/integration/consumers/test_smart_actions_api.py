"""Smart actions through the reference's API: another account's session and action are not
found, the agent's read waits for the answer and stops at its limit, too large a file is refused
and nothing is stored."""

from __future__ import annotations

import asyncio
import base64
import time

from aiohttp.test_utils import TestClient

from harness.data import captures
from harness.reference.service import ContactCenter
from tests.integration.consumers.test_sdk_api import _queues
from tests.integration.reference.test_api import bearer, call, new_account, run


async def _session(client: TestClient, key: str, channel: str = "mobile") -> tuple[str, str]:
    """A consumer session on a new leaf queue: (session id, its token)."""
    _, leaf = await _queues(client, key)
    sdk_key = (await call(client, "GET", "/consumers/sdk-key", key))[1]["key"]
    body = {"channel": channel, "queue_id": leaf}
    if channel == "mobile":
        body["installation_id"] = "install-1"  # a mobile SDK always sends its own
    response = await client.post(
        "/sdk/sessions",
        json=body,
        headers={"X-Callproof-Sdk-Key": sdk_key},
    )
    assert response.status == 201, await response.text()
    opened = await response.json()
    return opened["session_id"], opened["token"]


def test_another_accounts_session_and_action_are_not_found(center):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        key = await new_account(client)
        other = await new_account(client, "Other")
        session_id, _ = await _session(client, key)
        path = f"/consumers/sessions/{session_id}/smart-actions"
        body = {"kind": "screenshot", "during": "call"}
        status, action = await call(client, "POST", path, key, body)
        assert status == 201, action
        assert (await call(client, "POST", path, other, body))[0] == 404
        assert (await call(client, "GET", f"/consumers/smart-actions/{action['id']}", other))[
            0
        ] == 404
        status, listed = await call(client, "GET", path, key)
        assert status == 200 and [a["id"] for a in listed["actions"]] == [action["id"]]

    run(center, scenario)


def test_the_read_waits_for_the_answer_and_stops_at_its_limit(center):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        key = await new_account(client)
        session_id, token = await _session(client, key)
        path = f"/consumers/sessions/{session_id}/smart-actions"
        _, action = await call(client, "POST", path, key, {"kind": "photos", "during": "chat"})
        read = f"/consumers/smart-actions/{action['id']}"

        started = time.monotonic()
        status, unanswered = await call(client, "GET", read + "?wait_s=0.2", key)
        assert status == 200 and unanswered["status"] == "requested"
        assert 0.2 <= time.monotonic() - started < 2

        reading = asyncio.create_task(call(client, "GET", read + "?wait_s=8", key))
        await asyncio.sleep(0)  # the read goes out first (it waits; the answer must wake it)
        photo = captures.png(7)
        answered = await client.post(
            f"/sdk/smart-actions/{action['id']}/answer",
            json={"result": "granted", "media": [base64.b64encode(photo).decode()]},
            headers=bearer(token),
        )
        assert answered.status == 200, await answered.text()
        sent = time.monotonic()
        status, got = await reading
        assert status == 200 and got["status"] == "answered"
        assert time.monotonic() - sent < 1
        assert [base64.b64decode(m["data"]) for m in got["media"]] == [photo]

        status, bad = await call(client, "GET", read + "?wait_s=-1", key)
        assert (status, bad["error"]["field"]) == (400, "wait_s")

    run(center, scenario)


def test_too_large_a_file_is_refused_and_nothing_is_stored(center):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        key = await new_account(client)
        session_id, token = await _session(client, key, channel="web")
        big = captures.png(1) + bytes(70_000)  # a PNG's start, over the 64 KiB body limit
        refused = await client.post(
            "/sdk/attachments", params={"name": "big.png"}, data=big, headers=bearer(token)
        )
        assert refused.status == 413
        status, kept = await call(
            client, "GET", f"/consumers/sessions/{session_id}/attachments", key
        )
        assert status == 200 and kept["attachments"] == []

    run(center, scenario)
