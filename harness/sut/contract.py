"""The adapter contract: typed Protocols, one per capability.

An adapter declares the capabilities it implements in ``capabilities``; a scenario tagged
``@needs:<capability>`` is skipped, with the reason, on an adapter that lacks it. Steps only ever
talk to the SUT through these Protocols (never through ``harness.reference``).

Everything here is asynchronous and runs on the harness's event loop; steps call it through the
portal. Capability names: directory, routing, telephony, desktop, observation, consumer, clock,
faults, access, lifecycle, profiles, tickets, outbound, recordings, dashboard,
consumer_identity.
faults, access, lifecycle, plans.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from playwright.async_api import BrowserContext, Page

from harness.runtime.journal import Journal
from harness.sut.call_out_model import CallOutAttempt, HotlineCallOut
from harness.sut.chats_model import LiveChatShown, LiveChatView
from harness.sut.consumer_model import (
    ConsumerRequestRecord,
    ConsumerSettings,
    MobileOverride,
    SdkAccess,
    SmsOverride,
    SmsRecord,
    SmsWebhook,
)
from harness.sut.crm_recordings_model import RecordingUpload
from harness.sut.events import SutEvent
from harness.sut.identity_model import ProfileFlag, ReservedFlags
from harness.sut.model import (
    Agent,
    ApiRoute,
    ApiToken,
    CallLogEntry,
    CallLogRow,
    Distribution,
    EditOutcome,
    MemberType,
    Number,
    ShownTimelineEntry,
    Team,
)
from harness.sut.notifications_model import (
    CallWait,
    RingTone,
    Tone,
    ToneStart,
    WhisperSettings,
)
from harness.sut.profiles import CallRequester, EndUserProfile, UserMerge
from harness.sut.routing_model import (
    ChannelName,
    Deflection,
    HoursScope,
    OpenState,
    PromptAudio,
    PromptKind,
    QueueRef,
    VirtualAgentMode,
    Voicemail,
    WeeklyHours,
)
from harness.sut.smart_actions_model import (
    AttachmentRecord,
    During,
    SmartActionKind,
    SmartActionRecord,
)
from harness.sut.supervision_model import CallDetails
from harness.sut.tickets_model import Recording, Ticket, TicketComment


class SutRefused(RuntimeError):
    """The SUT refused an action the harness asked of it (an API answered 4xx, say).

    Adapters raise it, or a subclass, so that the harness can tell the verdict apart: in a
    step that exercises a rule it is a conformance failure of that rule; while setting up a
    scenario it is a set-up error, not a verdict on any rule.
    """


CAPABILITIES = (
    "directory",
    "routing",
    "telephony",
    "desktop",
    "observation",
    "consumer",
    "clock",
    "faults",
    "access",
    "lifecycle",
    "profiles",
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
)


@runtime_checkable
class Directory(Protocol):
    """Agents with roles, teams, numbers and their "Ring to" call distribution."""

    async def create_agent(self, name: str, *, role: str = "agent") -> Agent: ...
    async def remove_agent(self, agent: Agent) -> None: ...
    async def create_team(self, name: str) -> Team: ...
    async def add_to_team(self, team: Team, agent: Agent) -> None: ...
    async def remove_from_team(self, team: Team, agent: Agent) -> None: ...
    async def team_members(self, team: Team) -> list[str]: ...
    async def create_number(self, name: str, e164: str) -> Number: ...
    async def distribution(self, number: Number) -> Distribution: ...
    async def add_ring_to(
        self, number: Number, member_type: MemberType, member_id: str, *, widget: int = 0
    ) -> None: ...
    async def remove_ring_to(
        self, number: Number, member_type: MemberType, member_id: str, *, widget: int = 0
    ) -> None: ...
    async def configure_widget(
        self, number: Number, *, widget: int = 0, ring_time: int, strategy: str
    ) -> None: ...


@runtime_checkable
class Telephony(Protocol):
    """Where calls go: the SIP URI of a number, and where SIP phones register."""

    def number_uri(self, number: Number) -> str: ...
    def registrar(self) -> tuple[str, int]: ...


@runtime_checkable
class Observation(Protocol):
    """What the dashboard shows: the call log with statuses and timelines (a call refused
    before anyone rang, e.g. with 488 for an unusable offer, is an entry of status
    ``refused``)."""

    async def call_log(self) -> list[CallLogEntry]: ...
    async def call(self, call_id: str) -> CallLogEntry: ...
    async def call_for_sip_call_id(self, sip_call_id: str) -> CallLogEntry | None: ...
    async def subscribe(self, sink: Callable[[SutEvent], None]) -> Callable[[], None]:
        """Deliver the SUT's events (call ringing, answered, ended…) to ``sink``; returns a stop."""
        ...


@runtime_checkable
class Clock(Protocol):
    async def now(self) -> datetime: ...
    async def set(self, when: datetime) -> None: ...
    async def advance(self, seconds: float) -> None: ...


@runtime_checkable
class Faults(Protocol):
    """Reference-only fault injection, to prove the harness recognises a defect."""

    async def desynchronise_assignment(
        self, agent: Agent, *, number: Number | None = None, team: Team | None = None
    ) -> None: ...
    async def ignore_hangups(self, ignored: bool = True) -> None:
        """Drop the callers' BYEs on the tenant's calls, so the calls never end (H-REL-2)."""
        ...


@runtime_checkable
class Tickets(Protocol):
    """Tickets the SUT makes from calls, as its help desk API shows them (seed 001, ZT-TKT).

    Shaped like a help desk's ticket API: tickets with their voice calls and comments; a
    change is made as one of the account's users (``author``), with that user's rights.
    An adapter without it lacks the capability ``tickets``.
    """

    async def tickets(self) -> list[Ticket]:
        """Every ticket of the tenant, newest first."""
        ...

    async def ticket(self, ticket_id: str) -> Ticket:
        """One ticket; SutRefused when there is no such ticket."""
        ...

    async def ticket_for_call(self, call_id: str) -> Ticket | None:
        """The ticket holding the call with the SUT's Call ID ``call_id``, if any."""
        ...

    async def add_comment(
        self, ticket_id: str, body: str, *, author: Agent, public: bool = False
    ) -> TicketComment:
        """``author`` comments on the ticket (also while its call is live)."""
        ...

    async def update_ticket(
        self,
        ticket_id: str,
        *,
        author: Agent,
        status: str | None = None,
        priority: str | None = None,
        subject: str | None = None,
    ) -> Ticket:
        """``author`` changes the ticket's properties; returns the ticket as changed."""
        ...

    async def configure_line(
        self,
        line: Number,
        *,
        omnichannel_routing: bool | None = None,
        abandoned_call_tickets: bool | None = None,
    ) -> None:
        """The admin's ticket settings of a line (a number): omnichannel routing, and whether
        abandoned calls make tickets (not available under omnichannel routing: SutRefused)."""
        ...

    async def line_settings(self, line: Number) -> dict[str, bool | None]:
        """The line's ticket settings as the SUT shows them (``None``: not available)."""
        ...


