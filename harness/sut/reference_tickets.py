"""The reference's tickets (the ``tickets`` capability of its adapter), over its HTTP API.

Changes are made as the agent named: the adapter asks the reference for that user's token
once and sends the request with it, so the user's role decides what is allowed, as it would
for a person at the help desk.
"""

from __future__ import annotations

from typing import Any

from harness.sut.contract import SutRefused
from harness.sut.model import Agent, Number
from harness.sut.reference_adapter import SutApiError, _Api
from harness.sut.tickets_model import Recording, Ticket, TicketCall, TicketComment


class ReferenceTickets:
    """Tickets made from calls, read and worked through the reference's ``/tickets`` routes."""

    def __init__(self, api: _Api) -> None:
        self._api = api
        self._as_user: dict[str, _Api] = {}

    async def tickets(self) -> list[Ticket]:
        data = await self._api.request("GET", "/tickets")
        return [ticket_from(t) for t in data["tickets"]]

    async def ticket(self, ticket_id: str) -> Ticket:
        return ticket_from(await self._api.request("GET", f"/tickets/{ticket_id}"))

    async def ticket_for_call(self, call_id: str) -> Ticket | None:
        data = await self._api.request("GET", f"/tickets?call_id={call_id}")
        found = data["tickets"]
        return ticket_from(found[0]) if found else None

    async def add_comment(
        self, ticket_id: str, body: str, *, author: Agent, public: bool = False
    ) -> TicketComment:
        api = await self.as_user(author)
        data = await api.request(
            "POST", f"/tickets/{ticket_id}/comments", {"body": body, "public": public}
        )
        return comment_from(data)

    async def update_ticket(
        self,
        ticket_id: str,
        *,
        author: Agent,
        status: str | None = None,
        priority: str | None = None,
        subject: str | None = None,
    ) -> Ticket:
        changes = {"status": status, "priority": priority, "subject": subject}
        api = await self.as_user(author)
        data = await api.request(
            "PUT", f"/tickets/{ticket_id}", {k: v for k, v in changes.items() if v is not None}
        )
        return ticket_from(data)

    async def configure_line(
        self,
        line: Number,
        *,
        omnichannel_routing: bool | None = None,
        abandoned_call_tickets: bool | None = None,
    ) -> None:
        changes = {
            "omnichannel_routing": omnichannel_routing,
            "abandoned_call_tickets": abandoned_call_tickets,
        }
        body = {k: v for k, v in changes.items() if v is not None}
        await self._api.request("PUT", f"/talk/lines/{line.id}", body)

    async def line_settings(self, line: Number) -> dict[str, bool | None]:
        data = await self._api.request("GET", f"/talk/lines/{line.id}")
        return {
            "omnichannel_routing": data["omnichannel_routing"],
            "abandoned_call_tickets": data["abandoned_call_tickets"],
        }

    async def as_user(self, agent: Agent) -> _Api:
        """The API as ``agent`` meets it (a token of theirs, asked for once)."""
        if agent.id not in self._as_user:
            issued = await self._api.request("POST", "/tokens", {"user_id": agent.id})
            self._as_user[agent.id] = _Api(self._api.session, self._api.base, issued["token"])
        return self._as_user[agent.id]


class ReferenceOutbound:
    """Outbound calls through ``POST /calls/outbound``, placed as the agent (with their token)."""

    def __init__(self, api: _Api, tickets: ReferenceTickets) -> None:
        self._api = api
        self._tickets = tickets

    async def use_carrier(self, host: str, port: int) -> None:
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        await self._api.request("PUT", "/talk/settings", {"carrier": where})

    async def place_call(
        self,
        agent: Agent,
        to: str,
        *,
        line: Number,
        ticket_id: str | None = None,
        ring_time_s: int = 30,
    ) -> str:
        body: dict[str, Any] = {"to": to, "number_id": line.id, "ring_time": ring_time_s}
        if ticket_id is not None:
            body["ticket_id"] = ticket_id
        api = await self._tickets.as_user(agent)
        return str((await api.request("POST", "/calls/outbound", body))["call_id"])


