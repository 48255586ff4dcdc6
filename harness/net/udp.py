"""UDP sockets read straight from the event loop's selector, for SIP and media.

Lighter than asyncio's datagram transports: opening one is a plain call (no coroutine, protocol
object or scheduled ``connection_made``), which matters for media that opens them by the
hundred (two per call on each relay); a wake-up reads every datagram waiting (up to
`READ_BATCH`) instead of one, which matters for a SIP port taking hundreds of messages a second
(one loop turn each otherwise); a send goes to the kernel at once.

A send the kernel refuses for want of buffer space is counted as dropped, never queued: a late
RTP packet is a lost one, and SIP over UDP retransmits. A send the kernel rejects, or an error
it reports on receive (an ICMP error, where it reports them: Linux does not on unconnected
sockets), is counted and given to ``on_error``; the socket carries on.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import random
import socket
from collections.abc import Callable
from functools import lru_cache
from typing import Any

__all__ = [
    "READ_BATCH",
    "SocketAddress",
    "Tap",
    "UdpSocket",
    "add_tap",
    "bind_even_socket",
    "bind_socket",
    "remove_tap",
]

SocketAddress = tuple[Any, ...]
"""A source address as the socket gives it: (host, port) for IPv4, four fields for IPv6."""

Tap = Callable[[bytes, SocketAddress, SocketAddress], None]
"""Sees a datagram as ``(data, source, destination)``; called on the loop's thread, must not
raise and must be quick (it runs once per SIP message and RTP packet)."""

# Every datagram a `UdpSocket` sends or receives goes to each tap (the evidence capture).
# A tuple replaced whole, so the loop's thread never sees it half-changed.
_taps: tuple[Tap, ...] = ()


def add_tap(tap: Tap) -> None:
    """Show ``tap`` every datagram sent or received from now on, by any `UdpSocket`."""
    global _taps
    _taps = (*_taps, tap)


def remove_tap(tap: Tap) -> None:
    """Stop showing datagrams to ``tap`` (nothing happens if it was not added)."""
    global _taps
    _taps = tuple(t for t in _taps if t != tap)  # == : a bound method is made anew per access


READ_BATCH = 32  # datagrams read per wake-up at most, so one busy socket cannot starve the loop
MAX_DATAGRAM = 65535
_RANDOM_ATTEMPTS = 8  # random even ports tried before asking the kernel for any port
_FALLBACK_ATTEMPTS = 64
_PORT_RANGE = "/proc/sys/net/ipv4/ip_local_port_range"
_DEFAULT_RANGE = (32768, 60999)  # Linux's default ephemeral range


@lru_cache(maxsize=64)
def _family(host: str) -> socket.AddressFamily:
    try:
        version = ipaddress.ip_address(host).version
    except ValueError:  # a name such as "localhost": bind() resolves it, as IPv4
        return socket.AF_INET
    return socket.AF_INET6 if version == 6 else socket.AF_INET


@lru_cache(maxsize=1)
def _ephemeral_range() -> tuple[int, int]:
    try:
        with open(_PORT_RANGE, encoding="ascii") as f:
            low, high = (int(part) for part in f.read().split())
    except (OSError, ValueError):
        return _DEFAULT_RANGE
    return (low, high) if 1024 <= low < high <= 65535 else _DEFAULT_RANGE


_socket_class: Callable[..., socket.socket] | None = None


def use_socket_class(factory: Callable[..., socket.socket] | None) -> None:
    """Create this process's UDP sockets with ``factory`` (None: ``socket.socket`` as it is).

    A load worker runs the harness on its own thread beside gevent, whose patching replaces
    ``socket.socket`` with a class made for its hub; the worker passes the class the patching
    left aside, so every datagram skips gevent's wrapper and no hub object is used off its
    thread.
    """
    global _socket_class
    _socket_class = factory


def bind_socket(host: str, port: int) -> socket.socket:
    """A non-blocking UDP socket bound to ``host:port`` (0: any port); OSError if it cannot."""
    factory = _socket_class if _socket_class is not None else socket.socket
    sock = factory(_family(host), socket.SOCK_DGRAM)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def _try_bind(host: str, port: int) -> socket.socket | None:
    """`bind_socket`, or None when the port is taken."""
    try:
        return bind_socket(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return None
        raise


def bind_even_socket(host: str, rng: random.Random | None = None) -> socket.socket:
    """A non-blocking UDP socket on an even ephemeral port (RFC 3550 section 11).

    A random even port of the ephemeral range is tried first (one socket when it is free, which
    it nearly always is); then the kernel's choice, or its even neighbour when it is odd.
    """
    draw = rng if rng is not None else random
    low, high = _ephemeral_range()
    sock: socket.socket | None = None
    for _ in range(_RANDOM_ATTEMPTS):
        sock = _try_bind(host, 2 * draw.randint((low + 1) // 2, high // 2))
        if sock is not None:
            break
    for _ in range(0 if sock is not None else _FALLBACK_ATTEMPTS):
        sock = _try_bind(host, 0)
        if sock is None:
            continue
        port = sock.getsockname()[1]
        if port % 2 == 0:
            break
        sock.close()
        sock = _try_bind(host, port - 1)  # the even neighbour is usually free
        if sock is not None:
            break
    if sock is None:
        raise OSError(errno.EADDRINUSE, f"no free even UDP port on {host}")
    return sock


class UdpSocket:
    """A bound non-blocking UDP socket whose datagrams go to ``on_datagram(data, source)``."""

    def __init__(
        self,
        sock: socket.socket,
        on_datagram: Callable[[bytes, SocketAddress], None],
        loop: asyncio.AbstractEventLoop | None = None,
        *,
        on_error: Callable[[OSError], None] | None = None,
    ) -> None:
        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self._sock: socket.socket | None = sock
        self._fd = sock.fileno()
        self._on_datagram = on_datagram
        self._on_error = on_error
        self.sockname: SocketAddress = sock.getsockname()
        self.errors = 0
        """Sends the kernel refused, and errors it reported for earlier sends (each also given
        to ``on_error``)."""
        self.last_error: OSError | None = None
        self.dropped = 0
        """Sends dropped because the socket's send buffer was full."""
        self._loop.add_reader(self._fd, self._read_ready)

    @classmethod
    def open_even(cls, host: str, on_datagram: Callable[[bytes, SocketAddress], None]) -> UdpSocket:
        """A socket on an even port of ``host``, read on the running loop."""
        sock = bind_even_socket(host)
        try:
            return cls(sock, on_datagram)
        except BaseException:
            sock.close()
            raise

    @property
    def closed(self) -> bool:
        return self._sock is None

    def sendto(self, data: bytes, address: tuple[str, int]) -> None:
        sock = self._sock
        if sock is None:
            return
        try:
            sock.sendto(data, address)
        except (BlockingIOError, InterruptedError):
            self.dropped += 1
        except OSError as exc:
            self._error(exc)
        else:
            if _taps:
                for tap in _taps:
                    tap(data, self.sockname, address)

    def _error(self, exc: OSError) -> None:
        self.errors += 1
        self.last_error = exc
        if self._on_error is not None:
            self._on_error(exc)

    def _read_ready(self) -> None:
        for _ in range(READ_BATCH):
            sock = self._sock
            if sock is None:
                return  # closed by the callback
            try:
                data, source = sock.recvfrom(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # an error the kernel queued for an earlier send
                self._error(exc)
                continue
            if _taps:
                for tap in _taps:
                    tap(data, source, self.sockname)
            self._on_datagram(data, source)

    def close(self) -> None:
        """Stop reading and release the port; safe to call twice."""
        sock, self._sock = self._sock, None
        if sock is None:
            return
        if not self._loop.is_closed():
            self._loop.remove_reader(self._fd)
        sock.close()