@runtime_checkable
class TicketMerges(Protocol):
    """Merging a ticket into another, as a help desk's ticket merge does (ZT-MRG-4, 6).

    The merge is made as ``author`` with that user's rights. A refused merge (a ticket into
    itself, into a ticket that does not exist or was merged away, a ticket merged twice)
    raises :class:`SutRefused` with the SUT's message. An adapter without it lacks the
    capability ``ticket_merges``.
    """

    async def merge_ticket(self, ticket_id: str, *, into: str, author: Agent) -> Ticket:
        """Merge the ticket ``ticket_id`` into the ticket ``into``; the target as it is now."""
        ...


@runtime_checkable
class TicketRequesters(Protocol):
    """Setting a ticket's requester afterwards, as a help desk's ticket update does with a
    requester id or a new requester (ZT-ID-10): an unknown caller's ticket matched to an
    existing end user or to a new one made from the ticket's information. An adapter without
    it lacks the capability ``ticket_requesters``.
    """

    async def set_requester(self, ticket_id: str, end_user_id: str, *, author: Agent) -> Ticket:
        """The ticket's requester becomes the end user ``end_user_id``."""
        ...

    async def new_requester(
        self, ticket_id: str, name: str, phones: Sequence[str] = (), *, author: Agent
    ) -> Ticket:
        """A new end user ``name`` with ``phones`` becomes the ticket's requester."""
        ...


@runtime_checkable
class OutboundCalls(Protocol):
    """Calls an agent places through the SUT's API, from the console or from a ticket.

    The callee is reached through a carrier; in a test the harness plays it, so the adapter is
    told where (``use_carrier``). The SUT rings the agent's phone first, then the callee.
    An adapter without it lacks the capability ``outbound``.
    """

    async def use_carrier(self, host: str, port: int) -> None:
        """Outbound calls of the tenant leave through the SIP carrier at ``host:port``."""
        ...

    async def place_call(
        self,
        agent: Agent,
        to: str,
        *,
        line: Number,
        ticket_id: str | None = None,
        ring_time_s: int = 30,
    ) -> str:
        """``agent`` calls ``to`` from ``line`` (from the ticket ``ticket_id`` if given); the
        callee rings for at most ``ring_time_s``. Returns the SUT's Call ID; SutRefused when
        the SUT refuses the call (a ticket that does not exist, say)."""
        ...


@runtime_checkable
class Recordings(Protocol):
    """Call recordings in tickets and the notification email per ticket (ZT-TKT-12, 14-16).

    Playing and deleting are done as a user (``user``), with that user's rights; a refusal
    (the admin forbids playing, a recording already deleted) is a SutRefused whose message
    says why. An adapter without it lacks the capability ``recordings``.
    """

    async def configure(
        self, *, recording: bool | None = None, playable: bool | None = None
    ) -> None:
        """The admin's settings: record calls; let users play recordings."""
        ...

    async def notify_by_email(self, smtp_host: str, smtp_port: int, address: str) -> None:
        """Send each ticket's notification email to ``address`` through that SMTP server."""
        ...

    async def recordings(self, ticket_id: str) -> list[Recording]:
        """The ticket's recordings (deleted ones marked)."""
        ...

    async def play(self, url: str, *, user: Agent) -> bytes:
        """Follow a recording's link (from ``recordings`` or from an email) as ``user``; the
        audio file as served."""
        ...

    async def delete(self, ticket_id: str, recording_id: str, *, user: Agent) -> None:
        """``user`` deletes the recording from the ticket."""


@runtime_checkable
class Routing(Protocol):
    """Business hours, the queue tree with its IVR menus, after-hours deflection, overrides,
    configurable messages and their rendered prompts (seed 004, CC-AH).

    Queues form a tree: a queue with children is an IVR menu whose entries are picked by a
    digit; a leaf queue rings its members. A number enters the tree at a root queue.
    """

    async def set_hours(
        self, scope: HoursScope, key: str | None, hours: WeeklyHours | None
    ) -> None:
        """Set (``None``: remove) the hours of the global scope, or of one queue (``key`` is
        its id), channel or language."""
        ...

    async def is_open(
        self,
        *,
        queue: QueueRef | None = None,
        channel: ChannelName = "ivr",
        language: str | None = None,
    ) -> OpenState:
        """Whether the queue / channel / language is open now, on the tenant's clock."""
        ...

    async def create_queue(
        self,
        name: str,
        *,
        parent: QueueRef | None = None,
        digit: str | None = None,
        prompt: str | None = None,
        agents: Sequence[Agent] = (),
        virtual_agent: VirtualAgentMode = "none",
    ) -> QueueRef:
        """A queue; with a parent, the entry of its menu that ``digit`` picks."""
        ...

    async def set_queue_agents(self, queue: QueueRef, agents: Sequence[Agent]) -> None:
        """The agents a leaf queue rings (replacing those it had)."""
        ...

    async def set_queue_deflection(self, queue: QueueRef, enabled: bool) -> None:
        """Turn after-hours deflection on or off for one queue."""
        ...

    async def enter_at(self, number: Number, queue: QueueRef | None) -> None:
        """Calls to ``number`` enter the tree at the root ``queue`` (``None``: no tree)."""
        ...

    async def set_call_settings(
        self,
        *,
        deflection_enabled: bool,
        deflection: Deflection | None = None,
        allow_after_hours_transfers: bool = False,
    ) -> None:
        """Settings > Call: after-hours deflection of calls and its global option."""
        ...

    async def set_chat_settings(
        self, *, deflection_enabled: bool, allow_after_hours_transfers: bool = False
    ) -> None:
        """Settings > Chat: after-hours deflection of chats, transfers to closed queues."""
        ...

    async def set_override(
        self, queue: QueueRef, channel: ChannelName, deflection: Deflection | None
    ) -> None:
        """A leaf queue's own after-hours deflection for one channel (``None``: removed)."""
        ...

    async def set_carrier(self, host: str, port: int) -> None:
        """Where the SUT sends calls to numbers outside it (the harness plays that carrier)."""
        ...

    async def set_messages(self, texts: Mapping[str, str]) -> None:
        """Change configurable messages (``after_hours``, ``voicemail_greeting``, ...)."""
        ...

    async def raw_request(self, method: str, path: str, body: object) -> object:
        """Send one settings request as it is (for bad-input checks); SutRefused on 4xx."""
        ...

    async def snapshot(self) -> object:
        """Every routing setting as the SUT shows them (compared before and after a refusal)."""
        ...

    async def transfer_targets(
        self, agent: Agent, family: Literal["calls", "chats"] = "calls"
    ) -> list[QueueRef]:
        """The queues ``agent`` sees as transfer targets for a call or a chat, now."""
        ...

    async def voicemails(self) -> list[Voicemail]:
        """The voicemails the SUT kept, newest first."""
        ...

    async def voicemail_audio(self, voicemail: Voicemail) -> PromptAudio:
        """A voicemail's recorded message as audio."""
        ...

    async def crm_records(self) -> list[Voicemail]:
        """The voicemails the SUT handed to the CRM (a root queue with no assignment)."""
        ...

    async def prompt_audio(
        self, kind: PromptKind, *, queue: QueueRef | None = None, message: str | None = None
    ) -> PromptAudio:
        """A prompt as the SUT plays it: a queue's ``menu``, a configurable ``message`` (by
        name), a queue ``override``'s own text, or the global call ``deflection``'s own text."""
        ...


