"""The tenant's optional capabilities, asked for by the helper that needs one.

A helper reads a capability only when a step uses it, so a scenario that never needs it
runs on an adapter without it; one that does is told which to declare (``@needs:...``).
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["CapabilityMissing", "need"]

T = TypeVar("T")


class CapabilityMissing(LookupError):
    """A step needs a capability the adapter does not offer (tag the scenario ``@needs:...``)."""


def need(capability: T | None, name: str) -> T:
    """``capability``, or CapabilityMissing naming it when the adapter lacks it."""
    if capability is None:
        raise CapabilityMissing(f"the SUT adapter lacks the capability {name!r}")
    return capability
