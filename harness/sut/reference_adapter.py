"""The adapter for the embedded reference contact center: HTTP + WebSocket API, SIP edge.

It is one adapter among others: nothing here is privileged except the ``clock`` and ``faults``
capabilities, which only the reference offers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from harness.sut.contract import SutRefused
from harness.sut.events import SutEvent
from harness.sut.model import (
    Agent,
    AnswerAttempt,
    ApiRoute,
    ApiToken,
    CallLogEntry,
    Distribution,
    MemberType,
    Number,
    RingToMember,
    RingToWidget,
    SipCredentials,
    Team,
    TimelineEntry,
)
from harness.sut.reference_process import ReferenceProcess, SutUnavailable


class SutApiError(SutRefused):
    """The SUT's API refused a request the harness made (status, code and message kept)."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        err = body.get("error", {}) if isinstance(body, dict) else {}
        message = err.get("message") or str(body)[:200]
        super().__init__(f"{method} {path} -> {status}: {message}")
        self.status = status
        self.code = err.get("code")
        self.call_id: str | None = err.get("call_id")  # a refused outbound call's (SG-ERR)


class _Api:
    def __init__(self, session: aiohttp.ClientSession, base: str, token: str) -> None:
        self._session = session
        self.session = session
        self._base = base.rstrip("/")
        self.base = self._base
        self.token = token
        self._headers = {"Authorization": f"Bearer {token}"}

    async def request(self, method: str, path: str, json: Any = None) -> Any:
        url = self._base + path
        try:
            async with self._session.request(method, url, json=json, headers=self._headers) as resp:
                body = await resp.json(content_type=None) if resp.content_length != 0 else None
                if resp.status >= 400:
                    raise SutApiError(method, path, resp.status, body)
                return body
        except aiohttp.ClientConnectionError as exc:
            raise SutUnavailable(f"the SUT at {self._base} does not answer ({exc})") from exc

    def ws(self, path: str) -> Any:
        return self._session.ws_connect(self._base + path, headers=self._headers, heartbeat=30)


def _call_entry(data: dict[str, Any]) -> CallLogEntry:
    return CallLogEntry(
        call_id=data["call_id"],
        status=data.get("status") or data.get("state") or "unknown",
        from_number=data.get("from") or "",
        to_number=data.get("to") or "",
        sip_call_ids=tuple(data.get("sip_call_ids") or ()),
        answered_by=data.get("answered_by"),
        started_at=data.get("started_at"),
        answered_at=data.get("answered_at"),
        ended_at=data.get("ended_at"),
        duration_s=data.get("duration_s"),
        hold_s=float(data.get("hold_s") or 0.0),
        attempts=tuple(
            AnswerAttempt(user_id=a["user_id"], at=a["at"], registered=bool(a["registered"]))
            for a in data.get("attempts") or ()
        ),
        timeline=tuple(
            TimelineEntry(
                at=t["at"], kind=t["kind"], text=t.get("text", ""), user_id=t.get("user_id")
            )
            for t in data.get("timeline") or ()
        ),
        end_reason=data.get("end_reason"),
        ivr_branch=data.get("ivr_branch"),
    )


