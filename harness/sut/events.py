"""Events the SUT reports about itself (through the adapter's observation stream)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.runtime.journal import Event


@dataclass(frozen=True, kw_only=True)
class SutEvent(Event):
    """``kind`` follows the SUT's naming (e.g. ``call.answered``); ``data`` holds the rest."""

    party: str = "sut"
    kind: str
    call_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
