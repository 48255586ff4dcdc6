"""Time-based one-time passwords for MFA (RFC 6238 over RFC 4226): pure, no I/O.

A user enrols once and gets a secret for an authenticator app; later a code from that app
proves the second factor. Codes are checked against real time (the user's phone knows
nothing of an account's moved clock), one 30-second step either side being accepted for
clock drift (RFC 6238 section 5.2).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct

STEP_S = 30
DIGITS = 6
SECRET_BYTES = 20  # RFC 4226 section 4: 160 bits, the length of an HMAC-SHA-1 key


def new_secret() -> bytes:
    """A fresh random secret."""
    return secrets.token_bytes(SECRET_BYTES)


def to_base32(secret: bytes) -> str:
    """The secret as authenticator apps take it (base32, no padding)."""
    return base64.b32encode(secret).decode().rstrip("=")


def code_at(secret: bytes, unix_s: float) -> str:
    """The code the authenticator shows at ``unix_s`` (RFC 6238 with HMAC-SHA-1)."""
    counter = int(unix_s // STEP_S)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F  # RFC 4226 section 5.3: dynamic truncation
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def verify(secret: bytes, code: object, unix_s: float) -> bool:
    """Whether ``code`` is the code of the step of ``unix_s`` or of a step next to it."""
    if not isinstance(code, str) or len(code) != DIGITS or not code.isdigit():
        return False
    return any(
        hmac.compare_digest(code, code_at(secret, unix_s + drift * STEP_S)) for drift in (-1, 0, 1)
    )
