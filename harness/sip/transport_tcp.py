"""The asyncio module for SIP over TCP (RFC 3261 section 18): one listener, pooled connections.

A :class:`~harness.sip.transport.SipEndpoint` owns one :class:`TcpTransport`. It listens on
the endpoint's port (18.2.1: a server listening on UDP listens on TCP on the same port) and
keeps one connection per peer address, reused for every message to that address (18.1.1):

- a connection we open is known by the address we connected to;
- a connection a peer opened is known by its source address, which is where the user
  agent core sends the responses to requests that came on it (18.2.2).

Each connection cuts its byte stream into messages with the sans-IO
:class:`~harness.sip.framing.StreamFramer`, answers RFC 5626 keep-alive pings, and is closed
when the peer breaks the framing. Failing to connect is reported back (``on_failure``) so
the transactions waiting on it fail at once instead of timing out. Loopback only: the
endpoint refuses every other destination before anything reaches this module.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from harness.sip.framing import Frame, FramingError, Ping, StreamFramer
from harness.sip.transaction import Address

__all__ = ["CONNECT_TIMEOUT", "TcpTransport"]

CONNECT_TIMEOUT = 5.0


class TcpTransport:
    """TCP listener and connections for one endpoint; all callbacks run on the loop."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        on_message: Callable[[bytes, Address], None],
        on_failure: Callable[[Address, str], None],
        on_error: Callable[[Address, str], None],
    ) -> None:
        self._loop = loop
        self.on_message = on_message
        """A complete message arrived from ``peer`` (the connection's remote address)."""
        self.on_failure = on_failure
        """Messages for ``peer`` could not be sent: no connection could be made, or it broke."""
        self.on_error = on_error
        """``peer`` broke the stream framing; its connection is being closed."""
        self._server: asyncio.Server | None = None
        self._connections: dict[Address, _Connection] = {}
        self._all: set[_Connection] = set()
        self._pending: dict[Address, list[bytes]] = {}
        self._connecting: set[asyncio.Task[None]] = set()
        self._closed = False

    async def listen(self, host: str, port: int) -> int:
        """Listen on ``host:port``; returns the port (OSError when it is taken)."""
        self._server = await self._loop.create_server(
            lambda: _Connection(self), host, port, reuse_address=True
        )
        return int(self._server.sockets[0].getsockname()[1])

    def peers(self) -> list[Address]:
        """Addresses with an open connection."""
        return sorted(self._connections)

    def send(self, data: bytes, peer: Address) -> None:
        """Send ``data`` to ``peer``, on its connection or a new one."""
        if self._closed:
            return
        connection = self._connections.get(peer)
        if connection is not None and connection.open:
            connection.write(data)
        elif peer in self._pending:
            self._pending[peer].append(data)
        else:
            self._pending[peer] = [data]
            task = self._loop.create_task(self._connect(peer))
            self._connecting.add(task)
            task.add_done_callback(self._connecting.discard)

    async def _connect(self, peer: Address) -> None:
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                _, connection = await self._loop.create_connection(
                    lambda: _Connection(self), peer[0], peer[1]
                )
        except (OSError, TimeoutError) as exc:
            self._pending.pop(peer, None)
            self.on_failure(peer, f"TCP connection to {peer[0]}:{peer[1]} failed: {exc!r}")
            return
        self._connections[peer] = connection  # known by the address we dialled, too
        for data in self._pending.pop(peer, []):
            connection.write(data)

    def _opened(self, connection: _Connection) -> None:
        self._all.add(connection)
        self._connections[connection.peer] = connection

    def _lost(self, connection: _Connection) -> None:
        self._all.discard(connection)
        for key in [k for k, c in self._connections.items() if c is connection]:
            del self._connections[key]

    async def close(self) -> None:
        """Stop listening, close every connection and wait until they are gone."""
        self._closed = True
        if self._server is not None:
            self._server.close()
        for task in list(self._connecting):
            task.cancel()
        if self._connecting:
            await asyncio.gather(*self._connecting, return_exceptions=True)
        connections = list(self._all)
        for connection in connections:
            connection.close()
        for connection in connections:
            await connection.closed
        if self._server is not None:
            await self._server.wait_closed()
        self._pending.clear()


class _Connection(asyncio.Protocol):
    """One TCP connection: frames what it receives, writes what it is given."""

    def __init__(self, owner: TcpTransport) -> None:
        self._owner = owner
        self._framer = StreamFramer()
        self._transport: asyncio.Transport | None = None
        self.peer: Address = ("", 0)
        self.closed: asyncio.Future[None] = owner._loop.create_future()

    @property
    def open(self) -> bool:
        """True while the connection can carry data."""
        return self._transport is not None and not self._transport.is_closing()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        name: Any = transport.get_extra_info("peername")
        self.peer = (str(name[0]), int(name[1]))
        self._owner._opened(self)

    def data_received(self, data: bytes) -> None:
        try:
            items = self._framer.feed(data)
        except FramingError as exc:
            self._owner.on_error(self.peer, f"framing: {exc.reason}")
            self.close()
            return
        for item in items:
            if isinstance(item, Frame):
                self._owner.on_message(item.data, self.peer)
            elif isinstance(item, Ping) and self.open:
                self.write(b"\r\n")  # the pong of RFC 5626 section 3.5.1

    def write(self, data: bytes) -> None:
        if self._transport is None or self._transport.is_closing():
            self._owner.on_failure(self.peer, "TCP connection closed")
            return
        self._transport.write(data)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        elif not self.closed.done():
            self.closed.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self._owner._lost(self)
        if not self.closed.done():
            self.closed.set_result(None)