@runtime_checkable
class WebSdk(Protocol):
    """The SUT's web SDK open in one browser page, as a consumer sees it.

    Each method waits for the page (web-first) and fails with the page's state when the
    expected thing does not show up in time.
    """

    async def shown_options(self) -> list[str]:
        """The kinds of the options the page offers, in order (``call``, ``chat``, ``email``,
        ``scheduled_call``, ``phone``, ``voicemail``, ``redirect``)."""
        ...

    async def email_message(self) -> str:
        """The after-hours email message the page shows."""
        ...

    async def start_chat(self) -> str:
        """Start a chat; the first line the chat shows."""
        ...

    async def book_first_slot(self, phone: str) -> str:
        """Book the first scheduled-call slot offered, to ``phone``; what the page then says
        (a confirmation, or the refusal)."""
        ...


@runtime_checkable
class Consumer(Protocol):
    """The consumer side: SDK sessions (web and mobile), web chat, SMS and the settings of
    after-hours deflection for them (seed 004, CC-AH-4 to 8, 11, 13, 15, 16).

    Consumer parties (``harness.endpoints.consumer``) speak the consumer protocol the README
    documents, at :meth:`sdk_access`; the web SDK is a page a browser opens.
    """

    async def configure(self, settings: ConsumerSettings) -> None:
        """Change the consumer settings given (``None`` members are left as they are)."""
        ...

    async def snapshot(self) -> object:
        """The consumer settings and every queue's overrides as the SUT shows them (compared
        around a refusal; overrides under ``"overrides"`` as ``queue_id``, ``channel``,
        ``override``)."""
        ...

    async def set_override(
        self, queue: QueueRef, channel: ChannelName, override: MobileOverride | SmsOverride | None
    ) -> None:
        """A leaf queue's after-hours override for a consumer channel (``None``: removed)."""
        ...

    async def route_sms_to(self, queue: QueueRef) -> None:
        """The queue the account's SMS go to."""
        ...

    async def connect_sms_gateway(
        self, gateway_url: str, number: str, *, timeout_s: float | None = None
    ) -> SmsWebhook:
        """Send SMS through ``gateway_url`` from ``number``; where inbound SMS are posted."""
        ...

    async def send_sms(self, to: str, body: str, media_urls: Sequence[str] = ()) -> SmsRecord:
        """Send one SMS (as an agent replying would); the message as logged."""
        ...

    async def sms_log(self) -> list[SmsRecord]:
        """Every SMS in and out, oldest first."""
        ...

    async def sdk_access(self) -> SdkAccess:
        """Where consumer apps connect and the key they open sessions with."""
        ...

    async def requests(self) -> list[ConsumerRequestRecord]:
        """Scheduled calls and voicemails consumers left, oldest first."""
        ...

    async def open_web_sdk(self, context: BrowserContext, queue: QueueRef) -> WebSdk:
        """A new page of ``context`` showing the web SDK on ``queue``."""
        ...


class TenantSource(Protocol):
    """Whatever hands out tenants: the shared SUT, or a scenario's own instance."""

    async def open_tenant(self, label: str) -> Tenant: ...


@runtime_checkable
class OwnInstance(Protocol):
    """An instance of the SUT that one scenario owns, on its own data, and may crash.

    ``kill`` ends it at once, as a power cut would (SIGKILL: nothing of it runs afterwards);
    ``restart`` starts it again on the same data and the same addresses, so tenants opened
    before keep working; ``stop`` ends it cleanly and removes its data.
    ``commit_window_s`` is what the SUT promises a crash can lose: changes older than that
    survive it.
    """

    commit_window_s: float

    async def open_tenant(self, label: str) -> Tenant: ...
    async def kill(self) -> None: ...
    async def restart(self) -> None: ...
    async def stop(self) -> None: ...


@runtime_checkable
class Lifecycle(Protocol):
    """Starting instances a scenario owns: needed to crash a SUT without disturbing others."""

    async def start_own(self) -> OwnInstance: ...


@runtime_checkable
class AccessControl(Protocol):
    """The SUT's HTTP API as each kind of caller meets it: its routes, roles and tokens.

    Used by the authorisation matrix (H-SEC-4), which requests every route the SUT publishes
    with every kind of token. An adapter without it lacks the capability ``access``.
    """

    def api_url(self) -> str:
        """The base URL of the HTTP API (routes are relative to it)."""
        ...

    def account_id(self) -> str:
        """The id of this tenant's account, as the API's paths name it."""
        ...

    async def routes(self) -> list[ApiRoute]:
        """Every HTTP and WebSocket route, read from the SUT's own route table."""
        ...

    async def operator_token(self) -> str | None:
        """The token of whoever runs the platform (manages accounts), if the adapter has one."""
        ...

    async def account_key(self) -> str:
        """The account's own API key (every permission inside the account)."""
        ...

    async def create_role(self, name: str, base: str, permissions: Sequence[str]) -> None:
        """A custom role: the built-in ``base`` role plus ``permissions``."""
        ...

    async def issue_token(self, agent: Agent, *, ttl_s: int = 3600) -> ApiToken:
        """A token for ``agent`` (a user of any role), valid ``ttl_s`` seconds."""
        ...

    async def expired_token(self, agent: Agent) -> str:
        """A token of ``agent`` that has expired."""
        ...

    async def revoke_token(self, token: ApiToken) -> None:
        """Revoke ``token``; it must open nothing afterwards."""
        ...


@runtime_checkable
class AgentApp(Protocol):
    """The agent app open in one browser context, as page objects: what an agent does and sees.

    Each method waits for the page (web-first) and fails with the page's state when the
    expected thing does not show up in time.
    """

    async def sign_in(self, secret: str) -> None:
        """Fill in and submit the sign-in form with ``secret`` (what the SUT signs in with)."""
        ...

    async def signed_in_as(self) -> str:
        """The name the app shows for whoever is signed in (waits for the signed-in view)."""
        ...

    async def refusal(self) -> str:
        """The message the sign-in form shows after a refused sign-in (waits for it)."""
        ...

    async def set_availability(self, available: bool) -> None:
        """Flip the availability switch and wait until the app shows the SUT accepted it."""
        ...

    async def availability(self) -> str:
        """What the app shows: ``available`` or ``away``."""
        ...


@runtime_checkable
class Desktop(Protocol):
    """The agent app in a real browser. An adapter without it lacks the capability ``desktop``."""

    def app_url(self) -> str:
        """Where the agent app is served."""
        ...

    async def open_agent_app(self, context: BrowserContext) -> AgentApp:
        """A new page of ``context`` showing the app's sign-in."""
        ...

    async def sign_in_secret(self, agent: Agent) -> str:
        """What ``agent`` signs in with (a password or a token, as the SUT has it)."""
        ...

    async def availability(self, agent: Agent) -> str:
        """``agent``'s availability as the SUT reports it (not as a page shows it)."""
        ...


