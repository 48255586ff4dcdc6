"""The capacity benchmark's registration of the agent's contact, over real loopback sockets."""

from __future__ import annotations

import asyncio

import pytest

from harness.benchmarks.capacity import (
    RegistrationRefused,
    Target,
    point_agent_at,
)
from harness.sip.transport import IncomingSipRequest, SipEndpoint
from harness.sip.uri import NameAddr
from harness.sip.useragent import DEFAULT_ALLOW
from harness.sut.model import SipCredentials


def register_with(status: int) -> list[str]:
    """Point an agent at port 27000 through a registrar answering ``status``; its Contacts."""
    seen: list[str] = []

    async def main() -> None:
        allow = (*DEFAULT_ALLOW, "REGISTER")
        async with await SipEndpoint.open("127.0.0.1", 0, allow=allow) as registrar, \
                await SipEndpoint.open("127.0.0.1", 0) as ours:  # fmt: skip

            def answer(request: IncomingSipRequest) -> None:
                seen.extend(str(NameAddr.parse(v)) for v in request.request.headers.get_all(
                    "Contact"))  # fmt: skip
                seen.append(f"Expires: {request.request.headers.get('Expires')}")
                request.respond(status)

            registrar.on_request = answer
            target = Target(registrar.local_address, "+33100",
                            SipCredentials("agent.1", "secret", "x"))  # fmt: skip
            await point_agent_at(ours, target, 27000, 26000)

    asyncio.run(main())
    return seen


def test_the_register_carries_the_contacts() -> None:
    seen = register_with(200)
    assert seen[1:] == [
        "<sip:agent.1@127.0.0.1:27000>;expires=600",
        "<sip:agent.1@127.0.0.1:26000>;expires=0",
        "Expires: 0",
    ]
    assert seen[0].startswith("<sip:agent.1@127.0.0.1:")  # the endpoint's own, expiring at once


def test_a_refused_register_is_reported() -> None:
    with pytest.raises(RegistrationRefused, match="403"):
        register_with(403)
