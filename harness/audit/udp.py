"""The audit's own UDP socket: raw datagrams out, raw datagrams in, loopback only.

The probes and the malformed-message sender must write bytes no SIP stack would write, so
they do not go through ``harness.sip``; this is the one place where they touch a socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from typing import Any

from harness.audit.tools import Address, require_loopback

__all__ = ["Datagram", "DatagramSocket"]

Datagram = tuple[bytes, float]  # (payload, monotonic arrival time)


class DatagramSocket:
    """A UDP socket bound on loopback; what arrives is queued with its arrival time."""

    def __init__(self) -> None:
        self._transport: asyncio.DatagramTransport | None = None
        self._sock: socket.socket | None = None
        self._queue: asyncio.Queue[Datagram] = asyncio.Queue()
        self.errors: list[str] = []  # ICMP errors reported by the kernel (port unreachable...)

    @classmethod
    async def open(cls, port: int = 0, host: str = "127.0.0.1") -> DatagramSocket:
        """Bind ``host:port`` (0: any free port); raises OSError when the port is taken."""
        owner = cls()
        raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            raw.bind((require_loopback(host), port))
            raw.setblocking(False)
            loop = asyncio.get_running_loop()
            transport, _ = await loop.create_datagram_endpoint(lambda: _Protocol(owner), sock=raw)
        except OSError:
            raw.close()
            raise
        owner._transport, owner._sock = transport, raw
        return owner

    @property
    def local_address(self) -> Address:
        assert self._transport is not None, "socket not open"
        host, port = self._transport.get_extra_info("sockname")[:2]
        return str(host), int(port)

    def send(self, data: bytes, target: Address) -> None:
        """Send one datagram to ``target`` (loopback only); OSError when it cannot leave."""
        assert self._sock is not None, "socket not open"
        # Straight to the socket, so that a datagram the kernel refuses (too large) raises
        # here instead of being reported later through error_received.
        self._sock.sendto(data, (require_loopback(target[0]), target[1]))

    async def receive(self, timeout: float) -> Datagram | None:
        """The next datagram, or None when nothing arrives within ``timeout`` seconds."""
        try:
            async with asyncio.timeout(timeout):
                return await self._queue.get()
        except TimeoutError:
            return None

    def drain(self) -> list[Datagram]:
        """Everything queued so far."""
        out = []
        with contextlib.suppress(asyncio.QueueEmpty):
            while True:
                out.append(self._queue.get_nowait())
        return out

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()  # closes the socket too
            self._transport = None
            self._sock = None

    async def __aenter__(self) -> DatagramSocket:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, owner: DatagramSocket) -> None:
        self._owner = owner

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self._owner._queue.put_nowait((data, time.monotonic()))

    def error_received(self, exc: Exception) -> None:
        self._owner.errors.append(repr(exc))
