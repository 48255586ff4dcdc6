"""What the attacker the harness plays did and saw, as journal events."""

from __future__ import annotations

from dataclasses import dataclass

from harness.runtime.journal import Event

ATTACKER = "attacker"


@dataclass(frozen=True, kw_only=True)
class AuditAction(Event):
    """One attack step (a tool run, a burst of datagrams, a REGISTER) and what came of it."""

    party: str = ATTACKER
    action: str
    outcome: str