@runtime_checkable
class DialingApp(Protocol):
    """An agent app that places calls: its dialer (the console) and the Call action of a ticket
    (ZT-TKT-2, 7), the agent's audio going through the app as for the calls it receives.

    ``line`` is the number of the account the call is placed from. A call the app places
    returns its key once the app shows it in progress: the SUT's Call ID of the call (as
    :meth:`OutboundCalls.place_call` returns it). What the app refuses raises
    :class:`SutRefused` carrying the message the app shows. An agent app without these
    methods does not place calls: scenarios that place calls in the app are skipped.
    """

    async def place_call(self, number: str, line: Number, *, ring_time_s: int | None = None) -> str:
        """Dial ``number`` from ``line`` in the app's dialer; the customer's phone rings for
        ``ring_time_s`` at most (None: the app's default)."""
        ...

    async def open_ticket(self, ticket_id: str) -> str:
        """Open ticket ``ticket_id`` in the app; the number the ticket offers to call."""
        ...

    async def call_from_ticket(self, line: Number, *, ring_time_s: int | None = None) -> str:
        """Click Call on the ticket the app shows, calling from ``line`` (as :meth:`place_call`)."""
        ...


@runtime_checkable
class Profiles(Protocol):
    """End users (customers) with phone identities, merges, and who each call is from.

    Shaped like a helpdesk's users API (users with phone identities; merge a user into
    another). A number added to a profile is a direct line or a shared number as the SUT
    decides; a refusal (a number that is not E.164 with phone validation on, a second shared
    number, a user merged into itself) raises :class:`SutRefused` with the SUT's message.
    An adapter without it lacks the capability ``profiles``.
    """

    async def create_end_user(self, name: str, phones: Sequence[str] = ()) -> EndUserProfile:
        """A new end user with ``phones`` added in order."""
        ...

    async def end_user(self, user_id: str) -> EndUserProfile:
        """The end user ``user_id`` as stored now (a merged one shows ``merged_into``)."""
        ...

    async def end_users(self, *, phone: str | None = None) -> list[EndUserProfile]:
        """The account's end users (not merged away); with ``phone``, those holding it."""
        ...

    async def add_phone(self, user_id: str, number: str) -> EndUserProfile:
        """Add ``number`` to the end user's profile."""
        ...

    async def remove_phone(self, user_id: str, number: str) -> EndUserProfile:
        """Take ``number`` off the end user's profile."""
        ...

    async def merge(self, user_id: str, *, into: str) -> UserMerge:
        """Merge the end user ``user_id`` into the end user ``into``."""
        ...

    async def set_phone_validation(self, enabled: bool) -> None:
        """Switch the account's phone-number validation (E.164 only) on or off."""
        ...

    async def call_requester(self, call_id: str) -> CallRequester:
        """Who the SUT says the call ``call_id`` (its Call ID) is from."""


@runtime_checkable
class Dashboard(Protocol):
    """The dashboard of an admin or a manager open in one browser context, as page objects.

    Members, users and teams are named as the SUT holds them (``Agent.name``, ``Team.name``).
    An edit returns what the page said once the SUT answered (:class:`EditOutcome`); reading
    methods wait for the page (web-first) and fail with the page's state when it does not show.
    """

    async def sign_in(self, secret: str) -> None:
        """Fill in and submit the dashboard's sign-in with ``secret``."""
        ...

    async def signed_in_as(self) -> str:
        """The name the dashboard shows for whoever is signed in (waits for it)."""
        ...

    async def refusal(self) -> str:
        """The message the dashboard shows after a refused sign-in (waits for it)."""
        ...

    async def open_distribution(self, number: Number) -> None:
        """Numbers > ``number`` > Call distribution, by the page's own links."""
        ...

    async def ring_to_members(self, widget: int = 0) -> list[str]:
        """The names listed in the Ring to widget ``widget`` (counted from 0) of the open page."""
        ...

    async def ring_time(self, widget: int = 0) -> int:
        """The ring time, in seconds, the open page shows for widget ``widget``."""
        ...

    async def nobody_assigned(self) -> bool:
        """Whether the open distribution page says that the number rings nobody."""
        ...

    async def add_to_ring_to(self, name: str, *, widget: int = 0) -> EditOutcome:
        """Add the user or team ``name`` to widget ``widget``."""
        ...

    async def remove_from_ring_to(self, name: str, *, widget: int = 0) -> EditOutcome:
        """Remove ``name`` from widget ``widget``."""
        ...

    async def set_ring_time(self, seconds: int, *, widget: int = 0) -> EditOutcome:
        """Type ``seconds`` as the ring time of widget ``widget`` and save it."""
        ...

    async def open_team(self, team: Team) -> None:
        """Users & teams > ``team``, by the page's own links."""
        ...

    async def team_members(self) -> list[str]:
        """The names the open team page lists as members."""
        ...

    async def add_to_team(self, name: str) -> EditOutcome:
        """Add the user ``name`` to the open team."""
        ...

    async def remove_from_team(self, name: str) -> EditOutcome:
        """Remove the user ``name`` from the open team."""
        ...

    async def call_log(self) -> list[CallLogRow]:
        """The call log page's rows, newest first, read afresh."""
        ...

    async def call_timeline(self, call_id: str) -> list[ShownTimelineEntry]:
        """The timeline the page of call ``call_id`` shows, in order (opened from the log)."""


@runtime_checkable
class DesktopShell(Protocol):
    """The SUT's desktop app, when it is its web app in a browser's app window (``--app``).

    Part of the ``desktop`` capability for adapters whose desktop app is such a window.
    """

    def desktop_app_url(self) -> str:
        """What the desktop app's window opens (Chromium ``--app=URL``)."""
        ...

    async def agent_app_in(self, page: Page) -> AgentApp:
        """The agent app already open in ``page`` (the desktop app's window)."""
        ...


@runtime_checkable
class DashboardSite(Protocol):
    """Where the dashboard is and who may sign in to it. An adapter without it lacks the
    capability ``dashboard``."""

    def dashboard_url(self) -> str:
        """Where the dashboard is served."""
        ...

    async def open_dashboard(self, context: BrowserContext) -> Dashboard:
        """A new page of ``context`` showing the dashboard's sign-in."""
        ...

    async def sign_in_secret(self, user: Agent) -> str:
        """What ``user`` (an admin or a manager) signs in with."""
        ...

    async def expire_sessions(self) -> None:
        """Let the sessions signed in so far reach the end of their lifetime (on the SUT's
        clock where it has one), so that the next request of their pages is refused."""


@runtime_checkable
class Plans(Protocol):
    """The account's plan and add-ons, as an admin sets them. An adapter without it lacks the
    capability ``plans``."""

    async def set_plan(self, plan: str, *, ai_addon: bool) -> None:
        """Put the account on ``plan`` (the SUT's own plan names), with or without AI."""
        ...


