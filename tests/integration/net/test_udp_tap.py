"""The evidence tap on UDP sockets: each datagram sent and received, with both addresses."""

from __future__ import annotations

import asyncio

import pytest

from harness.evidence.capture import PacketCapture
from harness.net.udp import SocketAddress, UdpSocket, bind_socket

TIMEOUT = 5.0


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_the_capture_sees_a_datagram_leave_one_socket_and_reach_the_other(host: str) -> None:
    capture = PacketCapture()

    async def exchange() -> None:
        arrived = asyncio.Event()

        def received(data: bytes, source: SocketAddress) -> None:
            arrived.set()

        a = UdpSocket(bind_socket(host, 0), lambda data, source: None)
        b = UdpSocket(bind_socket(host, 0), received)
        try:
            with capture:
                a.sendto(b"OPTIONS sip:b SIP/2.0\r\n\r\n", b.sockname[:2])
                async with asyncio.timeout(TIMEOUT):
                    await arrived.wait()
            a.sendto(b"after the capture stopped", b.sockname[:2])
        finally:
            a.close()
            b.close()

    asyncio.run(exchange())
    sent, got = capture.datagrams()
    assert sent.source[:2] == got.source[:2] != sent.destination[:2] == got.destination[:2]
    assert sent.data == got.data == b"OPTIONS sip:b SIP/2.0\r\n\r\n"
    assert len(capture) == 2
