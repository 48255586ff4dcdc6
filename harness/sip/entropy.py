"""Random identifiers (tags, branches, Call-IDs, SDP session ids) from the OS's secure source.

RFC 3261 wants tags and Call-IDs cryptographically random (sections 8.1.1.4 and 19.3), and a
call draws several of them at each end. Reading the OS's source once per identifier is a
system call each; the pool reads it a few kilobytes at a time and hands each byte out once.
A forked child starts with an empty pool, so parent and child never share bytes.
"""

from __future__ import annotations

import os
import threading

__all__ = ["EntropyPool", "random_below", "random_hex"]

CHUNK = 4096  # bytes read from the OS at a time


class EntropyPool:
    """Bytes from :func:`os.urandom`, read ``chunk`` at a time; safe across threads and forks."""

    def __init__(self, chunk: int = CHUNK) -> None:
        if chunk < 1:
            raise ValueError("chunk must be at least one byte")
        self._chunk = chunk
        self._buffer = b""
        self._position = 0
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget the bytes read so far (a forked child must not hand out its parent's)."""
        self._buffer, self._position = b"", 0
        self._lock = threading.Lock()  # a fork can copy the lock while another thread held it

    def take(self, count: int) -> bytes:
        """``count`` random bytes never handed out before."""
        if count < 0:
            raise ValueError("count must not be negative")
        with self._lock:
            start = self._position
            if start + count > len(self._buffer):
                self._buffer, start = os.urandom(max(self._chunk, count)), 0
            self._position = start + count
            return self._buffer[start : start + count]

    def hex(self, count: int) -> str:
        """``count`` random bytes as ``2 * count`` lowercase hex digits."""
        return self.take(count).hex()

    def below(self, bound: int) -> int:
        """A uniformly random integer in ``[0, bound)``, by rejection (no modulo bias)."""
        if bound < 1:
            raise ValueError("bound must be positive")
        bits = (bound - 1).bit_length()
        size = (bits + 7) // 8
        while True:
            value = int.from_bytes(self.take(size), "big") >> (size * 8 - bits)
            if value < bound:
                return value


_POOL = EntropyPool()
os.register_at_fork(after_in_child=_POOL.reset)


def random_hex(count: int) -> str:
    """``count`` secure random bytes as hex, from the process's pool."""
    return _POOL.hex(count)


def random_below(bound: int) -> int:
    """A secure random integer in ``[0, bound)``, from the process's pool."""
    return _POOL.below(bound)
