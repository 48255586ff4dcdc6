"""Files a consumer's phone or browser would send: real PNG images made here (each one
different, so that an agent receiving the wrong one is caught), the file headers of JPEG, MP4
and GIF files (what a file's type is judged by), nothing downloaded.
"""

from __future__ import annotations

import base64
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png(seed: int, width: int = 16, height: int = 16) -> bytes:
    """A valid RGB PNG whose pixels depend on ``seed``."""
    rows = b"".join(
        b"\x00"
        + bytes(
            ((x * 7 + y * 13 + seed * 31 + c * 53) % 256) for x in range(width) for c in range(3)
        )
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def jpeg(seed: int) -> bytes:
    """A JPEG's JFIF markers around a comment carrying ``seed`` (no scan data)."""
    comment = f"capture {seed}".encode()
    jfif = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    com = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return b"\xff\xd8" + jfif + com + b"\xff\xd9"


def mp4(seed: int) -> bytes:
    """An MP4 file's ``ftyp`` box and an ``mdat`` box carrying ``seed``."""
    ftyp = b"ftyp" + b"isom" + struct.pack(">I", 512) + b"isomiso2mp41"
    payload = f"clip {seed}".encode() * 4
    return (
        struct.pack(">I", len(ftyp) + 4)
        + ftyp
        + struct.pack(">I", len(payload) + 8)
        + b"mdat"
        + payload
    )


def gif(seed: int) -> bytes:
    """A one-pixel GIF (a type the paperclip does not take)."""
    return (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
        + bytes((seed % 256, 0, 0, 255, 255, 255))
        + b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )


def b64(data: bytes) -> str:
    """``data`` as base64 text (how the consumer protocol carries media in JSON)."""
    return base64.b64encode(data).decode()
