"""The tickets routes over HTTP: who writes a comment, bad values refused naming the field and
changing nothing, recordings played, forbidden and deleted twice (ZT-TKT-12 to 16)."""

from __future__ import annotations

from harness.media.tones import SIGNATURES

from .test_access_api import user_token
from .test_api import call, new_account, run


def _answered_call(center, account_id: str, user_id: str) -> str:
    number = center.create_number(account_id, "+33999000333", "Support")
    center.add_ring_to(account_id, number.id, 0, "user", user_id)
    plan = center.start_inbound_call(number.e164, "+33145678901", "sip-api-1")
    center.agent_ringing(plan.call_id, user_id)
    assert center.answer_attempt(plan.call_id, user_id).registered
    return plan.call_id


def _account_id(center, key: str) -> str:
    account = center.account_for_token(key)
    assert account is not None
    return account.id


def test_comments_properties_and_settings_over_http(center):
    async def scenario(client, cc):
        key = await new_account(client)
        agent_id, _, agent = await user_token(client, key, "agent")
        acc = _account_id(cc, key)
        call_id = _answered_call(cc, acc, agent_id)

        status, found = await call(client, "GET", f"/tickets?call_id={call_id}", agent)
        assert status == 200 and len(found["tickets"]) == 1
        ticket = found["tickets"][0]
        path = f"/tickets/{ticket['id']}"
        assert ticket["calls"][0]["location"] == "Paris"

        status, comment = await call(client, "POST", f"{path}/comments", agent, {"body": "hi"})
        assert status == 201 and comment["author_id"] == agent_id
        assert comment["during_call"] == call_id
        status, comment = await call(client, "POST", f"{path}/comments", key, {"body": "sync"})
        assert status == 201 and comment["author_name"] == "API"

        before = (await call(client, "GET", path, agent))[1]
        for body, field in (({"priority": "sky-high"}, "priority"), ({"colour": "red"}, "colour")):
            status, refused = await call(client, "PUT", path, agent, body)
            assert status == 400 and refused["error"]["field"] == field, refused
        assert (await call(client, "GET", path, agent))[1] == before

        settings = (await call(client, "GET", "/talk/settings", key))[1]
        status, refused = await call(
            client, "PUT", "/talk/settings", key, {"carrier": "10.0.0.1:5060"}
        )
        assert status == 400 and refused["error"]["field"] == "carrier"
        assert (await call(client, "GET", "/talk/settings", key))[1] == settings

        status, refused = await call(
            client,
            "POST",
            "/calls/outbound",
            agent,
            {"to": "+33145678901", "number_id": cc.list_numbers(acc)[0].id, "ticket_id": "77"},
        )
        assert status == 404 and refused["error"]["field"] == "ticket_id", refused
        assert "'77'" in refused["error"]["message"]
        assert len((await call(client, "GET", "/tickets", agent))[1]["tickets"]) == 1

    run(center, scenario)


def test_a_recording_is_played_forbidden_and_deleted_once(center):
    async def scenario(client, cc):
        key = await new_account(client)
        agent_id, _, agent = await user_token(client, key, "agent")
        _, _, admin = await user_token(client, key, "admin")
        acc = _account_id(cc, key)
        call_id = _answered_call(cc, acc, agent_id)
        cc.call_ended(call_id, "caller", "caller hung up")
        cc.tickets.call_finished(acc, call_id, SIGNATURES[0].samples(8000))
        ticket = cc.tickets.list(acc, call_id=call_id)[0]

        status, listed = await call(client, "GET", f"/tickets/{ticket.id}/recordings", agent)
        (recording,) = listed["recordings"]
        played = await client.get(recording["url"], headers={"Authorization": f"Bearer {agent}"})
        audio = await played.read()
        assert played.status == 200 and audio[:4] == b"RIFF" and len(audio) > 16000

        await call(client, "PUT", "/talk/settings", key, {"recordings_playable": False})
        for token in (agent, admin, key):
            status, refused = await call(client, "GET", recording["url"], token)
            assert status == 403 and "recordings" in refused["error"]["message"]

        delete = f"/tickets/{ticket.id}/recordings/{recording['id']}"
        assert (await call(client, "DELETE", delete, agent))[0] == 403  # agents may not delete
        assert (await call(client, "DELETE", delete, admin))[0] == 204
        status, refused = await call(client, "DELETE", delete, admin)
        assert status == 409 and "already deleted" in refused["error"]["message"]
        assert refused["error"]["field"] == "recording_id"
        status, listed = await call(client, "GET", f"/tickets/{ticket.id}/recordings", agent)
        assert [r["deleted"] for r in listed["recordings"]] == [True]

    run(center, scenario)


def test_hold_audio_is_a_line_setting_and_its_melody_is_served(center):
    async def scenario(client, cc):
        key = await new_account(client)
        acc = _account_id(cc, key)
        number = cc.create_number(acc, "+33999000444", "Support")
        path = f"/talk/lines/{number.id}"
        status, line = await call(client, "GET", path, key)
        assert status == 200 and line["hold_audio"] is False
        status, line = await call(client, "PUT", path, key, {"hold_audio": True})
        assert status == 200 and line["hold_audio"] is True
        status, refused = await call(client, "PUT", path, key, {"hold_audio": "loud"})
        assert status == 400 and refused["error"]["field"] == "hold_audio", refused
        assert (await call(client, "GET", path, key))[1]["hold_audio"] is True
        response = await client.get(
            "/routing/prompts/hold", headers={"Authorization": f"Bearer {key}"}
        )
        assert response.status == 200 and response.content_type == "audio/wav"
        assert len(await response.read()) > 8000  # about a second of 16-bit audio

    run(center, scenario)
