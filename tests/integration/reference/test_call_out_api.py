"""The call-out routes over HTTP (SG-ERR): a refused outbound call's structured error and Call
ID, bad values refused naming the field and changing nothing, admins alone configuring."""

from __future__ import annotations

from .test_access_api import user_token
from .test_api import call, new_account, run

CUSTOMER = "+33612345678"


def test_a_refused_call_gives_the_code_and_a_call_id_support_can_look_up(center):
    async def scenario(client, cc):
        key = await new_account(client)
        agent_id, _, agent = await user_token(client, key, "agent")
        status, number = await call(
            client, "POST", "/numbers", key, {"e164": "+33999000444", "name": "Hotline"}
        )
        assert status == 201, number
        hotline = f"/call-out/hotlines/{number['id']}"

        status, refused = await call(client, "PUT", hotline, agent, {"allow_call_out": False})
        assert status == 403, refused
        status, closed = await call(client, "PUT", hotline, key, {"allow_call_out": False})
        assert status == 200 and closed["allow_call_out"] is False, closed

        body = {"to": CUSTOMER, "number_id": number["id"]}
        status, failed = await call(client, "POST", "/calls/outbound", agent, body)
        assert status == 403, failed
        error = failed["error"]
        assert error["code"] == "FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT"
        assert error["call_id"].startswith("CALL-") and failed["call_id"] == error["call_id"]
        status, logged = await call(client, "GET", f"/call-out/attempts/{error['call_id']}", key)
        assert status == 200 and logged["status"] == "failed", logged
        assert logged["code"] == error["code"] and logged["agent_id"] == agent_id

        status, refused = await call(
            client, "POST", "/calls/outbound", agent, {**body, "mode": "fax"}
        )
        assert status == 400 and refused["error"]["field"] == "mode", refused

    run(center, scenario)


def test_bad_configuration_is_refused_naming_the_field_and_nothing_changes(center):
    async def scenario(client, cc):
        key = await new_account(client)
        status, number = await call(
            client, "POST", "/numbers", key, {"e164": "+33999000555", "name": "Hotline"}
        )
        hotline = f"/call-out/hotlines/{number['id']}"
        before = (await call(client, "GET", hotline, key))[1]
        bad_hotlines: list[tuple[dict[str, object], str]] = [
            ({"groups": ["team_nope"]}, "groups[0]"),
            ({"all_groups": "no"}, "all_groups"),
        ]
        for bad, field in bad_hotlines:
            status, refused = await call(client, "PUT", hotline, key, bad)
            assert status == 400 and refused["error"]["field"] == field, refused
        assert (await call(client, "GET", hotline, key))[1] == before

        settings = (await call(client, "GET", "/call-out/settings", key))[1]
        bad_settings: list[tuple[dict[str, object], str]] = [
            ({"answer_url": "gopher://127.0.0.1/"}, "answer_url"),
            ({"stuck_call_timeout_s": -1}, "stuck_call_timeout_s"),
        ]
        for bad, field in bad_settings:
            status, refused = await call(client, "PUT", "/call-out/settings", key, bad)
            assert status == 400 and refused["error"]["field"] == field, refused
        assert (await call(client, "GET", "/call-out/settings", key))[1] == settings

        status, refused = await call(client, "POST", "/call-out/blacklist", key, {"number": "06"})
        assert status == 400 and refused["error"]["field"] == "number", refused
        assert (await call(client, "GET", "/call-out/blacklist", key))[1] == {"numbers": []}

    run(center, scenario)
