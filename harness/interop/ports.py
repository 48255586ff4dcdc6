"""Free loopback ports for programs that must be told their ports on the command line.

SIPp and baresip cannot report an ephemeral port back to us, so we choose a free one, release
it and pass it on. In between, another socket could take it: a port the kernel hands out for
``bind(0)`` is exactly what every busy process (RTP endpoints, relays, other test runs) takes all
the time, and such collisions were seen. So ports are drawn at random from below the kernel's
ephemeral range, which ``bind(0)`` never returns: only another explicit choice, just as unlikely
to land on the same number, could take one. A peer that still loses the race fails loudly at
start-up (SIPp exits 254, "fatal error binding a socket"), never silently.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import random
import socket
from collections.abc import Sequence
from pathlib import Path

UDP = socket.SOCK_DGRAM
TCP = socket.SOCK_STREAM

FLOOR = 20000
"""Lowest port drawn: above the well-known services and the range baresip takes its RTP ports
from (`harness.interop.baresip.RTP_PORTS`)."""
_EPHEMERAL = Path("/proc/sys/net/ipv4/ip_local_port_range")
_DEFAULT_EPHEMERAL = (32768, 60999)
_ATTEMPTS = 64


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET


def ephemeral_range() -> tuple[int, int]:
    """The ports the kernel hands out for ``bind(0)`` (Linux's setting, else its default)."""
    try:
        low, high = (int(part) for part in _EPHEMERAL.read_text().split())
    except (OSError, ValueError):
        return _DEFAULT_EPHEMERAL
    return low, high


def free_port(
    host: str = "127.0.0.1",
    needs: Sequence[tuple[int, int]] = ((UDP, 0),),
    *,
    rng: random.Random | None = None,
) -> int:
    """A port ``p`` such that every ``(socket type, offset)`` in ``needs`` binds at ``p + offset``.

    ``needs`` describes what the peer will bind: SIPp's media sockets are ``((UDP, 0), (UDP,
    2))``, baresip's SIP listener ``((UDP, 0), (TCP, 0), (TCP, 1))``. Offset 0 must be listed.
    The returned port is even when offset 0 is a UDP socket, as RTP wants (RFC 3550 section 11).
    """
    if not needs or all(offset != 0 for _, offset in needs):
        raise ValueError("needs must include the port itself (offset 0)")
    if any(offset < 0 for _, offset in needs):
        raise ValueError("offsets must not be negative")
    draw = rng if rng is not None else random.SystemRandom()
    family = _family(host)
    base_type = next(kind for kind, offset in needs if offset == 0)
    span = max(offset for _, offset in needs)
    low, high = FLOOR, ephemeral_range()[0] - 1 - span
    if high - low < 1000:  # an unusual ephemeral range: fall back to the kernel's choice
        low, high = 0, 0
    for _ in range(_ATTEMPTS):
        port = draw.randint(low, high) if high else _kernel_port(host, family, base_type)
        if base_type == UDP and port % 2:
            port -= 1
        if port > 0 and port + span <= 65535 and _all_bind(host, family, port, needs):
            return port
    raise OSError(errno.EADDRINUSE, f"no free port on {host} for {list(needs)}")


def _kernel_port(host: str, family: socket.AddressFamily, kind: int) -> int:
    with socket.socket(family, kind) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _all_bind(
    host: str, family: socket.AddressFamily, port: int, needs: Sequence[tuple[int, int]]
) -> bool:
    with contextlib.ExitStack() as held:
        for kind, offset in needs:
            sock = held.enter_context(socket.socket(family, kind))
            try:
                sock.bind((host, port + offset))
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                return False
    return True
