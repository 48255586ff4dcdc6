"""Ticket merges and a ticket's requester over HTTP (ZT-MRG-4, 6, ZT-ID-10): each refusal names
what was wrong and changes nothing; a new requester needs the right to create end users."""

from __future__ import annotations

from .test_access_api import user_token
from .test_api import call, new_account, run
from .test_tickets_api import _account_id


def _answered(center, account_id: str, user_id: str, callers: list[str]) -> list[str]:
    number = center.create_number(account_id, "+33999000444", "Support")
    center.add_ring_to(account_id, number.id, 0, "user", user_id)
    call_ids = []
    for index, caller in enumerate(callers):
        plan = center.start_inbound_call(number.e164, caller, f"sip-req-{index}")
        center.agent_ringing(plan.call_id, user_id)
        assert center.answer_attempt(plan.call_id, user_id).registered
        call_ids.append(plan.call_id)
    return call_ids


def test_merges_and_requesters_refuse_bad_input_naming_it(center):
    async def scenario(client, cc):
        key = await new_account(client)
        agent_id, _, agent = await user_token(client, key, "agent")
        acc = _account_id(cc, key)
        unknown_call, known_call = _answered(cc, acc, agent_id, ["anonymous", "+33145678901"])
        tickets = {}
        for call_id in (unknown_call, known_call):
            _, found = await call(client, "GET", f"/tickets?call_id={call_id}", agent)
            tickets[call_id] = found["tickets"][0]
        old, new = tickets[unknown_call]["id"], tickets[known_call]["id"]
        assert tickets[unknown_call]["requester_id"].startswith("unk_")
        assert tickets[known_call]["shown_number"] == "+33145678901"

        before = (await call(client, "GET", "/tickets", agent))[1]
        people = (await call(client, "GET", "/end-users", agent))[1]
        refusals = [
            ("POST", f"/tickets/{new}/merge", {"into": new}, 400, "into itself"),
            ("POST", f"/tickets/{new}/merge", {"into": "4040"}, 404, "'4040' not found"),
            ("POST", f"/tickets/{new}/merge", {}, 400, "into"),
            ("PUT", f"/tickets/{old}/requester", {}, 400, "end_user_id"),
            ("PUT", f"/tickets/{old}/requester", {"end_user_id": "eu_0"}, 404, "'eu_0'"),
            (
                "PUT",
                f"/tickets/{old}/requester",
                {"end_user_id": "x", "name": "y"},
                400,
                "not both",
            ),
            ("PUT", f"/tickets/{old}/requester", {"name": "Hugo", "phones": [7]}, 400, "phones[0]"),
            ("PUT", "/tickets/4040/requester", {"name": "Hugo"}, 404, "'4040' not found"),
        ]
        for method, path, payload, expected, words in refusals:
            status, body = await call(client, method, path, agent, payload)
            assert status == expected, (path, payload, body)
            assert words in body["error"]["message"] or words == body["error"].get("field"), body
        _, _, supervisor = await user_token(client, key, "supervisor")
        status, _ = await call(client, "POST", f"/tickets/{new}/merge", supervisor, {"into": old})
        assert status == 403
        # Tickets may be changed, end users may not be created: no new requester either.
        role = {"name": "Triage", "base": "supervisor", "permissions": ["tickets.write"]}
        assert (await call(client, "POST", "/roles", key, role))[0] == 201
        _, _, triage = await user_token(client, key, "Triage")
        status, body = await call(
            client, "PUT", f"/tickets/{old}/requester", triage, {"name": "Hugo"}
        )
        assert status == 403 and "end_users.write" in body["error"]["message"]
        assert (await call(client, "GET", "/tickets", agent))[1] == before
        assert (await call(client, "GET", "/end-users", agent))[1] == people

        status, merged = await call(client, "POST", f"/tickets/{new}/merge", agent, {"into": old})
        assert status == 200 and merged["merged"]["merged_into"] == old
        assert merged["ticket"]["shown_number"] == "+33145678901"
        status, body = await call(client, "POST", f"/tickets/{new}/merge", agent, {"into": old})
        assert status == 409 and "already merged" in body["error"]["message"]
        status, body = await call(
            client, "PUT", f"/tickets/{new}/requester", agent, {"name": "Hugo"}
        )
        assert status == 409 and "merged into" in body["error"]["message"]
        assert (await call(client, "GET", "/end-users", agent))[1] == people

        status, ticket = await call(
            client, "PUT", f"/tickets/{old}/requester", agent, {"name": "Hugo"}
        )
        assert status == 200 and ticket["requester"] == "Hugo"
        _, linked = await call(client, "GET", f"/calls/{unknown_call}/requester", agent)
        assert linked["requester_id"] == ticket["requester_id"]
        assert linked["identified"] == "unknown_caller"

    run(center, scenario)
