"""Media's UDP sockets: even ports, batched reads, refused sends counted, close at any time."""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import Awaitable

import pytest

from harness.net.udp import READ_BATCH, SocketAddress, UdpSocket, bind_even_socket, bind_socket

TIMEOUT = 5.0


class Inbox:
    """Datagrams received, with an event once ``expected`` of them have arrived."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.data: list[bytes] = []
        self.done = asyncio.Event()

    def __call__(self, data: bytes, source: SocketAddress) -> None:
        self.data.append(data)
        if len(self.data) >= self.expected:
            self.done.set()


def run(scenario: Awaitable[None]) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(TIMEOUT):
            await scenario

    asyncio.run(bounded())


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_sockets_get_distinct_even_ports(host):
    socks = [bind_even_socket(host) for _ in range(20)]
    try:
        ports = [s.getsockname()[1] for s in socks]
        assert all(port % 2 == 0 for port in ports) and len(set(ports)) == len(ports)
        assert all(not s.getblocking() for s in socks)
    finally:
        for s in socks:
            s.close()


def test_a_host_name_binds_too():
    sock = bind_socket("localhost", 0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()


class _Fixed(random.Random):
    def __init__(self, value: int) -> None:
        super().__init__(0)
        self.value = value

    def randint(self, a: int, b: int) -> int:
        return self.value


def test_a_taken_random_port_falls_back_to_the_kernels_choice():
    holder = bind_even_socket("127.0.0.1")
    taken = holder.getsockname()[1]
    try:
        sock = bind_even_socket("127.0.0.1", rng=_Fixed(taken // 2))  # draws the taken port
        try:
            port = sock.getsockname()[1]
            assert port != taken and port % 2 == 0
        finally:
            sock.close()
    finally:
        holder.close()


def test_a_burst_arrives_whole_and_in_order():
    async def scenario() -> None:
        count = READ_BATCH * 3 + 5  # several wake-ups' worth
        inbox = Inbox(count)
        receiver = UdpSocket.open_even("127.0.0.1", inbox)
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            for i in range(count):  # all queued before the loop gets to read any
                sender.sendto(i.to_bytes(2, "big"), receiver.sockname[:2])
            await inbox.done.wait()
            assert [int.from_bytes(d, "big") for d in inbox.data] == list(range(count))
        finally:
            sender.close()
            receiver.close()

    run(scenario())


def test_a_refused_send_is_counted_and_the_socket_goes_on():
    async def scenario() -> None:
        inbox = Inbox(1)
        receiver = UdpSocket.open_even("127.0.0.1", inbox)
        peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            receiver.sendto(b"nowhere", ("127.0.0.1", 0))  # the kernel refuses port 0
            assert receiver.errors == 1 and isinstance(receiver.last_error, OSError)
            peer.sendto(b"after", receiver.sockname[:2])
            await inbox.done.wait()
            assert inbox.data == [b"after"]
            receiver.sendto(b"back", ("127.0.0.1", peer.getsockname()[1]))
            assert peer.recv(16) == b"back"  # blocking: the datagram is already queued
        finally:
            peer.close()
            receiver.close()

    run(scenario())


def test_closing_from_the_callback_stops_reading_and_frees_the_port():
    async def scenario() -> None:
        received: list[bytes] = []
        closed = asyncio.Event()

        def first_only(data: bytes, source: SocketAddress) -> None:
            received.append(data)
            receiver.close()
            closed.set()

        receiver = UdpSocket.open_even("127.0.0.1", first_only)
        address = receiver.sockname[:2]
        peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            for data in (b"one", b"two", b"three"):
                peer.sendto(data, address)
            await closed.wait()
            assert received == [b"one"] and receiver.closed
            receiver.close()  # twice is fine
            receiver.sendto(b"ignored", address)  # a closed socket sends nothing
            again = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            again.bind(address)  # the port is free again
            again.close()
        finally:
            peer.close()

    run(scenario())
