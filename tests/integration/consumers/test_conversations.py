"""The agent app's conversations over real HTTP: the customer's messages and the line's replies
in one conversation, texting only from an eligible line (refused otherwise, nothing sent or
stored), the line setting checked."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from harness.endpoints.sms_gateway import Sms, SmsGateway
from harness.reference.service import ContactCenter
from harness.runtime.journal import Journal
from tests.integration.reference.test_api import call, new_account, run

CUSTOMER = "+33612345678"
LINE = "+33198765400"


async def _setup(client: TestClient, gateway: SmsGateway) -> tuple[str, str, str, dict[str, str]]:
    """An account with a line, an agent's token and the gateway configured."""
    key = await new_account(client)
    _, agent = await call(client, "POST", "/users", key, {"name": "Ana", "email": "a@x.test"})
    _, token = await call(client, "POST", "/tokens", key, {"user_id": agent["id"]})
    _, line = await call(client, "POST", "/numbers", key, {"e164": LINE, "name": "Support"})
    _, settings = await call(
        client, "PUT", "/sms/settings", key, {"gateway_url": gateway.url, "number": "+33100000001"}
    )
    return key, token["token"], line["id"], settings


def test_texting_needs_an_eligible_line_and_the_conversation_holds_both_ways(center):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        gateway = await SmsGateway.start(Journal())
        try:
            key, agent, line, settings = await _setup(client, gateway)
            path = f"/me/conversations/{line}/{CUSTOMER[1:]}"
            status, refused = await call(client, "POST", f"{path}/sms", agent, {"body": "Hi"})
            assert status == 409, refused
            assert "not eligible for SMS" in refused["error"]["message"]
            assert (
                gateway.attempts == []
                and (await call(client, "GET", "/sms/messages", key))[1]["messages"] == []
            )

            status, bad = await call(client, "PUT", f"/numbers/{line}/sms", key, {"eligible": 1})
            assert status == 400 and bad["error"]["field"] == "eligible"
            assert (await call(client, "GET", f"/numbers/{line}/sms", key))[1] == {
                "eligible": False
            }
            status, _ = await call(client, "PUT", f"/numbers/{line}/sms", key, {"eligible": True})
            assert status == 200

            webhook = str(client.make_url(settings["webhook_path"]))
            incoming = Sms(CUSTOMER, LINE, "Photo", ("https://media.test/a.png",))
            status, _ = await gateway.deliver(webhook, settings["webhook_secret"], incoming)
            assert status == 201
            status, sent = await call(client, "POST", f"{path}/sms", agent, {"body": "Thanks"})
            assert status == 201 and (sent["from"], sent["status"]) == (LINE, "sent")
            assert [(s.from_number, s.body) for s in gateway.sent] == [(LINE, "Thanks")]

            status, shown = await call(client, "GET", path, agent)
            assert status == 200 and shown["sms_eligible"] is True
            entries = [(e["kind"], e["direction"], e["body"]) for e in shown["entries"]]
            assert entries == [("sms", "inbound", "Photo"), ("sms", "outbound", "Thanks")]
            assert shown["entries"][0]["media_urls"] == ["https://media.test/a.png"]
            status, bad = await call(client, "GET", f"/me/conversations/{line}/0612", agent)
            assert status == 400 and bad["error"]["field"] == "customer"
        finally:
            await gateway.close()

    run(center, scenario)
