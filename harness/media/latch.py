"""Where RTP goes (symmetric RTP latching) and which sockets are open, sans-IO."""

from __future__ import annotations

import ipaddress
import threading

Address = tuple[str, int]


class RemoteAddress:
    """Where to send: the address from SDP, replaced by the packets' source when latching.

    Symmetric RTP (RFC 4961): a peer behind NAT, or one whose SDP names the wrong address, is
    reached at the address its RTP comes from. Latching happens once after each `set` (and once
    at the start), so a later stray packet cannot redirect the stream.
    """

    def __init__(self, latching: bool) -> None:
        self.latching = latching
        self.address: Address | None = None
        self._armed = latching

    def set(self, host: str, port: int) -> None:
        """Send to ``host:port`` (a literal IP address, as SDP carries)."""
        ipaddress.ip_address(host)
        if not 0 < port < 65536:
            raise ValueError(f"port out of range: {port}")
        self.address = (host, port)
        self._armed = self.latching

    @property
    def armed(self) -> bool:
        """Whether the next RTP packet's source would become the address (`observe`)."""
        return self._armed

    def observe(self, source: Address) -> None:
        """An RTP packet arrived from ``source``."""
        if self._armed:
            self.address = source
            self._armed = False


class OpenRegistry:
    """The objects holding sockets that are still open; readable from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: set[object] = set()

    def add(self, item: object) -> None:
        with self._lock:
            self._items.add(item)

    def discard(self, item: object) -> None:
        with self._lock:
            self._items.discard(item)

    def describe(self) -> list[str]:
        """``repr`` of every open item, sorted."""
        with self._lock:
            items = list(self._items)
        return sorted(repr(item) for item in items)
