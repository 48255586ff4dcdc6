"""Small MP3 files for uploads, built here (no encoder needed): silent MPEG-1 Layer III frames.

Each frame is a valid header (MPEG-1, Layer III, no CRC, 128 kbit/s, 44.1 kHz, mono) followed
by zeros, which a decoder reads as side information and main data of silence. ``frames`` sets
the length (26 ms each) and so makes two files differ; ``id3`` puts an ID3v2 tag first, as
most encoders do.
"""

from __future__ import annotations

FRAME_HEADER = bytes((0xFF, 0xFB, 0x90, 0xC4))
FRAME_BYTES = 417  # 144 * 128000 / 44100, no padding


def silent_mp3(frames: int = 20, *, id3: bool = False) -> bytes:
    """An MP3 file of ``frames`` silent frames (optionally with an empty ID3v2.3 tag first)."""
    if frames < 1:
        raise ValueError("an MP3 file needs at least one frame")
    frame = FRAME_HEADER + bytes(FRAME_BYTES - len(FRAME_HEADER))
    tag = b"ID3\x03\x00\x00\x00\x00\x00\x00" if id3 else b""
    return tag + frame * frames
