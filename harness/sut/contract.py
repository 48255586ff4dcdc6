"""The adapter contract: typed Protocols, one per capability.

An adapter declares the capabilities it implements in ``capabilities``; a scenario tagged
``@needs:<capability>`` is skipped, with the reason, on an adapter that lacks it. Steps only ever
talk to the SUT through these Protocols (never through ``harness.reference``).

Everything here is asynchronous and runs on the harness's event loop; steps call it through the
portal. Capability names: directory, routing, telephony, desktop, observation, consumer, clock,
faults, access, lifecycle, plans.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from playwright.async_api import BrowserContext, Page

from harness.sut.events import SutEvent
from harness.sut.model import (
    Agent,
    ApiRoute,
    ApiToken,
    CallLogEntry,
    Distribution,
    MemberType,
    Number,
    Team,
)


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
    "plans",
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
class Plans(Protocol):
    """The account's plan and add-ons, as an admin sets them. An adapter without it lacks the
    capability ``plans``."""

    async def set_plan(self, plan: str, *, ai_addon: bool) -> None:
        """Put the account on ``plan`` (the SUT's own plan names), with or without AI."""
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
