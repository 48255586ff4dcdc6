"""SMS between the reference and the harness's gateway, over real HTTP on loopback: sends in
every fault mode of the gateway, signed inbound messages, bad settings refused naming the field
with the previous settings kept."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from harness.endpoints.sms_gateway import GatewayFault, Sms, SmsGateway, SmsSent
from harness.reference.service import ContactCenter
from harness.runtime.journal import Journal, Match
from tests.integration.reference.test_api import call, new_account, run

CUSTOMER = "+33612345678"
ACCOUNT_NUMBER = "+33198765432"


async def _configure(
    client: TestClient, key: str, gateway: SmsGateway, **extra: Any
) -> dict[str, Any]:
    status, settings = await call(
        client,
        "PUT",
        "/sms/settings",
        key,
        {"gateway_url": gateway.url, "number": ACCOUNT_NUMBER, **extra},
    )
    assert status == 200, settings
    return settings


def test_the_reference_sends_through_the_gateway_and_keeps_what_each_fault_did(center):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        journal = Journal()
        gateway = await SmsGateway.start(journal)
        try:
            key = await new_account(client)
            await _configure(client, key, gateway, timeout_s=0.5)
            body = {"to": CUSTOMER, "body": "Hello", "media_urls": ["https://example.test/a.png"]}
            status, sent = await call(client, "POST", "/sms/messages", key, body)
            assert (status, sent["status"], sent["from"]) == (201, "sent", ACCOUNT_NUMBER)
            event = await journal.wait_for_async(Match(SmsSent, to_number=CUSTOMER), 1)
            assert (event.body, event.media_urls) == ("Hello", ("https://example.test/a.png",))

            gateway.fault(GatewayFault.REFUSE)
            _, refused = await call(client, "POST", "/sms/messages", key, body)
            assert refused["status"] == "failed" and "503" in refused["detail"]

            gateway.fault(GatewayFault.DROP)
            _, dropped = await call(client, "POST", "/sms/messages", key, body)
            assert dropped["status"] == "failed"
            assert "could not be reached" in dropped["detail"]

            gateway.fault(GatewayFault.SLOW, delay_s=2.0)
            _, slow = await call(client, "POST", "/sms/messages", key, body)
            assert (slow["status"], slow["detail"]) == (
                "failed",
                "the gateway did not answer within 0.5 s",
            )

            gateway.fault(GatewayFault.NONE)
            _, listed = await call(client, "GET", "/sms/messages", key)
            statuses = [m["status"] for m in listed["messages"]]
            assert statuses == ["sent", "failed", "failed", "failed"]
            assert len(gateway.sent) == 1 and len(gateway.attempts) == 4
        finally:
            await gateway.close()

    run(center, scenario)


def test_a_signed_message_is_received_and_a_forged_one_is_refused(center):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        gateway = await SmsGateway.start()
        server = client.server
        try:
            key = await new_account(client)
            settings = await _configure(client, key, gateway)
            webhook = str(server.make_url(settings["webhook_path"]))
            sms = Sms(CUSTOMER, ACCOUNT_NUMBER, "Are you open?", ("https://example.test/p.jpg",))
            status, body = await gateway.deliver(webhook, settings["webhook_secret"], sms)
            assert status == 201, body

            status, body = await gateway.deliver(webhook, "not-the-secret", sms)
            assert status == 401 and "X-Callproof-Signature" in body["error"]["message"]

            _, listed = await call(client, "GET", "/sms/messages", key)
            [received] = listed["messages"]
            assert (received["direction"], received["from"], received["body"]) == (
                "inbound",
                CUSTOMER,
                "Are you open?",
            )
            assert received["media_urls"] == ["https://example.test/p.jpg"]
        finally:
            await gateway.close()

    run(center, scenario)


def test_bad_settings_are_refused_naming_the_field_and_the_previous_ones_kept(center):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        gateway = await SmsGateway.start()
        try:
            key = await new_account(client)
            before = await _configure(client, key, gateway)
            url, number = gateway.url, ACCOUNT_NUMBER
            bad = (
                ({"gateway_url": "http://192.0.2.10/sms", "number": number}, "gateway_url"),
                ({"gateway_url": "ftp://127.0.0.1/", "number": number}, "gateway_url"),
                ({"gateway_url": url, "number": "0612"}, "number"),
                ({"gateway_url": url, "number": number, "timeout_s": 99}, "timeout_s"),
            )
            for payload, field in bad:
                status, body = await call(client, "PUT", "/sms/settings", key, payload)
                assert (status, body["error"]["field"]) == (400, field), body
            assert (await call(client, "GET", "/sms/settings", key))[1] == before

            status, body = await call(
                client, "POST", "/sms/messages", key, {"to": "12", "body": "x"}
            )
            assert (status, body["error"]["field"]) == (400, "to")
            assert (await call(client, "GET", "/sms/messages", key))[1] == {"messages": []}
        finally:
            await gateway.close()

    run(center, scenario)