class ReferenceDirectory:
    def __init__(self, api: _Api, sip_domain: str) -> None:
        self._api = api
        self._sip_domain = sip_domain

    async def create_agent(self, name: str, *, role: str = "agent") -> Agent:
        email = f"{name.lower().replace(' ', '.')}@example.test"
        data = await self._api.request(
            "POST", "/users", {"name": name, "email": email, "role": role}
        )
        sip = data.get("sip")
        return Agent(
            id=str(data["id"]),
            name=data["name"],
            email=data["email"],
            role=data["role"],
            sip=SipCredentials(sip["username"], sip["password"], self._sip_domain) if sip else None,
        )

    async def remove_agent(self, agent: Agent) -> None:
        await self._api.request("DELETE", f"/users/{agent.id}")

    async def create_team(self, name: str) -> Team:
        data = await self._api.request("POST", "/teams", {"name": name})
        return Team(id=str(data["id"]), name=data["name"])

    async def add_to_team(self, team: Team, agent: Agent) -> None:
        await self._api.request("POST", f"/teams/{team.id}/members", {"user_id": agent.id})

    async def remove_from_team(self, team: Team, agent: Agent) -> None:
        await self._api.request("DELETE", f"/teams/{team.id}/members/{agent.id}")

    async def team_members(self, team: Team) -> list[str]:
        data = await self._api.request("GET", f"/teams/{team.id}")
        return [str(m["id"]) if isinstance(m, dict) else str(m) for m in data.get("members", [])]

    async def create_number(self, name: str, e164: str) -> Number:
        data = await self._api.request("POST", "/numbers", {"e164": e164, "name": name})
        return Number(id=str(data["id"]), e164=data["e164"], name=data["name"])

    async def distribution(self, number: Number) -> Distribution:
        data = await self._api.request("GET", f"/numbers/{number.id}/distribution")
        return Distribution(
            widgets=tuple(
                RingToWidget(
                    index=w["index"],
                    ring_time=w["ring_time"],
                    strategy=w["strategy"],
                    members=tuple(
                        RingToMember(type=m["type"], id=str(m["id"]), name=m.get("name", ""))
                        for m in w["members"]
                    ),
                )
                for w in data["widgets"]
            )
        )

    async def add_ring_to(
        self, number: Number, member_type: MemberType, member_id: str, *, widget: int = 0
    ) -> None:
        path = f"/numbers/{number.id}/distribution/widgets/{widget}/members"
        await self._api.request("POST", path, {"type": member_type, "id": member_id})

    async def remove_ring_to(
        self, number: Number, member_type: MemberType, member_id: str, *, widget: int = 0
    ) -> None:
        path = (
            f"/numbers/{number.id}/distribution/widgets/{widget}/members/{member_type}/{member_id}"
        )
        await self._api.request("DELETE", path)

    async def configure_widget(
        self, number: Number, *, widget: int = 0, ring_time: int, strategy: str
    ) -> None:
        current = await self._api.request("GET", f"/numbers/{number.id}/distribution")
        widgets = current["widgets"]
        while len(widgets) <= widget:
            widgets.append(
                {"index": len(widgets), "ring_time": 20, "strategy": "simultaneous", "members": []}
            )
        widgets[widget]["ring_time"] = ring_time
        widgets[widget]["strategy"] = strategy
        await self._api.request("PUT", f"/numbers/{number.id}/distribution", {"widgets": widgets})


class ReferenceTelephony:
    def __init__(self, sip_host: str, sip_port: int) -> None:
        self._host = sip_host
        self._port = sip_port

    def number_uri(self, number: Number) -> str:
        return f"sip:{number.e164}@{self._host}:{self._port}"

    def registrar(self) -> tuple[str, int]:
        return self._host, self._port


class ReferenceObservation:
    def __init__(self, api: _Api) -> None:
        self._api = api

    async def call_log(self) -> list[CallLogEntry]:
        data = await self._api.request("GET", "/calls")
        items = data["calls"] if isinstance(data, dict) else data
        return [_call_entry(c) for c in items]

    async def call(self, call_id: str) -> CallLogEntry:
        return _call_entry(await self._api.request("GET", f"/calls/{call_id}"))

    async def call_for_sip_call_id(self, sip_call_id: str) -> CallLogEntry | None:
        for entry in await self.call_log():
            if sip_call_id in entry.sip_call_ids:
                return entry
        return None

    async def subscribe(self, sink: Callable[[SutEvent], None]) -> Callable[[], None]:
        ready = asyncio.get_running_loop().create_future()

        async def pump() -> None:
            async with self._api.ws("/events") as ws:
                ready.set_result(None)
                async for msg in ws:
                    if msg.type != aiohttp.WSMsgType.TEXT:
                        continue
                    data = msg.json()
                    sink(
                        SutEvent(kind=data.get("type", "?"), call_id=data.get("call_id"), data=data)
                    )

        task = asyncio.create_task(pump())
        done, _ = await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()  # surfaces the connection error
        if not ready.done():
            task.cancel()
            raise SutUnavailable("the SUT's event stream did not open within 10 s")

        def stop() -> None:
            task.cancel()

        return stop


class ReferenceClock:
    def __init__(self, api: _Api) -> None:
        self._api = api

    async def now(self) -> datetime:
        data = await self._api.request("GET", "/clock")
        return datetime.fromisoformat(data["now"])

    async def set(self, when: datetime) -> None:
        await self._api.request("PUT", "/clock", {"now": when.isoformat()})

    async def advance(self, seconds: float) -> None:
        await self._api.request("POST", "/clock/advance", {"seconds": seconds})


