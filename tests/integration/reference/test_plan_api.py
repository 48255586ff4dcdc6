"""The account's plan: the default, a change, and bad input refused naming the field."""

from __future__ import annotations

from .test_access_api import user_token
from .test_api import call, new_account, run


def test_an_admin_sets_the_plan_and_bad_input_changes_nothing(center):
    async def scenario(client, _center):
        key = await new_account(client)
        status, plan = await call(client, "GET", "/account/plan", key)
        assert status == 200
        assert plan == {
            "plan": "essentials", "ai_addon": False, "power_dialer": False, "ai_context": False
        }  # fmt: skip

        wanted = {"plan": "professional", "ai_addon": True}
        status, plan = await call(client, "PUT", "/account/plan", key, wanted)
        assert (status, plan["power_dialer"], plan["ai_context"]) == (200, True, True)

        for bad, field in (
            ({"plan": "gold", "ai_addon": False}, "plan"),
            ({"plan": "essentials", "ai_addon": "yes"}, "ai_addon"),
            ({"plan": "essentials", "colour": "red"}, "colour"),
        ):
            status, body = await call(client, "PUT", "/account/plan", key, bad)
            assert status == 400, bad
            assert body["error"]["field"] == field, body
        status, plan = await call(client, "GET", "/account/plan", key)
        assert (plan["plan"], plan["ai_addon"]) == ("professional", True)

        _, _, agent = await user_token(client, key, "agent")
        status, _ = await call(client, "PUT", "/account/plan", agent, wanted)
        assert status == 403

    run(center, scenario)
