"""The reference's supervision of live sessions (capability ``supervision``), through its API."""

from __future__ import annotations

from harness.sut.contract import Dashboard
from harness.sut.model import Agent
from harness.sut.reference_monitoring_pages import ReferenceMonitoringPages
from harness.sut.reference_tickets import ReferenceTickets


class ReferenceSupervision:
    """``POST /calls/{call_id}/end`` and the like, asked with the supervising user's own token."""

    def __init__(self, tickets: ReferenceTickets) -> None:
        self._tickets = tickets  # hands out each user's API (a token of theirs, asked once)

    async def end_call(self, user: Agent, call_id: str) -> None:
        api = await self._tickets.as_user(user)
        await api.request("POST", f"/calls/{call_id}/end")

    def monitoring_pages(self, dashboard: Dashboard) -> ReferenceMonitoringPages:
        page = getattr(dashboard, "page", None)
        if page is None:
            raise TypeError(f"{dashboard!r} is not a dashboard the reference's adapter opened")
        return ReferenceMonitoringPages(page)

    async def monitor(self, user: Agent, call_id: str) -> None:
        api = await self._tickets.as_user(user)
        await api.request("POST", f"/calls/{call_id}/monitor")

    async def stop_monitoring(self, user: Agent, call_id: str) -> None:
        api = await self._tickets.as_user(user)
        await api.request("DELETE", f"/calls/{call_id}/monitor")