class ReferenceFaults:
    def __init__(self, api: _Api) -> None:
        self._api = api

    async def desynchronise_assignment(
        self, agent: Agent, *, number: Number | None = None, team: Team | None = None
    ) -> None:
        body: dict[str, str] = {"user_id": agent.id}
        if number is not None:
            body["number_id"] = number.id
        if team is not None:
            body["team_id"] = team.id
        await self._api.request("POST", "/faults/assignment-out-of-sync", body)

    async def ignore_hangups(self, ignored: bool = True) -> None:
        await self._api.request("POST", "/faults/ignore-hangups", {"ignored": ignored})


class ReferenceAccess:
    """Routes, roles and tokens of the reference's API (capability ``access``)."""

    def __init__(
        self, api: _Api, admin: _Api, account_id: str, account_key: str, operator: str
    ) -> None:
        self._api = api
        self._admin = admin
        self._account_id = account_id
        self._account_key = account_key
        self._operator = operator

    def api_url(self) -> str:
        return self._api.base

    def account_id(self) -> str:
        return self._account_id

    async def routes(self) -> list[ApiRoute]:
        data = await self._admin.request("GET", "/routes")
        return [
            ApiRoute(r["method"], r["path"], r["permission"], bool(r.get("websocket")))
            for r in data["routes"]
        ]

    async def operator_token(self) -> str | None:
        return self._operator

    async def account_key(self) -> str:
        return self._account_key

    async def create_role(self, name: str, base: str, permissions: Sequence[str]) -> None:
        body = {"name": name, "base": base, "permissions": list(permissions)}
        await self._api.request("POST", "/roles", body)

    async def issue_token(self, agent: Agent, *, ttl_s: int = 3600) -> ApiToken:
        data = await self._api.request("POST", "/tokens", {"user_id": agent.id, "ttl_s": ttl_s})
        return ApiToken(str(data["id"]), str(data["token"]))

    async def expired_token(self, agent: Agent) -> str:
        # The reference's tokens expire on the account's clock: a one-second token, then the
        # clock moved two seconds on, is expired without anyone waiting.
        token = await self.issue_token(agent, ttl_s=1)
        await self._api.request("POST", "/clock/advance", {"seconds": 2})
        return token.secret

    async def revoke_token(self, token: ApiToken) -> None:
        await self._api.request("DELETE", f"/tokens/{token.id}")


class ReferenceTenant:
    def __init__(
        self,
        label: str,
        account_id: str,
        api: _Api,
        admin: _Api,
        sip: tuple[str, int],
        access: ReferenceAccess | None = None,
    ):
        self.label = label
        self.account_id = account_id
        self._admin = admin
        self.access = access
        self.directory = ReferenceDirectory(api, f"{sip[0]}:{sip[1]}")
        self.telephony = ReferenceTelephony(*sip)
        self.observation = ReferenceObservation(api)
        self.clock = ReferenceClock(api)
        self.faults = ReferenceFaults(api)
        # Imported here: the page objects build on this module's API client.
        from harness.sut.reference_desktop import ReferenceDesktop

        self.desktop: ReferenceDesktop | None = ReferenceDesktop(api)
        from harness.sut.reference_tickets import (
            ReferenceOutbound,
            ReferenceRecordings,
            ReferenceTickets,
        )

        self.tickets: ReferenceTickets | None = ReferenceTickets(api)
        self.outbound: ReferenceOutbound | None = ReferenceOutbound(api, self.tickets)
        self.recordings: ReferenceRecordings | None = ReferenceRecordings(api, self.tickets)
        from harness.sut.reference_ticket_requesters import (
            ReferenceTicketMerges,
            ReferenceTicketRequesters,
        )

        self.ticket_merges: ReferenceTicketMerges | None = ReferenceTicketMerges(self.tickets)
        self.ticket_requesters: ReferenceTicketRequesters | None = ReferenceTicketRequesters(
            self.tickets
        )
        from harness.sut.reference_routing import ReferenceRouting

        self.routing: ReferenceRouting | None = ReferenceRouting(api)
        from harness.sut.reference_profiles import ReferenceProfiles

        self.profiles: ReferenceProfiles | None = ReferenceProfiles(api)
        from harness.sut.reference_consumer import ReferenceConsumer

        self.consumer: ReferenceConsumer | None = ReferenceConsumer(api)
        from harness.sut.reference_dashboard import ReferenceDashboardSite

        self.dashboard: ReferenceDashboardSite | None = ReferenceDashboardSite(api)
        from harness.sut.reference_plans import ReferencePlans

        self.plans: ReferencePlans | None = ReferencePlans(api)
        from harness.sut.reference_conversations import ReferenceConversations

        self.conversations: ReferenceConversations | None = ReferenceConversations(api)
        from harness.sut.reference_transfers import ReferenceTransfers

        self.transfers: ReferenceTransfers | None = ReferenceTransfers(self.tickets)
        from harness.sut.reference_hold_audio import ReferenceHoldAudio

        self.hold_audio: ReferenceHoldAudio | None = ReferenceHoldAudio(api, self.routing)
        from harness.sut.reference_consumer_identity import ReferenceConsumerIdentities

        self.consumer_identity: ReferenceConsumerIdentities | None = ReferenceConsumerIdentities(
            api
        )
        from harness.sut.reference_call_out import ReferenceCallOut

        self.call_out: ReferenceCallOut | None = ReferenceCallOut(api, self.tickets)
        from harness.sut.reference_crm_recordings import ReferenceCrmRecordings

        self.crm_recordings: ReferenceCrmRecordings | None = ReferenceCrmRecordings(api)
        from harness.sut.reference_crm_recordings import ReferenceRecordingAccess

        self.recording_access: ReferenceRecordingAccess | None = ReferenceRecordingAccess(api)
        from harness.sut.reference_supervision import ReferenceSupervision

        self.supervision: ReferenceSupervision | None = ReferenceSupervision(self.tickets)
        from harness.sut.reference_chats import ReferenceChats

        self.chats: ReferenceChats | None = ReferenceChats(api, self.tickets)
        from harness.sut.reference_notifications import ReferenceNotifications

        self.notifications: ReferenceNotifications | None = ReferenceNotifications(
            api, self.routing
        )
        from harness.sut.reference_smart_actions import ReferenceSmartActions

        self.smart_actions: ReferenceSmartActions | None = ReferenceSmartActions(api)

    async def close(self) -> None:
        await self._admin.request("DELETE", f"/accounts/{self.account_id}")


