"""The tenant's optional capabilities, asked for by the helper that needs one.

A helper reads a capability only when a step uses it, so a scenario that never needs it
runs on an adapter without it; one that does is told which to declare (``@needs:...``).
"""

from __future__ import annotations

from typing import TypeVar

from harness.sut.contract import Directory, Observation, Telephony, Tenant

__all__ = ["CapabilityMissing", "TenantCapabilities", "need"]

T = TypeVar("T")


class CapabilityMissing(LookupError):
    """A step needs a capability the adapter does not offer (tag the scenario ``@needs:...``)."""


def need(capability: T | None, name: str) -> T:
    """``capability``, or CapabilityMissing naming it when the adapter lacks it."""
    if capability is None:
        raise CapabilityMissing(f"the SUT adapter lacks the capability {name!r}")
    return capability


class TenantCapabilities:
    """The tenant's common capabilities as properties, for a helper that holds its ``tenant``."""

    tenant: Tenant

    @property
    def directory(self) -> Directory:
        """Agents, teams, numbers and their call distribution."""
        return need(self.tenant.directory, "directory")

    @property
    def telephony(self) -> Telephony:
        """The SIP side of the SUT: the URI of each number, its registrar."""
        return need(self.tenant.telephony, "telephony")

    @property
    def observation(self) -> Observation:
        """The call log, timelines and the SUT's events."""
        return need(self.tenant.observation, "observation")
