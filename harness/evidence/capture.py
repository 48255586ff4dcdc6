"""A scenario's packet capture: every UDP datagram the harness's parties send and receive.

`PacketCapture` taps `harness.net.udp` (where every SIP-over-UDP message and RTP packet of the
harness's parties passes) and keeps the datagrams in memory, in two bounded rings: signalling
(SIP and anything else that is not RTP) and media (RTP and RTCP, recognised by their version
bits). Media fills its ring fifty times a second per stream, so it gets the larger one, and a
long call evicts old audio packets, never the INVITE. Nothing is written while the scenario
runs: the evidence writer turns the rings into a pcap file only when the scenario fails.

What it does not see: SIP over TCP (no datagram to tap), and traffic of processes other than
this one (the reference runs as its own process; its side of each exchange is seen as what our
parties receive from it and send to it).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import NamedTuple

from harness.net.udp import SocketAddress, add_tap, remove_tap

__all__ = [
    "MAX_MEDIA_BYTES",
    "MAX_MEDIA_DATAGRAMS",
    "MAX_SIGNALLING_BYTES",
    "MAX_SIGNALLING_DATAGRAMS",
    "Datagram",
    "PacketCapture",
]

MAX_SIGNALLING_DATAGRAMS = 5_000
MAX_SIGNALLING_BYTES = 8 * 1024 * 1024
MAX_MEDIA_DATAGRAMS = 30_000  # 10 minutes of one call's four RTP streams (50 packets/s each)
MAX_MEDIA_BYTES = 24 * 1024 * 1024
_RTP_VERSION = 2
_RTP_MIN = 12  # the fixed RTP header; RTCP's is 8 but never comes alone in practice


class Datagram(NamedTuple):
    """One UDP datagram as a party's socket saw it; ``at`` is epoch seconds.

    A named tuple: made once per packet on the loop's thread, it must be cheap to build.
    """

    at: float
    source: SocketAddress
    destination: SocketAddress
    data: bytes


def is_media(data: bytes) -> bool:
    """RTP or RTCP (version 2 in the first two bits); SIP starts with a letter, keep-alives
    with CR/LF, and neither has those bits set to 2."""
    return len(data) >= _RTP_MIN and data[0] >> 6 == _RTP_VERSION


class _Ring:
    """The most recent datagrams within a count and a byte budget; counts what it evicted.

    Holds plain ``(at, source, destination, data)`` tuples: built once per packet, they must
    be cheap; `PacketCapture.datagrams` turns them into `Datagram` when the evidence is written.
    """

    def __init__(self, max_datagrams: int, max_bytes: int) -> None:
        if max_datagrams < 1 or max_bytes < 1:
            raise ValueError("a capture ring needs room for at least one datagram")
        self.max_datagrams = max_datagrams
        self.max_bytes = max_bytes
        self.items: deque[tuple[float, SocketAddress, SocketAddress, bytes]] = deque()
        self.bytes = 0
        self.evicted = 0

    def add(self, item: tuple[float, SocketAddress, SocketAddress, bytes]) -> None:
        items = self.items
        items.append(item)
        self.bytes += len(item[3])
        while len(items) > self.max_datagrams or (self.bytes > self.max_bytes and len(items) > 1):
            self.bytes -= len(items.popleft()[3])
            self.evicted += 1


class PacketCapture:
    """Records datagrams between `start` and `stop`; bounded, in memory, cheap per packet.

    Parties record from the event loop's thread while a step or the plugin reads from the
    main thread, hence the lock (uncontended: well under a microsecond per datagram).
    """

    def __init__(
        self,
        *,
        max_signalling: int = MAX_SIGNALLING_DATAGRAMS,
        max_signalling_bytes: int = MAX_SIGNALLING_BYTES,
        max_media: int = MAX_MEDIA_DATAGRAMS,
        max_media_bytes: int = MAX_MEDIA_BYTES,
    ) -> None:
        self._signalling = _Ring(max_signalling, max_signalling_bytes)
        self._media = _Ring(max_media, max_media_bytes)
        self._lock = threading.Lock()
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Tap every `harness.net.udp.UdpSocket` of this process; safe to call twice."""
        if not self._running:
            self._running = True
            add_tap(self.record)

    def stop(self) -> None:
        """Stop recording (what was kept stays readable); safe to call twice."""
        if self._running:
            self._running = False
            remove_tap(self.record)

    def __enter__(self) -> PacketCapture:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def record(self, data: bytes, source: SocketAddress, destination: SocketAddress) -> None:
        """The tap: keep one datagram (called by the sockets, or by a test)."""
        # is_media, inlined: this runs for every packet of every party.
        media = len(data) >= _RTP_MIN and data[0] >> 6 == _RTP_VERSION
        ring = self._media if media else self._signalling
        with self._lock:
            ring.add((time.time(), source, destination, data))

    def datagrams(self) -> list[Datagram]:
        """Everything kept, signalling and media merged in time order."""
        with self._lock:
            both = [*self._signalling.items, *self._media.items]
        both.sort(key=lambda d: d[0])
        return [Datagram(*item) for item in both]

    @property
    def evicted(self) -> int:
        """Datagrams dropped from the rings to stay within their budgets."""
        with self._lock:
            return self._signalling.evicted + self._media.evicted

    def __len__(self) -> int:
        with self._lock:
            return len(self._signalling.items) + len(self._media.items)

    def describe_limits(self) -> str:
        """The budgets, in words, for the evidence's README."""
        s, m = self._signalling, self._media
        return (
            f"the last {s.max_datagrams} signalling datagrams (at most "
            f"{s.max_bytes // (1024 * 1024)} MiB) and the last {m.max_datagrams} RTP/RTCP "
            f"datagrams (at most {m.max_bytes // (1024 * 1024)} MiB)"
        )