class ReferenceAdapter:
    """Starts (or joins, with ``url``) the reference and gives each scenario its own account."""

    name = "reference"
    capabilities = frozenset(
        {
            "directory",
            "routing",
            "telephony",
            "observation",
            "clock",
            "faults",
            "access",
            "lifecycle",
            "desktop",
            "profiles",
            "consumer",
            "tickets",
            "outbound",
            "recordings",
            "dashboard",
            "plans",
            "ticket_merges",
            "ticket_requesters",
            "conversations",
            "transfers",
            "hold_audio",
            "consumer_identity",
            "call_out",
            "crm_recordings",
            "recording_access",
            "supervision",
            "notifications",
            "smart_actions",
            "chats",
        }
    )

    def __init__(self, url: str | None = None) -> None:
        # Imported here: that module builds on this one's tenant and API client.
        from harness.sut.reference_lifecycle import ReferenceLifecycle

        self.lifecycle = ReferenceLifecycle()
        self._url = url
        self._process: ReferenceProcess | None = None
        self._session: aiohttp.ClientSession | None = None
        self._admin: _Api | None = None
        self._sip: tuple[str, int] | None = None
        self._base = ""

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        if self._url is None:
            self._process = ReferenceProcess()
            addr = await asyncio.to_thread(self._process.start)
            self._base, token = addr.http_url, addr.admin_token
        else:
            self._base, token = split_token(self._url)
        self._admin = _Api(self._session, self._base, token)
        info = await self._admin.request("GET", "/info")
        self._sip = (info["sip"]["host"], int(info["sip"]["port"]))

    async def version(self) -> str:
        assert self._admin is not None, "adapter not started"
        return str((await self._admin.request("GET", "/health"))["version"])

    async def open_tenant(self, label: str) -> ReferenceTenant:
        assert self._admin is not None and self._session is not None and self._sip is not None
        data = await self._admin.request("POST", "/accounts", {"name": label})
        api = _Api(self._session, self._base, data["token"])
        access = ReferenceAccess(
            api, self._admin, str(data["id"]), data["token"], self._admin.token
        )
        return ReferenceTenant(label, str(data["id"]), api, self._admin, self._sip, access)

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._process is not None:
            await asyncio.to_thread(self._process.stop)
            self._process = None


def split_token(url: str) -> tuple[str, str]:
    """``http://TOKEN@host:port`` -> (``http://host:port``, ``TOKEN``)."""
    parts = urlsplit(url)
    if not parts.username or not parts.hostname:
        raise ValueError(f"--sut-url must look like http://ADMIN_TOKEN@127.0.0.1:PORT, got {url!r}")
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")), parts.username