@runtime_checkable
class Conversations(Protocol):
    """The account's settings behind the agent app's conversations, as an admin sets them:
    which lines may text customers (the SMS composer). An adapter without it lacks the
    capability ``conversations``."""

    async def set_sms_eligible(self, number: Number, eligible: bool) -> None:
        """Make the line ``number`` eligible for SMS from its conversations, or not."""
        ...

    async def sms_eligible(self, number: Number) -> bool:
        """Whether the line ``number`` is eligible for SMS."""
        ...

    async def configure_crm(self, url: str | None, *, timeout_s: float | None = None) -> None:
        """Fetch callers' insight cards from the CRM at ``url`` (None: no CRM), giving up after
        ``timeout_s``; raises :class:`SutRefused` when the SUT refuses the settings."""
        ...

    async def crm_settings(self) -> object:
        """The CRM settings as the SUT shows them (compared around a refusal)."""


class Transfers(Protocol):
    """Blind transfers of answered calls, as the agent on the call asks for them (AC-IN-7).

    An adapter without it lacks the capability ``transfers``.
    """

    async def transfer(self, agent: Agent, call_id: str, to: Agent) -> None:
        """``agent``, on the call ``call_id`` (the SUT's Call ID), hands it to the agent ``to``;
        SutRefused when the SUT refuses (a call not answered, a transfer to oneself...)."""
        ...

    async def transfer_to_queue(self, agent: Agent, call_id: str, queue: QueueRef) -> None:
        """``agent`` hands the call ``call_id`` to ``queue`` (its agents ring); SutRefused when
        the SUT refuses (a queue it does not offer as a transfer target now, say)."""
        ...


class HoldAudio(Protocol):
    """The audio a caller hears while waiting in the queue for an agent (a line setting).

    An adapter without it lacks the capability ``hold_audio``.
    """

    async def set_hold_audio(self, line: Number, on: bool) -> None:
        """Callers waiting for an agent on ``line`` hear the hold audio (``on``), or not."""
        ...

    async def hold_audio(self, line: Number) -> PromptAudio:
        """The hold audio of ``line`` as the SUT plays it (what a waiting caller should hear)."""
        ...


@runtime_checkable
class MonitoringPages(Protocol):
    """The dashboard's monitoring pages (Calls > Queued, Calls > Connected) open in one
    dashboard, as page objects. Calls are named by the SUT's Call ID."""

    async def live_calls(self, page: str) -> list[str]:
        """The Call IDs listed on the monitoring page ``page`` (``queued`` or ``connected``),
        opened from the dashboard's menu."""
        ...

    async def end_call(self, call_id: str, page: str) -> EditOutcome:
        """On the monitoring page ``page``: the call's Actions > End call, then Confirm; what
        the page said once the SUT answered."""
        ...

    async def monitor_call(self, call_id: str) -> EditOutcome:
        """Calls > Connected: the call's Actions > Monitor (the SUT then calls the user's phone)."""
        ...

    async def stop_monitoring(self, call_id: str) -> EditOutcome:
        """Calls > Connected: the call's Actions > Stop monitoring."""
        ...

    async def call_details(self, call_id: str) -> CallDetails:
        """Calls > Connected: the call's Actions > Call details, read back, then closed with X."""
        ...

    async def monitor_agent(self, agent_name: str, *, from_details: bool = False) -> EditOutcome:
        """Agents: the row of ``agent_name`` (as the SUT holds it), Actions > Monitor; or, with
        ``from_details``, Actions > Call details, then the pop-up's Listen."""
        ...

    async def stop_monitoring_agent(self, agent_name: str) -> EditOutcome:
        """Agents: the row of ``agent_name``, Actions > Stop monitoring."""
        ...


class Supervision(Protocol):
    """Supervisors acting on live sessions from the monitoring pages (seed 004: CC-END, CC-MON).

    An adapter without it lacks the capability ``supervision``.
    """

    def monitoring_pages(self, dashboard: Dashboard) -> MonitoringPages:
        """The monitoring pages of ``dashboard``, a dashboard this adapter opened."""
        ...

    async def monitor(self, user: Agent, call_id: str) -> None:
        """``user`` starts listening to the connected call ``call_id`` (Actions > Monitor): the
        SUT calls her SIP phone, which then rings; SutRefused when the SUT refuses (a user
        without the monitoring permission for that call, a call not connected)."""
        ...

    async def stop_monitoring(self, user: Agent, call_id: str) -> None:
        """``user`` stops listening to ``call_id`` (Stop monitoring): only her leg ends."""
        ...

    async def end_call(self, user: Agent, call_id: str) -> None:
        """``user`` ends the live call ``call_id`` (the SUT's Call ID), queued or connected:
        Actions > End call, then Confirm. SutRefused when the SUT refuses (a user without the
        permission for that call, a call that has ended)."""


@runtime_checkable
class AgentChatApp(Protocol):
    """One agent's app connected to the SUT, as chats reach it. Every chat frame it gets goes
    into the scenario's journal as an :class:`~harness.sut.chats_model.AgentChatFrame`."""

    async def accept(self, chat_id: str) -> None:
        """Take the chat ``chat_id`` offered to the app."""
        ...

    async def say(self, chat_id: str, text: str) -> None:
        """Send ``text`` to the chat's consumer."""
        ...

    async def end(self, chat_id: str) -> None:
        """End the chat (the consumer is told)."""
        ...

    async def close(self) -> None:
        """Disconnect the app."""
        ...


@runtime_checkable
class ChatsApp(Protocol):
    """The agent app's chats and chat notifications (CC-NTF-7), as the page shows them: the
    chats waiting, and each start of a chat tone (``kind`` ``new-chat`` or ``new-message``,
    the tone's name, seconds on the page's clock). An agent app without it is skipped."""

    async def accept_chat(self) -> None:
        """Accept the first chat waiting."""
        ...

    async def write_chat(self, text: str) -> None:
        """Write ``text`` in the chat taken, and send it."""
        ...

    async def end_chat(self) -> None:
        """End the chat taken (End chat)."""
        ...

    async def chat_messages(self) -> list[str]:
        """The messages the chat taken shows, as ``name: text``, oldest first."""
        ...

    async def chat_tone_starts(self, kind: str) -> list[ToneStart]:
        """Every start of the chat tone ``kind`` so far, oldest first."""
        ...

    async def wait_chat_tone_starts(
        self, kind: str, count: int, timeout_s: float
    ) -> list[ToneStart]:
        """Return once the tone ``kind`` has started ``count`` times (or ``timeout_s`` passed)."""
        ...


@runtime_checkable
class ChatPages(Protocol):
    """The dashboard's Chats > Connected page in one open dashboard, as a page object."""

    async def connected_chats(self) -> list[str]:
        """The chat IDs Chats > Connected lists."""
        ...

    async def view_live_chat(self, chat_id: str) -> LiveChatShown:
        """Actions > View live chat, read back, then closed with its X."""
        ...

    async def chat_details(self, chat_id: str) -> dict[str, str]:
        """Actions > Chat details: the session's data (term -> value), then closed with X."""
        ...

    async def end_chat(self, chat_id: str) -> EditOutcome:
        """Actions > End chat, then Confirm; what the page said once the SUT answered."""
        ...


