"""Digest authentication between two endpoints on real loopback sockets."""

from __future__ import annotations

import asyncio

from harness.sip.auth import (
    AuthStatus,
    Credentials,
    DigestChallenger,
    parse_auth_params,
)
from harness.sip.transport import IncomingSipRequest, SipEndpoint
from harness.sip.useragent import DEFAULT_ALLOW
from tests.unit.sip.test_auth import PASSWORDS


def test_expired_nonce_end_to_end_between_two_endpoints() -> None:
    """A registrar whose nonce expires while the phone answers it: stale=true, then 200."""

    async def scenario() -> None:
        async with (
            await SipEndpoint.open() as phone,
            await SipEndpoint.open(allow=(*DEFAULT_ALLOW, "REGISTER")) as registrar,
        ):
            clock = [1000.0]  # the registrar's own clock, moved by the test
            challenger = DigestChallenger("callproof.test", now=clock[0], nonce_lifetime=30.0)
            seen: list[tuple[str | None, str]] = []

            def on_request(request: IncomingSipRequest) -> None:
                header = request.request.headers.get("Authorization")
                if header is None:
                    seen.append((None, "challenged"))
                    offered = challenger.challenges(now=clock[0])
                    request.respond(401, extra=[("WWW-Authenticate", c) for c in offered])
                    clock[0] += 31.0  # the phone is slow: the nonce expires meanwhile
                    return
                algorithm = parse_auth_params(header)[1].get("algorithm")
                verdict = challenger.verify(header, "REGISTER", PASSWORDS.get, clock[0])
                seen.append((algorithm, verdict.status.value))
                if verdict.status is AuthStatus.STALE:
                    stale = challenger.challenges(stale=True, now=clock[0])
                    request.respond(401, extra=[("WWW-Authenticate", c) for c in stale])
                elif verdict.ok:
                    contact = request.request.headers.get("Contact") or ""
                    request.respond(200, extra=[("Contact", contact)])
                else:  # a fresh challenge without stale=true: the password was refused
                    fresh = challenger.challenges(now=clock[0])
                    request.respond(401, extra=[("WWW-Authenticate", c) for c in fresh])

            registrar.on_request = on_request
            host, port = registrar.local_address
            response = await phone.register(
                f"sip:callproof.test@{host}:{port}",
                "sip:alice@callproof.test",
                credentials=Credentials("alice", "wonderland"),
                timeout=5,
            )
            assert response.status == 200
            assert seen == [(None, "challenged"), ("SHA-256", "stale"), ("SHA-256", "ok")]

            # With the wrong password the second 401 has no stale=true: no third attempt.
            seen.clear()
            refused = await phone.register(
                f"sip:callproof.test@{host}:{port}",
                "sip:alice@callproof.test",
                credentials=Credentials("alice", "guess"),
                timeout=5,
            )
            assert refused.status == 401 and seen == [(None, "challenged"), ("SHA-256", "bad")]

    asyncio.run(scenario())
