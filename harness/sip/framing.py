"""Cutting a byte stream into SIP messages (RFC 3261 section 18.3), sans-IO.

Over a stream transport the Content-Length header frames the body: the message ends that
many bytes after the empty line that ends its header section. A missing Content-Length is
read as 0 (18.3 makes it mandatory on streams; reading 0 costs nothing when there is no
body, and a body without one could not be framed whichever way we chose).

Between messages a peer may send CRLFs: RFC 5626 section 3.5.1 uses a double CRLF as a
keep-alive "ping" to be answered with a single CRLF "pong". :class:`StreamFramer` reports
a ping as :class:`Ping`; a lone CRLF (a pong, or the empty lines 7.5 lets a peer send) is
skipped once more bytes show it is not the start of a ping.

Limits: the header section may not exceed ``max_head`` bytes and the whole message
``max_message``. Beyond that the peer broke the stream and :class:`FramingError` is raised;
the only sane reaction is to close the connection. A message between 65,535 bytes and
``max_message`` is framed and left to the user agent, which answers 513 (21.5.7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.sip.grammar import SipParseError, is_digits

__all__ = ["DEFAULT_MAX_MESSAGE", "Frame", "FramingError", "Ping", "StreamFramer"]

DEFAULT_MAX_MESSAGE = 1 << 20
DEFAULT_MAX_HEAD = 1 << 16

_HEAD_END = re.compile(rb"\r?\n\r?\n")
_LENGTH_LINE = re.compile(rb"^(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)", re.I | re.M)


class FramingError(SipParseError):
    """The stream cannot be cut into messages any more: close the connection."""


@dataclass(frozen=True)
class Frame:
    """One complete message (header section and body)."""

    data: bytes


@dataclass(frozen=True)
class Ping:
    """A CRLF CRLF keep-alive; answer it with a single CRLF (RFC 5626 section 3.5.1)."""


class StreamFramer:
    """Feed it what a connection received; it returns the complete messages in order."""

    def __init__(
        self, *, max_message: int = DEFAULT_MAX_MESSAGE, max_head: int = DEFAULT_MAX_HEAD
    ) -> None:
        self.max_message = max_message
        self.max_head = max_head
        self._buffer = bytearray()
        self._broken: FramingError | None = None

    @property
    def buffered(self) -> int:
        """Bytes received that do not make a complete message yet."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Frame | Ping]:
        """Add ``data``; return the messages and pings it completed.

        Raises FramingError when the stream is broken (and again on every later call).
        """
        if self._broken is not None:
            raise self._broken
        self._buffer += data
        out: list[Frame | Ping] = []
        try:
            while (item := self._next()) is not None:
                out.append(item)
        except FramingError as exc:
            self._broken = exc
            self._buffer.clear()
            raise
        return out

    def _next(self) -> Frame | Ping | None:
        buffer = self._buffer
        while buffer[:2] == b"\r\n" or buffer[:1] == b"\n":
            if buffer[:4] == b"\r\n\r\n":
                del buffer[:4]
                return Ping()
            if buffer in (b"\r\n", b"\r\n\r"):
                return None  # maybe the start of a ping: wait for the rest
            del buffer[: 2 if buffer[:2] == b"\r\n" else 1]
        end = _HEAD_END.search(buffer)
        if end is None:
            if len(buffer) > self.max_head:
                raise FramingError(f"no end of header section within {self.max_head} bytes")
            return None
        if end.start() > self.max_head:
            raise FramingError(f"header section longer than {self.max_head} bytes")
        length = _content_length(bytes(buffer[: end.start()]))
        total = end.end() + length
        if total > self.max_message:
            raise FramingError(f"message of {total} bytes exceeds {self.max_message}")
        if len(buffer) < total:
            return None
        frame = Frame(bytes(buffer[:total]))
        del buffer[:total]
        return frame


def _content_length(head: bytes) -> int:
    values = {m.group(1).strip() for m in _LENGTH_LINE.finditer(head)}
    if not values:
        return 0
    if len(values) > 1:
        raise FramingError(f"conflicting Content-Length values {sorted(values)!r}")
    text = values.pop().decode("ascii", "replace")
    if not is_digits(text, 10):
        raise FramingError(f"Content-Length {text[:40]!r} is not a number")
    return int(text)
