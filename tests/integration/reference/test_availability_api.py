"""The availability routes of the agent app: a user reads and sets her own; bad input changes
nothing; the page itself is served without a token."""

from __future__ import annotations

from .test_access_api import user_token
from .test_api import call, new_account, run


def test_a_user_sets_herself_away_and_a_bad_word_changes_nothing(center):
    async def scenario(client, _center):
        key = await new_account(client)
        alice_id, _, alice = await user_token(client, key, "agent")
        _, _, bob = await user_token(client, key, "agent")

        status, me = await call(client, "GET", "/me/availability", alice)
        assert (status, me["user_id"], me["availability"]) == (200, alice_id, "available")

        status, me = await call(client, "PUT", "/me/availability", alice, {"availability": "away"})
        assert (status, me["availability"]) == (200, "away")

        status, body = await call(
            client, "PUT", "/me/availability", alice, {"availability": "busy"}
        )
        assert status == 400
        assert body["error"]["field"] == "availability"
        assert "'available', 'away'" in body["error"]["message"]
        assert (await call(client, "GET", "/me/availability", alice))[1]["availability"] == "away"
        assert (await call(client, "GET", "/me/availability", bob))[1]["availability"] == (
            "available"
        )

    run(center, scenario)


def test_the_account_key_has_no_availability_and_the_page_is_public(center):
    async def scenario(client, _center):
        key = await new_account(client)
        status, body = await call(client, "GET", "/me/availability", key)
        assert status == 403
        assert body["error"]["message"] == "only a user's token has an availability"

        page = await client.get("/app")
        assert page.status == 200 and page.content_type == "text/html"
        assert 'role="switch"' in await page.text()

    run(center, scenario)
