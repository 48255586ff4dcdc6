"""The account's CRM over real HTTP: only loopback URLs are accepted (bad settings refused
naming the field, the stored ones kept), and a lookup gives the card, or why there is none when
the caller is unknown, the CRM is slow or it is down."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from harness.endpoints.crm import Crm, CrmFault, CustomerRecord
from harness.reference import crm
from harness.reference.service import ContactCenter
from tests.integration.reference.test_api import call, new_account, run

CUSTOMER = "+33612345678"


def test_crm_settings_take_loopback_urls_only_and_keep_the_stored_ones(center):
    async def scenario(client: TestClient, _center: ContactCenter) -> None:
        key = await new_account(client)
        good = {"url": "http://127.0.0.1:9/crm/", "timeout_s": 0.5}
        status, stored = await call(client, "PUT", "/crm/settings", key, good)
        assert status == 200 and stored == {"url": "http://127.0.0.1:9/crm", "timeout_s": 0.5}
        for bad, field in (
            ({"url": "http://crm.example.com/api"}, "url"),
            ({"url": "ftp://127.0.0.1/crm"}, "url"),
            ({"url": "http://127.0.0.1:9", "timeout_s": 60}, "timeout_s"),
            ({"url": "http://127.0.0.1:9", "timeout_s": "soon"}, "timeout_s"),
            ({"timeout_s": 1}, "url"),
        ):
            status, refused = await call(client, "PUT", "/crm/settings", key, bad)
            assert (status, refused["error"]["field"]) == (400, field), (bad, refused)
            assert (await call(client, "GET", "/crm/settings", key))[1] == stored
        status, removed = await call(client, "PUT", "/crm/settings", key, {"url": None})
        assert status == 200 and removed["url"] is None

    run(center, scenario)


def test_a_lookup_gives_the_card_or_says_why_not(center):
    async def scenario(client: TestClient, cc: ContactCenter) -> None:
        key = await new_account(client)
        _, me = await call(client, "GET", "/me", key)
        account = me["account_id"]
        assert await crm.insight(cc.store, account, CUSTOMER) is None  # no CRM: no card
        server = await Crm.start()
        try:
            server.add(CustomerRecord(CUSTOMER, "Marie Curie", "Radium Ltd", tier="Gold"))
            settings = {"url": server.url, "timeout_s": 0.2}
            await call(client, "PUT", "/crm/settings", key, settings)
            found = await crm.insight(cc.store, account, CUSTOMER)
            assert found == {
                "card": {
                    "name": "Marie Curie",
                    "company": "Radium Ltd",
                    "tier": "Gold",
                    "notes": "",
                }
            }
            unknown = await crm.insight(cc.store, account, "+33699999999")
            assert unknown == {"card": None, "note": "This caller is not in the CRM."}
            await server.fault(CrmFault.SLOW)
            slow = await crm.insight(cc.store, account, CUSTOMER)
            assert slow == {"card": None, "note": "The CRM did not answer within 0.2 s."}
            await server.fault(CrmFault.DOWN)
            down = await crm.insight(cc.store, account, CUSTOMER)
            assert down is not None and down["note"].startswith("The CRM could not be reached")
        finally:
            await server.close()

    run(center, scenario)
