"""What the monitoring pages show, as the harness reads it back (capability ``supervision``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CallDetails:
    """The call details pop-up of a live call (CC-MON-5), in the page's own words."""

    call_id: str
    metrics: dict[str, str]  # term -> value, e.g. "On hold" -> "0 s"
    transfers: tuple[str, ...]  # each transfer as the page says it ("Not transferred" if none)
    participants: tuple[str, ...]  # e.g. "Customer: +33612345678", "Agent: Alice"
    actions: tuple[str, ...]  # the buttons offered to the signed-in user, e.g. ("Listen",)
