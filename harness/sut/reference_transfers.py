"""The reference's blind transfers (capability ``transfers``), through its HTTP API."""

from __future__ import annotations

from harness.sut.model import Agent
from harness.sut.reference_tickets import ReferenceTickets
from harness.sut.routing_model import QueueRef


class ReferenceTransfers:
    """``POST /calls/{call_id}/transfer``, asked with the transferring agent's own token."""

    def __init__(self, tickets: ReferenceTickets) -> None:
        self._tickets = tickets  # hands out each agent's API (a token of theirs, asked once)

    async def transfer(self, agent: Agent, call_id: str, to: Agent) -> None:
        api = await self._tickets.as_user(agent)
        await api.request("POST", f"/calls/{call_id}/transfer", {"to_user_id": to.id})

    async def transfer_to_queue(self, agent: Agent, call_id: str, queue: QueueRef) -> None:
        api = await self._tickets.as_user(agent)
        await api.request("POST", f"/calls/{call_id}/transfer", {"to_queue_id": queue.id})