class ReferenceRecordings:
    """Recordings through ``/tickets/{id}/recordings`` and ``/recordings/{id}``; the Talk
    settings through ``/talk/settings``."""

    def __init__(self, api: _Api, tickets: ReferenceTickets) -> None:
        self._api = api
        self._tickets = tickets

    async def configure(
        self, *, recording: bool | None = None, playable: bool | None = None
    ) -> None:
        changes = {"recording": recording, "recordings_playable": playable}
        body = {k: v for k, v in changes.items() if v is not None}
        await self._api.request("PUT", "/talk/settings", body)

    async def notify_by_email(self, smtp_host: str, smtp_port: int, address: str) -> None:
        where = f"[{smtp_host}]:{smtp_port}" if ":" in smtp_host else f"{smtp_host}:{smtp_port}"
        await self._api.request("PUT", "/talk/settings", {"smtp": where, "notify_email": address})

    async def recordings(self, ticket_id: str) -> list[Recording]:
        data = await self._api.request("GET", f"/tickets/{ticket_id}/recordings")
        return [
            Recording(
                id=r["id"],
                ticket_id=str(r["ticket_id"]),
                call_id=r["call_id"],
                url=r["url"],
                seconds=float(r["seconds"]),
                deleted=bool(r["deleted"]),
            )
            for r in data["recordings"]
        ]

    async def play(self, url: str, *, user: Agent) -> bytes:
        api = await self._tickets.as_user(user)
        target = url if url.startswith(("http://", "https://")) else api.base + url
        if not target.startswith(api.base + "/"):
            raise ValueError(f"{url!r} is not a link of the SUT at {api.base}")
        headers = {"Authorization": f"Bearer {api.token}"}
        async with api.session.get(target, headers=headers) as response:
            if response.status >= 400:
                body = await response.json(content_type=None)
                raise SutApiError("GET", target[len(api.base) :], response.status, body)
            return await response.read()

    async def delete(self, ticket_id: str, recording_id: str, *, user: Agent) -> None:
        api = await self._tickets.as_user(user)
        await api.request("DELETE", f"/tickets/{ticket_id}/recordings/{recording_id}")


def ticket_from(data: dict[str, Any]) -> Ticket:
    """A ticket from the reference's JSON."""
    return Ticket(
        id=str(data["id"]),
        subject=data["subject"],
        status=data["status"],
        priority=data["priority"],
        requester=data["requester"],
        requester_id=data.get("requester_id"),
        shown_number=data.get("shown_number"),
        merged_into=None if data.get("merged_into") is None else str(data["merged_into"]),
        calls=tuple(
            TicketCall(
                call_id=c["call_id"],
                direction=c["direction"],
                from_number=c["from"],
                to_number=c["to"],
                started_at=c["started_at"],
                placed_by=c["placed_by"],
                answered_by=c.get("answered_by"),
                location=c.get("location"),
                ended_at=c.get("ended_at"),
                duration_s=c.get("duration_s"),
                talk_s=c.get("talk_s"),
                hold_s=c.get("hold_s"),
                voicemail_id=c.get("voicemail_id"),
                transfer_s=c.get("transfer_s"),
            )
            for c in data.get("calls") or ()
        ),
        comments=tuple(comment_from(c) for c in data.get("comments") or ()),
    )


def comment_from(data: dict[str, Any]) -> TicketComment:
    """A comment from the reference's JSON."""
    return TicketComment(
        id=data["id"],
        author_name=data["author_name"],
        body=data["body"],
        public=bool(data["public"]),
        created_at=data["created_at"],
        during_call=data.get("during_call"),
    )


__all__ = [
    "ReferenceOutbound",
    "ReferenceRecordings",
    "ReferenceTickets",
    "SutApiError",
    "SutRefused",
    "ticket_from",
]