class Chats(Protocol):
    """Consumers' chats reaching agents, and supervisors watching and ending them (seed 004:
    CC-MON-6, 9, 10, CC-END-1 for chats). An adapter without it lacks the capability
    ``chats``. The consumer's side is the consumer protocol (``chat.message``, ``chat.end``)."""

    async def connect_agent_app(self, agent: Agent, journal: Journal, party: str) -> AgentChatApp:
        """``agent``'s app connected and reachable: chats of her queues are offered to it. Its
        frames are recorded with ``party`` (the scenario's name of the agent)."""
        ...

    async def connected_chats(self, user: Agent) -> list[LiveChatView]:
        """Chats > Connected as ``user`` sees it."""
        ...

    async def live_chat(self, user: Agent, chat_id: str) -> LiveChatView:
        """Actions > View live chat (the chat details) as ``user`` sees it; SutRefused when
        refused."""
        ...

    async def end_chat(self, user: Agent, chat_id: str) -> None:
        """Actions > End chat, then Confirm, as ``user``; SutRefused when refused."""
        ...

    async def choose_chat_tones(
        self, new_chat_tone: str, repeat_s: int | None, message_tone: str
    ) -> None:
        """The admin chooses the chat tones by name (CC-NTF-7); ``repeat_s`` None: once."""
        ...

    def chat_pages(self, dashboard: Dashboard) -> ChatPages:
        """The Chats > Connected page of ``dashboard``, a dashboard this adapter opened."""
        ...


class Notifications(Protocol):
    """What the agent is told of a call before it starts (CC-NTF): the whisper and the
    countdown, their audio as the SUT plays it, and the wait they add to the call.

    An adapter without it lacks the capability ``notifications``.
    """

    async def set_whisper(
        self, *, on: bool | None = None, speed_wpm: int | None = None, countdown: bool | None = None
    ) -> WhisperSettings:
        """Change the account's whisper settings (members left None stay as they are)."""
        ...

    async def whisper_audio(self, line: Number) -> PromptAudio:
        """The whisper an agent hears for a call dialled to ``line``, as the SUT plays it."""
        ...

    async def countdown_audio(self) -> PromptAudio:
        """The countdown an agent hears before the caller is put through."""
        ...

    async def call_wait(self, call_id: str) -> CallWait:
        """How long the call's customer waited before being put through to the agent."""
        ...

    async def set_queue_whisper(
        self,
        queue: QueueRef,
        *,
        text: str | None = None,
        audio: PromptAudio | None = None,
        speed_wpm: int | None = None,
        countdown: bool | None = None,
    ) -> None:
        """``queue`` has its own whisper: ``text`` spoken, or ``audio`` uploaded, else (with
        nothing given) the queue's name; ``speed_wpm`` and ``countdown`` change only when
        given (a queue that never set them follows the account's settings)."""
        ...

    async def queue_whisper_audio(self, queue: QueueRef) -> PromptAudio:
        """The whisper an agent hears for a call that reached ``queue``, as the SUT plays it."""
        ...

    async def tones(self) -> tuple[list[Tone], RingTone]:
        """The tone library (built-in and uploaded tones) and the incoming-call tone."""
        ...

    async def upload_tone(self, name: str, data: bytes) -> Tone:
        """Upload an MP3 file as the tone ``name``; SutRefused (naming why) for a bad file."""
        ...

    async def replace_tone(self, tone: Tone, data: bytes) -> None:
        """Give the uploaded ``tone`` a new MP3 file."""
        ...

    async def delete_tone(self, tone: Tone) -> None:
        """Delete the uploaded ``tone`` from the library."""
        ...

    async def preview_tone(self, tone: Tone) -> bytes:
        """The file the SUT plays when ``tone`` is previewed."""
        ...

    async def choose_ring_tone(self, tone: Tone, repeat_s: int | None = None) -> None:
        """Agents hear ``tone`` for offered calls, once or every ``repeat_s`` seconds."""
        ...

    async def set_sms_notifications(self, agent: Agent, *, on: bool, phone: str) -> None:
        """``agent``'s profile phone number is ``phone``; with ``on`` she is texted there for
        each call offered to her (through the account's SMS gateway)."""
        ...


class Tenant(Protocol):
    """One scenario's account on the SUT. Capabilities it lacks are ``None``."""

    label: str
    directory: Directory | None
    telephony: Telephony | None
    observation: Observation | None
    clock: Clock | None
    faults: Faults | None
    desktop: Desktop | None
    tickets: Tickets | None
    outbound: OutboundCalls | None
    recordings: Recordings | None
    routing: Routing | None
    profiles: Profiles | None
    consumer: Consumer | None
    dashboard: DashboardSite | None
    ticket_merges: TicketMerges | None
    ticket_requesters: TicketRequesters | None
    transfers: Transfers | None
    hold_audio: HoldAudio | None
    consumer_identity: ConsumerIdentities | None
    smart_actions: SmartActions | None
    chats: Chats | None

    async def close(self) -> None: ...


class Adapter(Protocol):
    """The SUT as a whole: started once per run, hands out one tenant per scenario."""

    name: str
    capabilities: frozenset[str]

    async def start(self) -> None: ...
    async def version(self) -> str: ...
    async def open_tenant(self, label: str) -> Tenant: ...
    async def stop(self) -> None: ...


AdapterFactory = Callable[..., Adapter]


@dataclass(frozen=True)
class RingingCall:
    """What an agent app's ringing pop-up shows for one incoming call.

    ``key`` tells one offer from the next (the same call offered again is a new key); the
    harness uses it as the agent's leg of the call. ``actions`` maps each button of the pop-up
    to its colour as a person would name it ("green", "red", or "" when neutral).
    """

    key: str
    caller_number: str
    caller_name: str
    line: str
    actions: dict[str, str]
    ivr_branch: str = ""  # the last IVR branch the caller chose; "" without an IVR (AC-IN-4)


@dataclass(frozen=True)
class Conversation:
    """What the conversation view shows: the customer, the line, its actions, one line of text
    per earlier interaction (newest first) as the app words it, and the titles of the parts of
    the context snapshot shown."""

    customer: str
    line: str
    actions: list[str]
    history: list[str]
    snapshot: list[str] = field(default_factory=list)  # the context snapshot's parts shown


@dataclass(frozen=True)
class Interaction:
    """One bubble of the conversation view: ``kind`` "voice" or "sms" (an MMS is an "sms"
    with media), its text as the app words it, and the links of its media assets."""

    kind: str
    text: str
    media: tuple[str, ...] = ()


@runtime_checkable
class ConversationApp(Protocol):
    """The agent app's conversation view beyond its header (AC-IN-10, 11): the bubbles of every
    channel, the system log, and the SMS composer when the line is eligible."""

    async def wait_interaction(self, kind: str, contains: str) -> Interaction:
        """Wait (web-first) for a bubble of ``kind`` whose text contains ``contains``."""
        ...

    async def wait_log(self, contains: str) -> list[str]:
        """Wait (web-first) for a system log entry containing ``contains``; the whole log."""
        ...

    async def composer_shown(self) -> bool:
        """Whether the conversation offers the SMS composer (once the conversation loaded)."""
        ...

    async def send_sms(self, text: str) -> str:
        """Type ``text`` in the composer and send it; the composer's message afterwards ("" when
        the app reports no problem)."""
        ...


