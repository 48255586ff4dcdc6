"""The end-user routes over real HTTP: profiles and their numbers, phone validation, merges and a
call's requester; every refusal names what was wrong and changes nothing."""

from __future__ import annotations

from .test_access_api import user_token
from .test_api import call, new_account, run

CHLOE, LEA = "+33612345678", "+34612345678"


def test_profiles_numbers_and_merges_round_trip(center):
    async def scenario(client, _center):
        key = await new_account(client)
        status, chloe = await call(client, "POST", "/end-users", key, {"name": "Chloé"})
        assert status == 201 and chloe["phones"] == [] and chloe["id"].startswith("eu_")
        status, chloe = await call(
            client, "POST", f"/end-users/{chloe['id']}/phones", key, {"number": CHLOE}
        )
        assert status == 201
        assert [(p["number"], p["kind"]) for p in chloe["phones"]] == [(CHLOE, "direct_line")]

        status, hugo = await call(
            client, "POST", "/end-users", key, {"name": "Hugo", "phones": [CHLOE]}
        )
        assert [(p["number"], p["kind"]) for p in hugo["phones"]] == [(CHLOE, "shared")]

        status, found = await call(client, "GET", "/end-users?phone=%2B33612345678", key)
        assert [u["id"] for u in found["end_users"]] == [chloe["id"], hugo["id"]]

        status, merged = await call(
            client, "POST", f"/end-users/{hugo['id']}/merge", key, {"into": chloe["id"]}
        )
        assert status == 200 and merged["dropped"] == []
        assert merged["merged"]["merged_into"] == chloe["id"]
        assert [(p["number"], p["kind"]) for p in merged["end_user"]["phones"]] == [
            (CHLOE, "direct_line")
        ]
        status, listed = await call(client, "GET", "/end-users", key)
        assert [u["id"] for u in listed["end_users"]] == [chloe["id"]]

        phone_id = chloe["phones"][0]["id"]
        status, left = await call(
            client, "DELETE", f"/end-users/{chloe['id']}/phones/{phone_id}", key
        )
        assert status == 200 and left["phones"] == []

    run(center, scenario)


def test_bad_input_is_refused_naming_the_problem_and_changes_nothing(center):
    async def scenario(client, _center):
        key = await new_account(client)
        _, chloe = await call(
            client, "POST", "/end-users", key, {"name": "Chloé", "phones": [CHLOE]}
        )
        _, lea = await call(client, "POST", "/end-users", key, {"name": "Léa", "phones": [LEA]})
        _, hugo = await call(client, "POST", "/end-users", key, {"name": "Hugo", "phones": [CHLOE]})
        status, body = await call(
            client, "PUT", "/settings/phone-validation", key, {"enabled": True}
        )
        assert (status, body) == (200, {"enabled": True})

        refusals = [
            (f"/end-users/{hugo['id']}/phones", {"number": "06 12 34 56 78"}, 400, "E.164"),
            (f"/end-users/{hugo['id']}/phones", {"number": LEA}, 409, "at most one shared number"),
            (f"/end-users/{hugo['id']}/merge", {"into": hugo["id"]}, 400, "into itself"),
            (f"/end-users/{hugo['id']}/merge", {"into": "eu_0000"}, 404, "eu_0000"),
            ("/end-users", {"name": "Zoé", "phones": ["0612"]}, 400, "phones[0]"),
            ("/end-users", {"name": "Zoé", "phones": [7]}, 400, "phones[0]: must be a string"),
            ("/end-users", {"name": " "}, 400, "name: must not be blank"),
        ]
        for path, payload, expected, words in refusals:
            status, body = await call(client, "POST", path, key, payload)
            assert status == expected, (path, payload, body)
            assert words in body["error"]["message"], body

        status, body = await call(client, "PUT", "/settings/phone-validation", key, {})
        assert status == 400 and body["error"]["field"] == "enabled"
        _, listed = await call(client, "GET", "/end-users", key)
        assert listed["end_users"] == [chloe, lea, hugo]
        assert (await call(client, "GET", "/settings/phone-validation", key))[1] == {
            "enabled": True
        }

    run(center, scenario)


def test_a_calls_requester_and_who_may_read_or_change_profiles(center):
    async def scenario(client, cc):
        key = await new_account(client)
        status, _number = await call(
            client, "POST", "/numbers", key, {"e164": "+33123456789", "name": "Support"}
        )
        assert status == 201
        plan = cc.start_inbound_call("+33123456789", CHLOE, "req-1@127.0.0.1")
        status, found = await call(client, "GET", f"/calls/{plan.call_id}/requester", key)
        assert status == 200 and found["identified"] == "new_profile"
        assert found["requester_name"] == CHLOE
        assert found["end_user"]["phones"][0]["number"] == CHLOE

        _, _, agent = await user_token(client, key, "agent")
        _, _, supervisor = await user_token(client, key, "supervisor")
        assert (await call(client, "POST", "/end-users", agent, {"name": "Zoé"}))[0] == 201
        assert (await call(client, "GET", "/end-users", supervisor))[0] == 200
        assert (await call(client, "POST", "/end-users", supervisor, {"name": "Zoé"}))[0] == 403
        put = {"enabled": True}
        assert (await call(client, "PUT", "/settings/phone-validation", agent, put))[0] == 403

        other = await new_account(client, "Other")
        assert (await call(client, "GET", f"/calls/{plan.call_id}/requester", other))[0] == 404
        profile = found["end_user"]["id"]
        assert (await call(client, "GET", f"/end-users/{profile}", other))[0] == 404

    run(center, scenario)
