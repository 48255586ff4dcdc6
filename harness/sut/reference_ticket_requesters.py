"""The reference's ticket merges and ticket requesters (capabilities ``ticket_merges`` and
``ticket_requesters`` of its adapter), over ``POST /tickets/{id}/merge`` and
``PUT /tickets/{id}/requester``, made as the agent named (with that user's token)."""

from __future__ import annotations

from collections.abc import Sequence

from harness.sut.model import Agent
from harness.sut.reference_tickets import ReferenceTickets, ticket_from
from harness.sut.tickets_model import Ticket


class ReferenceTicketMerges:
    """Merging tickets through the reference's API."""

    def __init__(self, tickets: ReferenceTickets) -> None:
        self._tickets = tickets

    async def merge_ticket(self, ticket_id: str, *, into: str, author: Agent) -> Ticket:
        api = await self._tickets.as_user(author)
        data = await api.request("POST", f"/tickets/{ticket_id}/merge", {"into": into})
        return ticket_from(data["ticket"])


class ReferenceTicketRequesters:
    """A ticket's requester set afterwards through the reference's API."""

    def __init__(self, tickets: ReferenceTickets) -> None:
        self._tickets = tickets

    async def set_requester(self, ticket_id: str, end_user_id: str, *, author: Agent) -> Ticket:
        api = await self._tickets.as_user(author)
        data = await api.request(
            "PUT", f"/tickets/{ticket_id}/requester", {"end_user_id": end_user_id}
        )
        return ticket_from(data)

    async def new_requester(
        self, ticket_id: str, name: str, phones: Sequence[str] = (), *, author: Agent
    ) -> Ticket:
        api = await self._tickets.as_user(author)
        body = {"name": name, "phones": list(phones)}
        return ticket_from(await api.request("PUT", f"/tickets/{ticket_id}/requester", body))
