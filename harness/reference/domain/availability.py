"""Whether an agent takes calls: the availability switch of the agent app.

A user is ``available`` until she says otherwise; she switches herself ``away`` and back.
Only these two words are accepted, so a typo is refused instead of being stored as a third state.
"""

from __future__ import annotations

from enum import StrEnum

from .errors import InvalidField


class Availability(StrEnum):
    """The two states of the agent app's switch."""

    AVAILABLE = "available"
    AWAY = "away"


DEFAULT_AVAILABILITY = Availability.AVAILABLE


def parse_availability(value: object, field: str = "availability") -> Availability:
    """``value`` as an :class:`Availability`; anything else is :class:`InvalidField`."""
    if isinstance(value, str):
        for state in Availability:
            if value == state.value:
                return state
    allowed = ", ".join(repr(s.value) for s in Availability)
    raise InvalidField(field, f"must be one of {allowed}, got {value!r}")
