"""Adapters the harness's own tests use to play "a vendor's platform" with fewer capabilities."""

from __future__ import annotations

from harness.sut.reference_adapter import ReferenceAdapter, ReferenceTenant


class ReferenceWithoutFaults(ReferenceAdapter):
    """The reference seen through an adapter that offers no fault injection, as a vendor's would."""

    name = "reference-without-faults"
    capabilities = ReferenceAdapter.capabilities - {"faults"}

    async def open_tenant(self, label: str) -> ReferenceTenant:
        tenant = await super().open_tenant(label)
        tenant.faults = None  # type: ignore[assignment]
        return tenant


class ReferenceWithoutAccess(ReferenceAdapter):
    """The reference seen through an adapter that cannot hand out role tokens or routes."""

    name = "reference-without-access"
    capabilities = ReferenceAdapter.capabilities - {"access"}

    async def open_tenant(self, label: str) -> ReferenceTenant:
        tenant = await super().open_tenant(label)
        tenant.access = None
        return tenant


class ReferenceWithoutLifecycle(ReferenceAdapter):
    """The reference seen through an adapter that cannot start, kill or restart instances."""

    name = "reference-without-lifecycle"
    capabilities = ReferenceAdapter.capabilities - {"lifecycle"}


class ReferenceWithoutDesktop(ReferenceAdapter):
    """The reference seen through an adapter that has no agent app for a browser."""

    name = "reference-without-desktop"
    capabilities = ReferenceAdapter.capabilities - {"desktop"}

    async def open_tenant(self, label: str) -> ReferenceTenant:
        tenant = await super().open_tenant(label)
        tenant.desktop = None
        return tenant


class ReferenceWithoutTickets(ReferenceAdapter):
    """The reference seen through an adapter that turns no calls into tickets."""

    name = "reference-without-tickets"
    capabilities = ReferenceAdapter.capabilities - {"tickets", "outbound", "recordings"}

    async def open_tenant(self, label: str) -> ReferenceTenant:
        tenant = await super().open_tenant(label)
        tenant.tickets = None
        tenant.outbound = None
        tenant.recordings = None
        return tenant


class ReferenceWithoutRouting(ReferenceAdapter):
    """The reference seen through an adapter that cannot set hours, queues or deflection."""

    name = "reference-without-routing"
    capabilities = ReferenceAdapter.capabilities - {"routing"}

    async def open_tenant(self, label: str) -> ReferenceTenant:
        tenant = await super().open_tenant(label)
        tenant.routing = None
        return tenant


class ReferenceWithoutProfiles(ReferenceAdapter):
    """The reference seen through an adapter that has no end-user profiles."""

    name = "reference-without-profiles"
    capabilities = ReferenceAdapter.capabilities - {"profiles"}

    async def open_tenant(self, label: str) -> ReferenceTenant:
        tenant = await super().open_tenant(label)
        tenant.profiles = None
        return tenant


class ReferenceWithoutConsumer(ReferenceAdapter):
    """The reference seen through an adapter that has no consumer SDKs, chat or SMS."""

    name = "reference-without-consumer"
    capabilities = ReferenceAdapter.capabilities - {"consumer"}

    async def open_tenant(self, label: str) -> ReferenceTenant:
        tenant = await super().open_tenant(label)
        tenant.consumer = None
        return tenant
