"""A user's authenticator app (RFC 6238 time-based one-time passwords) for MFA sign-ins.

Written here apart from the SUT's side, on purpose: a code both sides compute with one shared
function would hide a bug in it (DESIGN.md, boundary 5). It shows the code of the current
30-second step of real time, as a phone does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Authenticator:
    """An authenticator enrolled with ``secret`` (base32, as SUTs hand it out)."""

    secret: str
    digits: int = 6
    period_s: int = 30

    def code(self, at: float | None = None) -> str:
        """The code shown at ``at`` (Unix seconds; now when None)."""
        padded = self.secret.upper() + "=" * (-len(self.secret) % 8)
        key = base64.b32decode(padded)
        step = int((time.time() if at is None else at) // self.period_s)
        mac = hmac.new(key, step.to_bytes(8, "big"), hashlib.sha1).digest()
        start = mac[19] & 0xF
        number = int.from_bytes(mac[start : start + 4], "big") & 0x7FFFFFFF
        return f"{number % 10**self.digits:0{self.digits}d}"
