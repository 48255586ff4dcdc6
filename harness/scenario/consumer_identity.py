"""Unauthenticated consumers and reserved customer flags (seed 004, CC-UNA-1 to 4, CC-RSV-1 to 5).

Consumers are the harness's own SDK parties (:mod:`harness.endpoints.consumer`); the CRM the
SUT writes contacts and tickets into is the harness's (:mod:`harness.endpoints.crm`), read back
as a person looking at the CRM would. Reserved flags go in through the SDK session, the Apps API
(the ``consumer_identity`` capability) and an inbound call's SIP headers, and come out where an
agent or an integration sees them: the agent app's pop-up and call view, the Apps API.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, cast

import pytest
from playwright.async_api import BrowserContext

from harness.endpoints import events as party_events
from harness.endpoints.consumer import ChatConsumer, MobileConsumer, SdkConsumer, SdkFrame
from harness.endpoints.crm import Crm
from harness.endpoints.crm_book import CrmContact, CrmTicket, CrmWrite
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, WaitTimeout
from harness.scenario.cast import CUSTOMER, CapabilityMissing, Cast
from harness.scenario.consumers import ConsumerDesk
from harness.scenario.incoming import IncomingCalls
from harness.sut.contract import (
    Consumer,
    ConsumerIdentities,
    Conversations,
    ProfileFlagsApp,
    SutRefused,
)
from harness.sut.identity_model import ProfileFlag, ReservedFlags

WAIT_S = 5.0
CRM_TIMEOUT_S = 2.0  # how long the SUT may wait for the CRM in these scenarios
SDKS = {"web SDK": "web", "mobile app": "mobile"}


def parse_data(text: str) -> dict[str, object]:
    """``"reserved_bad_actor: true, reserved_vip: yes"`` -> ``{"reserved_bad_actor": True,
    "reserved_vip": "yes"}``: true and false are booleans, anything else stays text (so that a
    scenario can send a bad value)."""
    out: dict[str, object] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, sep, value = part.partition(":")
        if not sep:
            raise ValueError(f"reserved data are 'name: value' pairs, not {part!r}")
        raw = value.strip()
        out[name.strip()] = {"true": True, "false": False}.get(raw, raw)
    return out


def labels(text: str) -> list[str]:
    """``"Verified customer, Bad actor"`` -> the two labels; ``"none"`` -> ``[]``."""
    return [] if text.strip() == "none" else [p.strip() for p in text.split(",") if p.strip()]


@dataclass
class ConsumerIdentityDesk:
    """The scenario's consumers as the contact center identifies them, the CRM, and their flags."""

    cast: Cast
    consumers: ConsumerDesk
    incoming: Callable[[], IncomingCalls]
    crm: Crm | None = None
    parties: dict[str, SdkConsumer] = field(default_factory=dict)
    contacts_of: dict[str, list[str]] = field(default_factory=dict)  # consumer -> unique IDs
    refusal: str = ""
    before: ReservedFlags | None = None
    before_login: list[str] = field(default_factory=list)  # tickets before the last login
    _installs: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _browser: BrowserContext | None = None  # the visitor's browser (its storage is kept)

    def run(self, coro: Any) -> Any:
        return self.cast.portal.run(coro)

    @property
    def identities(self) -> ConsumerIdentities:
        found = getattr(self.cast.tenant, "consumer_identity", None)
        if not isinstance(found, ConsumerIdentities):
            raise CapabilityMissing("the SUT adapter lacks the capability 'consumer_identity'")
        return found

    @property
    def consumer(self) -> Consumer:
        return self.consumers.consumer

    # -- the CRM -------------------------------------------------------------------------------
    def connect_crm(self) -> None:
        """The account writes its consumers' contacts and tickets into the harness's CRM."""
        settings = getattr(self.cast.tenant, "conversations", None)
        if not isinstance(settings, Conversations):
            raise CapabilityMissing("this adapter lacks the capability 'conversations' (the CRM)")
        crm = self.run(Crm.start(self.cast.journal))
        self.cast.cleanup.push("CRM", crm.close)
        self.cast.cleanup.check("CRM", crm.leaks)
        self.crm = crm
        self.run(settings.configure_crm(crm.url, timeout_s=CRM_TIMEOUT_S))

    @property
    def book(self) -> Any:
        if self.crm is None:
            raise AssertionError("the scenario has not connected the account's CRM")
        return self.crm.book

    # -- consumers -----------------------------------------------------------------------------
    def open(self, name: str, sdk: str, queue: str, identity: dict[str, Any]) -> SdkConsumer:
        """``name`` opens ``sdk`` ("web SDK" or "mobile app") on ``queue`` with ``identity``."""
        channel = SDKS[sdk]
        kind = MobileConsumer if channel == "mobile" else ChatConsumer
        party = self.run(
            kind.open(
                name,
                self.consumers.access(),
                self.cast.journal,
                queue_id=self.consumers.routing.queue(queue).id,
                channel=channel,
                identity=identity,
            )
        )
        label = f"consumer {name} #{len(self.contacts_of.get(name, ())) + 1}"
        self.cast.cleanup.push(label, party.close)
        self.cast.cleanup.check(label, party.leaks)
        self.parties[name] = party
        self.contacts_of.setdefault(name, []).append(party.unique_id)
        return party

    def installation(self, name: str) -> str:
        """A new mobile SDK ID for ``name``'s app (one per installation)."""
        return f"install-{self.cast.ids.prefix}-{name}-{next(self._installs)}".lower()

    def chat(self, name: str) -> dict[str, Any]:
        """``name`` starts a chat in her open session; it is queued and, with a CRM, the SUT
        writes its ticket there (waited for in the journal)."""
        party = self.party(name)
        armed = self.cast.journal.position
        answer = self.run(party.start_chat())
        if answer.kind != "chat.queued":
            raise ConformanceFailure((), "the chat queued", f"{answer.kind}: {answer.data}")
        if self.crm is not None:
            try:
                self.cast.journal.wait_for(
                    Match(CrmWrite, kind="ticket.created"), WAIT_S, after=armed
                )
            except WaitTimeout:
                raise ConformanceFailure(
                    (), "a CRM ticket for the chat", "the CRM got none"
                ) from None
        return cast(SdkFrame, answer).data

    def start_chat(self, name: str, sdk: str, queue: str, identity: dict[str, Any]) -> None:
        """``name`` opens ``sdk`` on ``queue`` with ``identity`` and starts a chat."""
        if (
            SDKS[sdk] == "mobile"
            and "installation_id" not in identity
            and "user_id" not in identity
        ):
            identity = {**identity, "installation_id": self.installation(name)}
        self.open(name, sdk, queue, identity)
        self.chat(name)

    def chat_on_page(self, queue: str) -> None:
        """A visitor opens the web SDK page of ``queue`` in her browser (the same one each time:
        what the page keeps there stays) and starts a chat; its CRM ticket is waited for."""
        if self._browser is None:
            self._browser = self.consumers.browser_context()
        ref = self.consumers.routing.queue(queue)
        page = self.run(self.consumer.open_web_sdk(self._browser, ref))
        armed = self.cast.journal.position
        line = self.run(page.start_chat())
        try:
            self.cast.journal.wait_for(Match(CrmWrite, kind="ticket.created"), WAIT_S, after=armed)
        except WaitTimeout:
            raise ConformanceFailure((), "a CRM ticket for the page's chat", line) from None

    def expect_only_contact(self, first_name: str, tickets: int) -> None:
        """The CRM holds one contact, named ``first_name``, with ``tickets`` tickets."""
        contacts = list(self.book.contacts.values())
        shown = [(c.first_name, len(self.book.tickets_of(c.id))) for c in contacts]
        undashed = first_name.replace(" - ", " ")  # the seed writes it with and without
        if len(contacts) != 1 or (shown[0][0].replace(" - ", " "), shown[0][1]) != (
            undashed,
            tickets,
        ):
            raise ConformanceFailure(
                (), f"one contact {first_name!r} with {tickets} ticket(s)", str(shown)
            )

    def party(self, name: str) -> SdkConsumer:
        try:
            return self.parties[name]
        except KeyError:
            known = ", ".join(self.parties) or "none"
            raise KeyError(f"no consumer {name!r} in this scenario (known: {known})") from None

    def unique_id(self, name: str) -> str:
        return self.party(name).unique_id

    def log_in(self, name: str, user_id: str) -> None:
        """``name`` logs in as ``user_id`` (CC-UNA-3); the CRM's updates are waited for."""
        party = self.party(name)
        before = self.book.tickets_of(self._contact(party.unique_id).id) if self.crm else []
        armed = self.cast.journal.position
        answer = self.run(party.log_in(user_id))
        for ticket in before:
            try:
                self.cast.journal.wait_for(
                    Match(CrmWrite, kind="ticket.updated", record_id=ticket.id), WAIT_S, after=armed
                )
            except WaitTimeout:
                raise ConformanceFailure(
                    (), f"the ticket {ticket.id} merged at login", str(answer)
                ) from None
        self.before_login = [t.id for t in before]

    def try_open(self, sdk: str, queue: str, identity: dict[str, Any]) -> None:
        """A consumer tries to open ``sdk`` with ``identity``; the refusal is kept."""
        try:
            party = self.open("stranger", sdk, queue, identity)
        except SutRefused as refusal:
            self.refusal = str(refusal)
            return
        raise ConformanceFailure(
            (), "the session refused", f"opened with the unique ID {party.unique_id!r}"
        )

    # -- what the CRM holds --------------------------------------------------------------------
    def _contact(self, unique_id: str) -> CrmContact:
        found = self.book.contacts_with(unique_id)
        if len(found) != 1:
            every = [(c.first_name, c.unique_id) for c in self.book.contacts.values()]
            raise ConformanceFailure(
                (), f"one CRM contact with the unique ID {unique_id!r}", str(every)
            )
        return cast(CrmContact, found[0])

    def expect_temporary_id(self, name: str) -> None:
        unique_id = self.unique_id(name)
        identity = self.run(self.party(name).identity())
        if not unique_id or identity.get("authenticated") is not False:
            raise ConformanceFailure(
                (), "a temporary unique ID for a consumer not logged in", str(identity)
            )

    def expect_contact(self, name: str, first_name: str) -> None:
        """The CRM has ``name``'s contact under her unique ID, named ``first_name`` (the seed's
        example writes it with or without the dash: both are accepted)."""
        contact = self._contact(self.unique_id(name))
        if contact.first_name.replace(" - ", " ") != first_name.replace(" - ", " "):
            raise ConformanceFailure(
                (),
                f"the contact's first name {first_name!r}",
                repr(contact.first_name),
            )

    def expect_mobile_sdk_id(self, name: str, install: str) -> None:
        contact = self._contact(self.unique_id(name))
        if contact.mobile_sdk_id != install or self.unique_id(name) != install:
            raise ConformanceFailure(
                (),
                f"the contact carrying the mobile SDK ID {install!r}",
                f"unique ID {self.unique_id(name)!r}, mobile SDK ID {contact.mobile_sdk_id!r}",
            )

    def expect_tickets(self, name: str, count: int) -> None:
        tickets = self.book.tickets_of(self._contact(self.unique_id(name)).id)
        if len(tickets) != count:
            raise ConformanceFailure(
                (), f"{count} ticket(s) for the contact of {name}", str(tickets)
            )

    def expect_contact_count(self, count: int) -> None:
        contacts = list(self.book.contacts.values())
        if len(contacts) != count:
            every = [(c.first_name, c.unique_id) for c in contacts]
            raise ConformanceFailure((), f"{count} CRM contact(s)", str(every))

    def expect_different_ids(self, first: str, second: str) -> None:
        if self.unique_id(first) == self.unique_id(second):
            raise ConformanceFailure(
                (),
                f"different unique IDs for {first} and {second}",
                f"both {self.unique_id(first)!r}",
            )

    def expect_same_id(self, name: str) -> None:
        ids = set(self.contacts_of[name])
        if len(ids) != 1:
            raise ConformanceFailure((), f"one unique ID for {name}", str(ids))

    def expect_new_id(self, name: str) -> None:
        ids = self.contacts_of[name]
        if len(ids) < 2 or ids[-1] in ids[:-1]:
            raise ConformanceFailure((), f"a new unique ID for {name}", str(ids))

    def expect_merged(self, user_id: str) -> None:
        """Every ticket of the unauthenticated period now belongs to ``user_id``'s contact."""
        if not self.before_login:
            raise AssertionError("nobody had tickets before logging in")
        contact = self._contact(user_id)
        moved = {t.id for t in self.book.tickets_of(contact.id)}
        missing = [t for t in self.before_login if t not in moved]
        if missing:
            tickets: list[CrmTicket] = list(self.book.tickets.values())
            raise ConformanceFailure(
                (), f"the tickets {self.before_login} under {user_id!r}", str(tickets)
            )

    def expect_refused(self, words: str) -> None:
        if words not in self.refusal:
            raise ConformanceFailure((), f"a refusal naming {words!r}", self.refusal or "none")

    # -- reserved flags ------------------------------------------------------------------------
    def open_with_flags(self, name: str, sdk: str, queue: str, data: str) -> None:
        identity: dict[str, Any] = {"reserved": parse_data(data)}
        if SDKS[sdk] == "mobile":
            identity["installation_id"] = self.installation(name)
        self.open(name, sdk, queue, identity)

    def open_with_metadata(self, name: str, queue: str, metadata: dict[str, str]) -> None:
        identity = {"installation_id": self.installation(name), "metadata": metadata}
        self.open(name, "mobile app", queue, identity)

    def app_sends(self, name: str, data: str) -> None:
        self.run(self.party(name).send_reserved(parse_data(data)))

    def api_sends(self, name: str, data: str) -> None:
        self.run(self.identities.set_session_flags(self.party(name).session_id, parse_data(data)))

    def session_flags(self, name: str) -> ReservedFlags:
        return cast(
            ReservedFlags, self.run(self.identities.session_flags(self.party(name).session_id))
        )

    def expect_session_flags(self, name: str, wanted: str) -> None:
        shown = self.session_flags(name)
        if shown.labels != labels(wanted):
            raise ConformanceFailure((), f"the profile flags {wanted!r}", str(shown.labels))

    def virtual_agent(self, queue: str, key: str) -> None:
        self.run(self.identities.set_virtual_agent(self.consumers.routing.queue(queue), key))

    def try_send(self, sender: str, data: str, whose: str, name: str) -> None:
        """``sender`` (``the app`` or ``the Apps API``) tries to send ``data`` for a session:
        ``her`` open one, ``her ended`` one, or an ``unknown`` one; the refusal is kept and the
        flags before it too."""
        party = self.party(name)
        self.before = self.session_flags(name)
        if whose == "ended":
            self.run(party.end())
        session_id = "ses_0000000000000000" if whose == "unknown" else party.session_id
        try:
            if sender == "the app":
                self.run(party.send_reserved(parse_data(data)))
            else:
                self.run(self.identities.set_session_flags(session_id, parse_data(data)))
        except SutRefused as refusal:
            self.refusal = str(refusal)
            return
        raise ConformanceFailure((), f"{data!r} refused", "accepted")

    def expect_flags_unchanged(self, name: str) -> None:
        after = self.session_flags(name)
        if self.before is None or after != self.before:
            raise ConformanceFailure((), f"the flags unchanged: {self.before}", str(after))

    # -- calls ---------------------------------------------------------------------------------
    def call_with(self, number: str, data: str) -> None:
        """The customer calls ``number`` with ``data`` in the SUT's reserved-data SIP headers."""
        values = {
            k: str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in parse_data(data).items()
        }
        headers = self.identities.sip_headers(values)
        self.incoming().flows.dial(number, headers=headers)

    def _flags_app(self, name: str) -> ProfileFlagsApp:
        app = self.incoming().agents.calling_app(name)
        if not isinstance(app, ProfileFlagsApp):
            raise CapabilityMissing("the agent app's page objects show no user profile flags")
        return app

    def popup_flags(self, name: str) -> list[ProfileFlag]:
        key = self.incoming().popup(name).key
        return cast(list[ProfileFlag], self.run(self._flags_app(name).popup_flags(key)))

    def expect_popup_flags(self, name: str, wanted: str) -> None:
        shown = [f.label for f in self.popup_flags(name)]
        if shown != labels(wanted):
            raise ConformanceFailure((), f"the pop-up's flags {wanted!r}", str(shown))

    def expect_popup_meaning(self, name: str, label: str, words: str) -> None:
        """The pop-up shows the flag ``label`` and what it means, in ``words`` (each)."""
        shown = {f.label: f.meaning for f in self.popup_flags(name)}
        meaning = shown.get(label)
        missing = [w for w in labels(words) if meaning is None or w.lower() not in meaning.lower()]
        if missing:
            raise ConformanceFailure((), f"{label!r} meaning {words!r}", str(shown) or "no flags")

    def expect_call_view_flags(self, name: str, wanted: str) -> None:
        flags = self.run(self._flags_app(name).call_flags(labels(wanted)))
        shown = [f.label for f in flags]
        if shown != labels(wanted):
            raise ConformanceFailure((), f"the call view's flags {wanted!r}", str(shown))

    def _call_id(self) -> str:
        flows = self.incoming().flows
        return flows.sut_call_id(flows.last)

    def expect_call_flags(self, wanted: str) -> None:
        shown = self.run(self.identities.call_flags(self._call_id()))
        if shown.labels != labels(wanted):
            raise ConformanceFailure(
                (),
                f"the call's flags {wanted!r} through the Apps API",
                str(shown.labels),
            )

    def api_sends_for_call(self, data: str) -> None:
        self.run(self.identities.set_call_flags(self._call_id(), parse_data(data)))

    def expect_call_refused(self, flag: str) -> None:
        """The customer's call was refused (4xx) with a Warning naming ``flag``'s header."""
        header = self.identities.sip_headers({flag: "x"})[0][0]
        flows = self.incoming().flows
        call = flows.last
        try:
            failed = self.cast.journal.wait_for(
                Match(party_events.CallFailed, party=CUSTOMER, sip_call_id=call.sip_call_id),
                WAIT_S,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure((), "the call refused", "it was not") from None
        if not 400 <= failed.status < 500 or header not in failed.warning:
            raise ConformanceFailure(
                (),
                f"a 4xx whose warning names {header}",
                f"{failed.status} {failed.reason} {failed.warning!r}",
            )


def _keep_crm(cast: Cast, desk: ConsumerIdentityDesk) -> None:
    """The CRM's contacts and tickets as the SUT left them, in the failing scenario's evidence."""
    if desk.crm is None:
        return
    folder = cast.evidence.directory
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "crm-records.json"
    book = desk.crm.book
    records = {
        "contacts": [asdict(c) for c in book.contacts.values()],
        "tickets": [asdict(t) for t in book.tickets.values()],
    }
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")
    cast.evidence.files.append(path)


@pytest.fixture
def identity_desk(
    request: pytest.FixtureRequest, cast: Cast, consumer_desk: ConsumerDesk
) -> ConsumerIdentityDesk:
    """The scenario's consumers as identified, the CRM they are written to, and their flags;
    the agent apps (and the browser) only when a call is placed. A failing scenario keeps the
    CRM's records in its evidence."""
    desk = ConsumerIdentityDesk(
        cast, consumer_desk, lambda: request.getfixturevalue("incoming_calls")
    )

    async def keep() -> None:
        failed = any(
            (report := getattr(request.node, f"rep_{when}", None)) is not None and report.failed
            for when in ("setup", "call")
        )
        if failed:
            _keep_crm(cast, desk)

    cast.cleanup.push("CRM records for the evidence", keep)
    return desk