@dataclass(frozen=True)
class InsightShown:
    """The CRM insight card with a ringing call: its fields by label ("Name", "Company"...),
    or none and the note saying why; ``shown`` is False when the pop-up has no card at all."""

    shown: bool
    card: dict[str, str] = field(default_factory=dict)
    note: str = ""


@runtime_checkable
class InsightApp(Protocol):
    """The agent app's CRM insight card (AC-IN-5, 13)."""

    async def popup_insight(self, key: str) -> InsightShown:
        """The card of the pop-up of ``key``, once the app has it or knows why not."""
        ...

    async def toolbar_insight(self) -> dict[str, str]:
        """Open the insight card from the call toolbar; its fields by label."""
        ...


@runtime_checkable
class TonesApp(Protocol):
    """The agent app's incoming-call tone (CC-NTF-4, 5), as the page shows each time it
    started: the tone's name and when (seconds on the page's own clock). An agent app without
    it does not show its tones: scenarios that listen for them are skipped."""

    async def tone_starts(self) -> list[ToneStart]:
        """Every start of the incoming-call tone so far, oldest first."""
        ...

    async def wait_tone_starts(self, count: int, timeout_s: float) -> list[ToneStart]:
        """Return once the tone has started ``count`` times (or ``timeout_s`` passed)."""
        ...


@runtime_checkable
class CallingApp(Protocol):
    """The agent app as a phone: the ringing pop-up and the call it leads to.

    Part of the ``desktop`` capability: the app that :meth:`Desktop.open_agent_app` returns
    implements it when the SUT's agents take calls in the app.
    """

    async def wait_ringing(self, seen: Collection[str] = ()) -> RingingCall:
        """Wait (without limit) for a ringing pop-up whose key is not in ``seen``; read it."""
        ...

    async def ringing_shown(self) -> RingingCall | None:
        """The pop-up shown now, or None."""
        ...

    async def accept(self, key: str) -> None:
        """Click accept on the pop-up of ``key`` (the green button)."""
        ...

    async def reject(self, key: str) -> None:
        """Click reject on the pop-up of ``key`` (the red button)."""
        ...

    async def call_message(self) -> str:
        """The message the app shows about calls (waits until there is one)."""
        ...

    async def in_call_actions(self) -> list[str]:
        """The actions the in-call view offers (waits until it shows)."""
        ...

    async def hang_up(self) -> None:
        """Hang up the call in progress."""
        ...

    async def set_muted(self, muted: bool) -> None:
        """Mute or unmute the agent's microphone in the call in progress."""
        ...

    async def set_held(self, held: bool) -> None:
        """Put the call in progress on hold, or take it back."""
        ...

    async def go_to(self, view: str) -> None:
        """Navigate within the app to ``view`` (e.g. "Contacts"), away from the call."""
        ...

    async def toolbar(self) -> tuple[list[str], str]:
        """The call toolbar shown away from the call: its actions and where it sits on the
        screen ("bottom-left", "top-right"...); waits until it shows."""
        ...

    async def back_to_call(self) -> None:
        """Click the toolbar to return to the call's view; waits until it shows."""
        ...

    async def in_call_view_shown(self) -> bool:
        """Whether the call's own view is on screen now."""
        ...

    async def enable_notifications(self) -> None:
        """Turn on the app's browser notifications (the browser has granted the permission)."""
        ...

    async def open_conversation(self, key: str) -> Conversation:
        """Click the pop-up's conversation button for ``key`` and read the conversation."""
        ...

    async def try_availability(self, available: bool) -> str:
        """Flip the availability switch when the SUT is expected to refuse it; the message the
        app shows (waits for it)."""
        ...


@runtime_checkable
class TransferringApp(Protocol):
    """The agent app's Transfer and Keypad actions on the call in progress (AC-IN-7).

    Part of the ``transfers`` capability: the app that :meth:`Desktop.open_agent_app` returns
    implements it when the SUT's agents transfer calls and use a keypad in the app.
    """

    async def transfer_targets(self) -> list[str]:
        """Open Transfer and read the targets it offers, as shown: agents by name, queues as
        "Queue <name>" (waits until the list shows)."""
        ...

    async def transfer_to(self, target: str) -> None:
        """Transfer the call in progress to ``target`` (as :meth:`transfer_targets` names it);
        waits until the app shows the call has left it."""
        ...

    async def press_keys(self, digits: str) -> None:
        """Open the keypad and press ``digits`` one after another (waits until the app shows
        each key as sent)."""
        ...


@dataclass(frozen=True)
class DetachedToolbarShown:
    """What the desktop app's detached toolbar window shows of the call: the caller, the line,
    the running time in seconds and its actions by name."""

    caller: str
    line: str
    running_s: int
    actions: list[str]


@runtime_checkable
class DetachedToolbar(Protocol):
    """The desktop app's call toolbar in a window of its own (AC-IN-13, desktop variant): it
    acts on the call that stays in the app's main window."""

    async def shown(self) -> DetachedToolbarShown:
        """What the window shows of the call (waits until it shows one)."""
        ...

    async def set_muted(self, muted: bool) -> None:
        """Mute or unmute from the window; waits until the window shows it done."""
        ...

    async def set_held(self, held: bool) -> None:
        """Hold or take back from the window; waits until the window shows it done."""
        ...

    async def hang_up(self) -> None:
        """Hang up from the window; waits until the main window shows the call gone."""
        ...

    async def back_to_call(self) -> None:
        """Click the window to return to the call; waits until the main window shows the
        call's own view."""
        ...

    async def insight(self) -> dict[str, str]:
        """Open the CRM insight card from the window; its fields by label."""
        ...

    async def wait_closed(self) -> None:
        """Wait until the window has closed (it may already have); raises AssertionError
        if it stays open."""
        ...

    def is_closed(self) -> bool:
        """Whether the window is closed now."""
        ...


@runtime_checkable
class DetachedToolbarApp(Protocol):
    """A desktop app that, away from the call, keeps it under control from a detached window.

    Part of the ``desktop`` capability: the app :meth:`DesktopShell.agent_app_in` returns
    implements it when the desktop app detaches its call toolbar.
    """

    async def detached_toolbar(self) -> DetachedToolbar:
        """The detached toolbar window the app opened (waits for it to open)."""
        ...

    async def in_page_toolbar_shown(self) -> bool:
        """Whether the app's own window shows an in-page call toolbar now."""


