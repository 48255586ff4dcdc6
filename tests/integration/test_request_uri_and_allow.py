"""The reference's SIP edge: %-escaped numbers (RFC 3261 19.1.4) and an exact Allow header."""

from __future__ import annotations

from harness.endpoints.events import PhoneRinging
from harness.runtime.journal import Match
from harness.scenario.calls import CallFlows
from harness.scenario.cast import Cast
from harness.scenario.distribution import DistributionAdmin
from harness.sip.transport import SipEndpoint

ACCEPTED = {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO", "REGISTER"}


def test_a_number_whose_user_part_is_escaped_is_the_same_number(
    admin: DistributionAdmin, cast: Cast, flows: CallFlows
) -> None:
    number = cast.add_number("Support")
    cast.add_agent_with_phone("Alice")
    admin.add("Support", "user", "Alice")
    uri = cast.telephony.number_uri(number)
    escaped = uri.replace(number.e164, "+" + "".join(f"%{ord(c):02X}" for c in number.e164[1:]))
    assert escaped != uri and "%3" in escaped
    position = cast.journal.position
    sip_call_id = cast.portal.run(cast.customer.dial(escaped))
    cast.journal.wait_for(Match(PhoneRinging, party="Alice"), 10, after=position)
    cast.portal.run(cast.customer.hangup(sip_call_id))


async def _ask(method: str, target: str) -> tuple[int, str]:
    async with await SipEndpoint.open("127.0.0.1", 0, listen_tcp=False) as ep:
        response = await ep.request(method, target, from_uri="sip:probe@127.0.0.1", timeout=5)
        return response.status, ",".join(response.headers.get_all("Allow"))


def test_allow_lists_exactly_the_methods_the_edge_accepts(cast: Cast) -> None:
    host, port = cast.telephony.registrar()
    target = f"sip:probe@{host}:{port}"
    status, allow = cast.portal.run(_ask("OPTIONS", target))
    listed = {m.strip() for m in allow.split(",")}
    assert status == 200 and listed == ACCEPTED
    for method in ("MESSAGE", "NOTIFY", "SUBSCRIBE"):
        refused, _ = cast.portal.run(_ask(method, target))
        assert refused in (405, 501), f"{method} got {refused}, yet Allow does not list it"
