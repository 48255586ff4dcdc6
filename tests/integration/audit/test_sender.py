"""Sending malformed cases to a stand-in SUT on loopback and collecting the outcomes."""

from __future__ import annotations

import asyncio
from typing import cast

import pytest

from harness.audit.sender import case_named, fuzz, send_cases, still_answers
from harness.audit.udp import DatagramSocket


class StandIn(asyncio.DatagramProtocol):
    """Answers 100 then 400 to "bad CSeq", 200 to everything readable else, drops the rest."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.received = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.received += 1
        assert self.transport is not None
        if b"CSeq: one" in data:
            self.transport.sendto(b"SIP/2.0 100 Trying\r\n\r\n", addr)
            self.transport.sendto(b"SIP/2.0 400 Bad Request\r\n\r\n", addr)
        elif data.startswith(b"OPTIONS sip:127.0.0.1") and b"CSeq: 1 OPTIONS" in data:
            self.transport.sendto(b"SIP/2.0 200 OK\r\n\r\n", addr)


async def stand_in() -> tuple[StandIn, asyncio.DatagramTransport]:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(StandIn, local_addr=("127.0.0.1", 0))
    return protocol, transport


def test_each_case_gets_its_own_outcome() -> None:
    async def run() -> None:
        protocol, transport = await stand_in()
        target = transport.get_extra_info("sockname")[:2]
        try:
            cases = [case_named(n) for n in ("bad CSeq", "binary garbage", "70 kB datagram")]
            outcomes = await send_cases(target, cases, wait=0.5)
        finally:
            transport.close()
        assert [o.status for o in outcomes] == [400, None, None]
        assert [o.sent for o in outcomes] == [None, None, None]
        assert outcomes[2].size == 65_507
        assert all(o.acceptable for o in outcomes)
        assert protocol.received == 3

    asyncio.run(run())


def test_a_wrong_answer_is_not_acceptable_and_silence_is_noticed() -> None:
    async def run() -> None:
        protocol, transport = await stand_in()
        target = transport.get_extra_info("sockname")[:2]
        try:
            (outcome,) = await send_cases(target, [case_named("missing Via")], wait=0.5)
            assert outcome.status == 200 and not outcome.acceptable
            assert await fuzz(target, seed=1, count=20) == 20
            assert await still_answers(target, timeout=1.0) == "SIP/2.0 200 OK"
        finally:
            transport.close()
        assert protocol.received >= 22
        assert await still_answers(target, timeout=0.3) is None  # nobody there any more

    asyncio.run(run())


def test_a_datagram_too_large_for_udp_is_reported_not_sent() -> None:
    async def run() -> None:
        async with await DatagramSocket.open() as sock:
            with pytest.raises(OSError):
                sock.send(b"x" * 70_000, ("127.0.0.1", 9))

    asyncio.run(run())


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError):
        asyncio.run(send_cases(("127.0.0.1", 9), [], wait=0))
    with pytest.raises(ValueError, match="loopback"):
        asyncio.run(still_answers(("192.0.2.1", 5060)))
