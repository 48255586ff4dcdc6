"""What the ``call_out`` capability speaks in (SG-ERR): hotlines and outbound attempts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HotlineCallOut:
    """A hotline's call-out configuration: whether it allows calling out, and which groups
    (teams, by id) may when not all of them may; ``deleted`` once removed on the portal."""

    allow_call_out: bool
    all_groups: bool
    groups: tuple[str, ...]
    deleted: bool = False


@dataclass(frozen=True)
class CallOutAttempt:
    """One outbound attempt as the SUT logged it: its Call ID (for support), and the error
    code when it failed (``None`` when the call was placed)."""

    call_id: str
    code: str | None
    message: str = ""

    @property
    def failed(self) -> bool:
        """Whether the SUT refused the call."""
        return self.code is not None
