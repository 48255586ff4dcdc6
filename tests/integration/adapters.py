"""Adapters the harness's own tests use to play "a vendor's platform" with fewer capabilities."""

from __future__ import annotations

from harness.sut.reference_adapter import ReferenceAdapter, ReferenceTenant


def without(*capabilities: str, doc: str) -> type[ReferenceAdapter]:
    """The reference seen through an adapter that declares none of ``capabilities`` and hands
    out tenants whose attributes of those names are ``None``, as a vendor's adapter would."""

    class Without(ReferenceAdapter):
        async def open_tenant(self, label: str) -> ReferenceTenant:
            tenant = await super().open_tenant(label)
            for capability in capabilities:
                if hasattr(tenant, capability):  # some (lifecycle) belong to the adapter only
                    setattr(tenant, capability, None)
            return tenant

    Without.name = f"reference-without-{capabilities[0]}"
    Without.capabilities = ReferenceAdapter.capabilities - set(capabilities)
    Without.__doc__ = doc
    Without.__name__ = Without.__qualname__ = f"ReferenceWithout{capabilities[0].title()}"
    return Without


ReferenceWithoutFaults = without("faults", doc="No fault injection, as a vendor's would have.")
ReferenceWithoutAccess = without("access", doc="Cannot hand out role tokens or list routes.")
ReferenceWithoutLifecycle = without("lifecycle", doc="Cannot start, kill or restart instances.")
ReferenceWithoutDesktop = without("desktop", doc="Has no agent app for a browser.")
ReferenceWithoutTickets = without(
    "tickets", "outbound", "recordings", doc="Turns no calls into tickets."
)
ReferenceWithoutRouting = without("routing", doc="Cannot set hours, queues or deflection.")
ReferenceWithoutProfiles = without("profiles", doc="Has no end-user profiles.")
ReferenceWithoutConsumer = without("consumer", doc="Has no consumer SDKs, chat or SMS.")
ReferenceWithoutDashboard = without("dashboard", doc="Has no dashboard for a browser.")
ReferenceWithoutCallOut = without("call_out", doc="Has no call-out rules for its hotlines.")
ReferenceWithoutConsumerIdentity = without(
    "consumer_identity", doc="Has no reserved flags or unauthenticated consumer records."
)
ReferenceWithoutHoldAudio = without("hold_audio", doc="Plays no hold audio to waiting callers.")
ReferenceWithoutCrmRecordings = without(
    "crm_recordings", doc="Keeps its recordings: uploads none to a CRM."
)
ReferenceWithoutNotifications = without(
    "notifications", doc="Tells agents nothing of a call: no whisper, countdown, tones or SMS."
)
ReferenceWithoutSmartActions = without("smart_actions", doc="Agents can request no smart action.")
ReferenceWithoutChats = without("chats", doc="Chats are queued but never offered to agents.")
