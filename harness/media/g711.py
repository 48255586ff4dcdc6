"""G.711 mu-law and A-law (ITU-T G.711), vectorised with lookup tables built once at import.

Encoding looks every int16 sample up in a 65,536-entry table and decoding every code in a
256-entry table, so a 20 ms frame costs two numpy indexing operations. The tables are computed
from the segment rules of G.711 (the same results as the classic reference implementation that
CPython's ``audioop`` module also follows), which the unit tests check for every possible input.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

PCMU = 0
"""Static RTP payload type of G.711 mu-law (RFC 3551 section 6)."""
PCMA = 8
"""Static RTP payload type of G.711 A-law (RFC 3551 section 6)."""
G711_CLOCK_RATE = 8000

_CODEC_NAMES = {PCMU: "PCMU", PCMA: "PCMA"}

Samples = npt.NDArray[np.int16]

# mu-law works on 14-bit magnitudes: a bias of 33 moves every segment boundary to a power of
# two minus one, so the segment is the position of the highest set bit.
_ULAW_BIAS = 33
_ULAW_CLIP = 8159
_ULAW_SEGMENT_ENDS = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])
# A-law works on 13-bit magnitudes; its first two segments share one step size.
_ALAW_SEGMENT_ENDS = np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF])


def _all_samples() -> npt.NDArray[np.int32]:
    """Every int16 value, ordered by its unsigned bit pattern (the table index)."""
    return np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.int16).astype(np.int32)


def _build_ulaw_encoder() -> npt.NDArray[np.uint8]:
    x = _all_samples() >> 2
    negative = x < 0
    magnitude = np.minimum(np.abs(x), _ULAW_CLIP) + _ULAW_BIAS
    segment = np.searchsorted(_ULAW_SEGMENT_ENDS, magnitude)
    step = (magnitude >> np.minimum(segment + 1, 31)) & 0x0F
    code = np.where(segment >= 8, 0x7F, (np.minimum(segment, 7) << 4) | step)
    # Code words are transmitted inverted; the sign bit is set for positive samples.
    return (code ^ np.where(negative, 0x7F, 0xFF)).astype(np.uint8)


def _build_ulaw_decoder() -> Samples:
    code = ~np.arange(256, dtype=np.int32) & 0xFF
    segment = (code >> 4) & 0x07
    magnitude = ((((code & 0x0F) << 3) + (_ULAW_BIAS << 2)) << segment) - (_ULAW_BIAS << 2)
    return np.where(code & 0x80, -magnitude, magnitude).astype(np.int16)


def _build_alaw_encoder() -> npt.NDArray[np.uint8]:
    x = _all_samples() >> 3
    negative = x < 0
    # One's complement for negatives: A-law has no code for negative zero.
    magnitude = np.where(negative, -x - 1, x)
    segment = np.searchsorted(_ALAW_SEGMENT_ENDS, magnitude)
    shift = np.clip(segment, 1, 31)
    step = (magnitude >> shift) & 0x0F
    code = np.where(segment >= 8, 0x7F, (np.minimum(segment, 7) << 4) | step)
    # Even bits are inverted on the line (XOR 0x55); the sign bit is set for positive samples.
    return (code ^ np.where(negative, 0x55, 0xD5)).astype(np.uint8)


def _build_alaw_decoder() -> Samples:
    code = np.arange(256, dtype=np.int32) ^ 0x55
    segment = (code >> 4) & 0x07
    step = (code & 0x0F) << 4
    # Reconstruct at the middle of the quantisation interval.
    magnitude = np.where(segment == 0, step + 8, (step + 0x108) << np.maximum(segment - 1, 0))
    return np.where(code & 0x80, magnitude, -magnitude).astype(np.int16)


_ULAW_ENCODE = _build_ulaw_encoder()
_ULAW_DECODE = _build_ulaw_decoder()
_ALAW_ENCODE = _build_alaw_encoder()
_ALAW_DECODE = _build_alaw_decoder()
for _table in (_ULAW_ENCODE, _ULAW_DECODE, _ALAW_ENCODE, _ALAW_DECODE):
    _table.flags.writeable = False


def _as_int16(samples: npt.ArrayLike) -> Samples:
    array = np.asarray(samples)
    if array.dtype != np.int16:
        raise TypeError(f"G.711 encodes int16 samples, got {array.dtype}")
    if array.ndim != 1:
        raise ValueError("G.711 encodes one channel: a 1-D array")
    return array


def ulaw_encode(samples: Samples) -> bytes:
    """Encode int16 samples as G.711 mu-law, one octet per sample."""
    return bytes(_ULAW_ENCODE[_as_int16(samples).view(np.uint16)].tobytes())


def ulaw_decode(data: bytes) -> Samples:
    """Decode G.711 mu-law octets to int16 samples."""
    return _ULAW_DECODE[np.frombuffer(data, dtype=np.uint8)]


def alaw_encode(samples: Samples) -> bytes:
    """Encode int16 samples as G.711 A-law, one octet per sample."""
    return bytes(_ALAW_ENCODE[_as_int16(samples).view(np.uint16)].tobytes())


def alaw_decode(data: bytes) -> Samples:
    """Decode G.711 A-law octets to int16 samples."""
    return _ALAW_DECODE[np.frombuffer(data, dtype=np.uint8)]


def is_g711(payload_type: int) -> bool:
    """Whether a static RTP payload type is one of the two G.711 laws."""
    return payload_type in _CODEC_NAMES


def codec_name(payload_type: int) -> str:
    """The RFC 3551 encoding name of a G.711 payload type ("PCMU" or "PCMA")."""
    try:
        return _CODEC_NAMES[payload_type]
    except KeyError:
        raise ValueError(f"payload type {payload_type} is not G.711") from None


def encode(payload_type: int, samples: Samples) -> bytes:
    """Encode with the law of ``payload_type`` (PCMU or PCMA)."""
    if payload_type == PCMU:
        return ulaw_encode(samples)
    if payload_type == PCMA:
        return alaw_encode(samples)
    raise ValueError(f"payload type {payload_type} is not G.711")


def decode(payload_type: int, data: bytes) -> Samples:
    """Decode with the law of ``payload_type`` (PCMU or PCMA)."""
    if payload_type == PCMU:
        return ulaw_decode(data)
    if payload_type == PCMA:
        return alaw_decode(data)
    raise ValueError(f"payload type {payload_type} is not G.711")


def silence(payload_type: int, n_samples: int) -> bytes:
    """``n_samples`` of digital silence in the given law."""
    return encode(payload_type, np.zeros(n_samples, dtype=np.int16))
