"""REGISTER attempts from a chosen source address, through the harness's own SIP stack.

A lockout is per source and user (H-SEC-2), so the audit needs to knock from exactly the address
a guesser used, and from another one. Each attempt opens a SIP endpoint on that loopback port,
registers (answering the 401 challenge with the given password), unregisters again when it was
accepted so that no stray contact is left behind, and closes the endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.audit.tools import Address, require_loopback
from harness.sip.auth import Credentials
from harness.sip.transport import SipEndpoint

__all__ = ["RegisterOutcome", "guess_passwords", "register_from"]

REGISTER_TIMEOUT = 5.0


@dataclass(frozen=True)
class RegisterOutcome:
    """The final answer to one REGISTER, and the source address it came from."""

    username: str
    source: Address
    status: int | None  # None: no final answer in time (a registrar may stay silent)
    reason: str

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def __str__(self) -> str:
        host, port = self.source
        got = f"{self.status} {self.reason}" if self.status is not None else self.reason
        return f"REGISTER {self.username} from {host}:{port} -> {got}"


async def register_from(
    registrar: Address,
    username: str,
    password: str,
    *,
    local_port: int = 0,
    timeout: float = REGISTER_TIMEOUT,
) -> RegisterOutcome:
    """REGISTER ``username`` with ``password`` from ``127.0.0.1:local_port`` (0: any port)."""
    outcomes = await guess_passwords(
        registrar, username, [password], local_port=local_port, timeout=timeout
    )
    return outcomes[0]


async def guess_passwords(
    registrar: Address,
    username: str,
    passwords: Sequence[str],
    *,
    local_port: int = 0,
    timeout: float = REGISTER_TIMEOUT,
) -> list[RegisterOutcome]:
    """One REGISTER per password, in order, all from the same source address."""
    host, port = registrar
    require_loopback(host)
    if not passwords or len(passwords) > 100:
        raise ValueError("between 1 and 100 passwords")
    endpoint = await SipEndpoint.open("127.0.0.1", local_port, user_agent="callproof-audit")
    source = endpoint.local_address
    registrar_uri = f"sip:{host}:{port}"
    aor = f"sip:{username}@{host}:{port}"
    outcomes = []
    try:
        for password in passwords:
            credentials = Credentials(username, password)
            try:
                response = await endpoint.register(
                    registrar_uri, aor, credentials=credentials, expires=60, timeout=timeout
                )
            except TimeoutError:
                outcomes.append(RegisterOutcome(username, source, None, "no answer"))
                continue
            outcomes.append(RegisterOutcome(username, source, response.status, response.reason))
            if 200 <= response.status < 300:
                await endpoint.register(
                    registrar_uri, aor, credentials=credentials, expires=0, timeout=timeout
                )
    finally:
        await endpoint.close()
    return outcomes