@runtime_checkable
class ConsumerIdentities(Protocol):
    """Reserved data properties through the Apps API and SIP headers, and a queue's virtual
    agent (seed 004, CC-RSV-1 to 5). The consumer's own side (the SDK session's user ID, visitor
    ID, mobile SDK ID, login and reserved flags) is the consumer protocol the README documents.

    A refusal (an unknown flag, a value that is not a boolean, a session that ended or does not
    exist) raises :class:`SutRefused` with the SUT's message. The tenant's ``consumer_identity``
    attribute; an adapter without it lacks the capability ``consumer_identity``.
    """

    async def session_flags(self, session_id: str) -> ReservedFlags:
        """The reserved flags of the consumer session ``session_id``, read through the Apps API."""
        ...

    async def set_session_flags(
        self, session_id: str, flags: Mapping[str, object]
    ) -> ReservedFlags:
        """Send reserved flags for a session that started (the Apps API); flags not named stay."""
        ...

    async def call_flags(self, call_id: str) -> ReservedFlags:
        """The reserved flags of the call ``call_id`` (the SUT's Call ID), read during the call."""
        ...

    async def set_call_flags(self, call_id: str, flags: Mapping[str, object]) -> ReservedFlags:
        """Send reserved flags for a call in progress through the Apps API."""
        ...

    def sip_headers(self, flags: Mapping[str, str]) -> list[tuple[str, str]]:
        """The SIP headers an inbound INVITE carries ``flags`` in (values as sent, so that a
        scenario can send a bad one)."""
        ...

    async def set_virtual_agent(self, queue: QueueRef, verified_customer_key: str | None) -> None:
        """The virtual agent of ``queue`` passes "verified customer" from the session metadata
        ``verified_customer_key`` (None: it passes nothing)."""
        ...


@runtime_checkable
class ProfileFlagsApp(Protocol):
    """The agent app's user profile flags of the caller (CC-RSV-3, 5): part of the ``desktop``
    capability when the SUT's app shows them."""

    async def popup_flags(self, key: str) -> list[ProfileFlag]:
        """The flags the ringing pop-up of ``key`` shows (label and meaning), once it shows."""
        ...

    async def call_flags(self, expected: Sequence[str]) -> list[ProfileFlag]:
        """The flags the view of the call in progress shows, once it shows the labels
        ``expected`` (web-first: flags sent during the call show up by themselves) or the app's
        wait ran out."""


@runtime_checkable
class CallOut(Protocol):
    """Calling customers out from hotlines, and the errors agents meet (SG-ERR).

    Configuration is changed as a user (``by``), with that user's rights: only administrators
    may (SG-ERR-4), anyone else gets a SutRefused and nothing changes. Groups are the
    directory's teams. Calls are placed as the agent; a refused call is not an exception but
    an attempt with its error code and the Call ID support needs. An adapter without it lacks
    the capability ``call_out``.
    """

    async def configure_hotline(
        self,
        line: Number,
        *,
        by: Agent | None = None,
        allow_call_out: bool | None = None,
        all_groups: bool | None = None,
        groups: Sequence[Team] | None = None,
    ) -> HotlineCallOut:
        """Change the hotline's call-out configuration as ``by`` (None: the account's own
        administrator); the configuration after. SutRefused when ``by`` may not."""
        ...

    async def hotline(self, line: Number) -> HotlineCallOut:
        """The hotline's call-out configuration."""
        ...

    async def delete_hotline(self, line: Number) -> None:
        """The hotline is deleted on the portal (by the account's administrator)."""
        ...

    async def block(self, number: str, blocked: bool = True) -> None:
        """Put the customer's ``number`` on the blacklist (or, ``blocked=False``, take it off)."""
        ...

    async def use_answer_url(self, url: str | None) -> None:
        """The SUT asks ``url`` how to connect each outbound call (None: asks nobody)."""
        ...

    async def set_stuck_call_timeout(self, seconds: float) -> None:
        """A call whose agent side went silent ends after ``seconds`` (SG-ERR-9)."""
        ...

    async def place_call(
        self, agent: Agent, to: str, *, line: Number, mode: str = "call_out", ring_time_s: int = 30
    ) -> CallOutAttempt:
        """``agent`` calls ``to`` from ``line`` in ``mode`` (``call_out``: through the carrier,
        ``app``: to an app user); the attempt, failed or placed."""
        ...

    async def attempt(self, call_id: str) -> CallOutAttempt:
        """The attempt the SUT logged under ``call_id`` (what support looks up)."""
        ...

    async def capture(self, call_id: str) -> bytes:
        """The ended call's signalling capture as a pcap file (SG-ERR-12)."""
        ...


@runtime_checkable
class CrmRecordingStorage(Protocol):
    """Call recordings kept in the account's CRM, not on the SUT (CC-REC-1 to 4, 6).

    The CRM is the harness's (:mod:`harness.endpoints.crm`); the SUT uploads each recording to
    the CRM ticket of its call and deletes it from its own server. An adapter without it lacks
    the capability ``crm_recordings``.
    """

    async def keep_recordings_in_crm(self, crm_url: str, *, part_bytes: int | None = None) -> None:
        """Upload the account's recordings to the CRM at ``crm_url``, in parts of at most
        ``part_bytes`` (None: the SUT's default, 50 MB); SutRefused when refused."""
        ...

    async def recording_uploads(self, ticket_id: str) -> list[RecordingUpload]:
        """The recordings of the SUT's ticket ``ticket_id`` and where each is on its way."""
        ...


@runtime_checkable
class RetainedRecordingAccess(Protocol):
    """Who reaches a recording while the SUT retains it for the CRM (CC-REC-5): only a user
    who passed MFA and presents an authenticated CRM key. An adapter without it lacks the
    capability ``recording_access``.
    """

    async def fetch_retained(
        self, recording: Recording, *, user: Agent | None, mfa: bool, crm_key: bool
    ) -> bytes:
        """Fetch the retained ``recording`` as ``user`` (None: with the account's ordinary API
        key), having passed MFA with an authenticator or not, presenting a CRM key the SUT
        issued or not; the audio file, or SutRefused saying why."""
        ...


@runtime_checkable
class SmartActions(Protocol):
    """Smart actions (seed 004, CC-SA): during a mobile-SDK call or chat the agent asks the
    consumer to verify identity, send photos (up to four), a screenshot or videos, enter text or
    redact (calls only); a web-SDK chat's consumer attaches files with the paperclip.

    The consumer's own side (the request arriving on its session WebSocket, its answer, the
    paperclip) is the consumer protocol the README documents (*Smart actions*). A refusal raises
    :class:`SutRefused` with the SUT's message. The tenant's ``smart_actions`` attribute; an
    adapter without it lacks the capability ``smart_actions``.
    """

    async def set_redact(self, enabled: bool) -> None:
        """Offer redact to the account's agents or not (off by default)."""
        ...

    async def request(
        self,
        session_id: str,
        kind: SmartActionKind,
        during: During,
        *,
        count: int | None = None,
        call_id: str | None = None,
    ) -> SmartActionRecord:
        """The agent asks the consumer of ``session_id`` for ``kind`` during a ``call`` or a
        ``chat``; ``count`` photos or videos; a redact names the call (``call_id``, the SUT's
        Call ID) whose recording it pauses."""
        ...

    async def read(self, action_id: str, *, wait_s: float = 0.0) -> SmartActionRecord:
        """The action as the agent sees it, media included; with ``wait_s`` it returns as soon
        as the consumer answered (or after ``wait_s``, still requested)."""
        ...

    async def end(self, action_id: str) -> SmartActionRecord:
        """The agent ends a redact (the recording resumes)."""
        ...

    async def attachments(self, session_id: str) -> list[AttachmentRecord]:
        """The files the consumer of the web-SDK chat ``session_id`` attached, oldest first."""
        ...
