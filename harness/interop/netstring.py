"""Netstrings (``LENGTH:PAYLOAD,``), the framing of baresip's ctrl_tcp messages, sans-IO."""

from __future__ import annotations

MAX_PAYLOAD = 1 << 20
"""Longest payload accepted; a length beyond it means the stream is not netstrings."""
_MAX_DIGITS = len(str(MAX_PAYLOAD))


class NetstringError(ValueError):
    """The peer sent bytes that are not a well-formed netstring."""


def encode(payload: bytes) -> bytes:
    """Frame ``payload`` as one netstring."""
    return str(len(payload)).encode("ascii") + b":" + payload + b","


class NetstringDecoder:
    """Splits a byte stream into payloads; ``feed`` returns the ones completed so far."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        payloads: list[bytes] = []
        while True:
            colon = self._buffer.find(b":")
            if colon < 0:
                if len(self._buffer) > _MAX_DIGITS:
                    raise NetstringError(f"no length prefix in {bytes(self._buffer[:16])!r}")
                return payloads
            digits = bytes(self._buffer[:colon])
            if not digits.isdigit() or len(digits) > _MAX_DIGITS:
                raise NetstringError(f"bad length prefix {digits[:16]!r}")
            length = int(digits)
            if length > MAX_PAYLOAD:
                raise NetstringError(f"payload of {length} bytes exceeds {MAX_PAYLOAD}")
            end = colon + 1 + length
            if len(self._buffer) <= end:
                return payloads
            if self._buffer[end] != ord(","):
                raise NetstringError(f"netstring of {length} bytes not closed by ','")
            payloads.append(bytes(self._buffer[colon + 1 : end]))
            del self._buffer[: end + 1]

    @property
    def pending(self) -> int:
        """Bytes received that do not complete a netstring yet."""
        return len(self._buffer)
