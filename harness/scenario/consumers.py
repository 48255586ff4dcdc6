"""Consumers after hours (seed 004, CC-AH-4 to 8, 11, 13, 15, 16): customers in a mobile app,
on the web SDK page (in Chromium), on the web chat and texting by SMS, and the admin settings
that decide what they are offered.

Talks to the SUT only through the ``consumer`` capability (and ``routing`` through
:class:`~harness.scenario.routing.RoutingAdmin`, for the queues and their hours). The SMS
gateway the SUT sends through is the harness's own (:mod:`harness.endpoints.sms_gateway`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import BrowserContext

from harness.data.numbers import e164
from harness.endpoints.browser.chromium import BrowserHost
from harness.endpoints.consumer import (
    ChatConsumer,
    ConsumerRefused,
    MobileConsumer,
    SdkConsumer,
    SdkFrame,
)
from harness.endpoints.sms_gateway import Sms, SmsGateway, SmsRefused, SmsSent
from harness.runtime.journal import Match
from harness.scenario.cast import CapabilityMissing, Cast
from harness.scenario.routing import DAYS, RoutingAdmin
from harness.sut.consumer_model import (
    ConsumerSettings,
    MobileOverride,
    SdkAccess,
    SdkChannelName,
    SdkOptionName,
    ShownOptions,
    SmsOverride,
    SmsWebhook,
)
from harness.sut.contract import Consumer, SutRefused, WebSdk
from harness.sut.routing_model import ChannelName, WeeklyHours

SLOT = timedelta(minutes=30)
WAIT_S = 5.0


def names(text: str) -> list[str]:
    """``"email, phone"`` -> ``["email", "phone"]``; ``"nothing"`` -> ``[]``."""
    text = text.strip()
    return [] if text in ("", "nothing") else [part.strip() for part in text.split(",")]


def within(hours: WeeklyHours, start: datetime, end: datetime) -> bool:
    """Whether ``start``-``end`` lies inside one opening of ``hours`` (read in its zone)."""
    if hours.always_open:
        return True
    local_start = start.astimezone(ZoneInfo(hours.timezone))
    local_end = end.astimezone(ZoneInfo(hours.timezone))
    end_minute = local_end.hour * 60 + local_end.minute
    if local_end.date() != local_start.date():
        if end_minute != 0 or (local_end - local_start) > timedelta(days=1):
            return False
        end_minute = 24 * 60  # ends at midnight: the end of the opening "…-24:00"
    if local_start.date() in hours.holidays:
        return False
    day = DAYS[local_start.weekday()]
    minutes = (local_start.hour * 60 + local_start.minute, end_minute)
    for opening in hours.weekly.get(day, ()):
        lo, _, hi = opening.partition("-")
        lo_m = int(lo[:2]) * 60 + int(lo[3:])
        hi_m = int(hi[:2]) * 60 + int(hi[3:])
        if lo_m <= minutes[0] and minutes[1] <= hi_m:
            return True
    return False


@dataclass
class ConsumerDesk:
    """The scenario's consumers, the SMS gateway, and the consumer settings an admin sets."""

    cast: Cast
    routing: RoutingAdmin
    browser_context: Callable[[], BrowserContext]
    consumers: dict[str, SdkConsumer] = field(default_factory=dict)
    pages: dict[str, WebSdk] = field(default_factory=dict)
    shown: dict[str, ShownOptions] = field(default_factory=dict)
    gateway: SmsGateway | None = None
    webhook: SmsWebhook | None = None
    sms_number: str = ""
    refusal: SutRefused | None = None
    before_refusal: Any = None
    booked: list[dict[str, Any]] = field(default_factory=list)
    sms_sender: str = ""
    tried_slot: str = ""
    web_phone: str = ""
    page_answer: str = ""
    sample: tuple[str, str, dict[str, Any]] = ("", "", {})
    armed: dict[str, int] = field(default_factory=dict)
    _access: SdkAccess | None = None

    @property
    def consumer(self) -> Consumer:
        found = getattr(self.cast.tenant, "consumer", None)
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'consumer'")
        return cast(Consumer, found)

    def run(self, coro: Any) -> Any:
        return self.cast.portal.run(coro)

    # -- queues and routing settings ------------------------------------------------------------
    def add_queue(self, queue: str, agents: list[str]) -> None:
        """A leaf queue ringing ``agents`` (created if the scenario has not met them yet)."""
        for agent in agents:
            if agent not in self.cast.agents:
                self.cast.add_agent(agent)
        self.routing.add_queue(queue, agents=tuple(agents))

    def deflect_calls(self) -> None:
        """Settings > Call: after-hours deflection on (the IVR's option: the message)."""
        self.routing.set_call_deflection(self.routing.deflection("message"))

    def deflect_chats(self, *, email: bool) -> None:
        """Settings > Chat: after-hours deflection on, to email or not."""
        self.run(self.routing.routing.set_chat_settings(deflection_enabled=True))
        self.configure(chat_email_deflection=email)

    # -- settings ------------------------------------------------------------------------------
    def configure(self, **settings: Any) -> None:
        """Change consumer settings (``help_email``, ``sdk_options``, ...)."""
        self.run(self.consumer.configure(ConsumerSettings(**settings)))

    def offer(self, options: str, phone: str | None = None) -> None:
        """The SDKs show ``options`` after hours (``phone`` is what "Call now" dials)."""
        chosen = cast(tuple[SdkOptionName, ...], tuple(names(options)))
        self.configure(sdk_options=chosen, sdk_phone=phone)

    def scheduled_calls_on(self, channels: str) -> None:
        self.configure(scheduled_calls=cast(tuple[SdkChannelName, ...], tuple(names(channels))))

    def mobile_override(
        self, queue: str, options: str = "", redirect: str | None = None, phone: str | None = None
    ) -> None:
        override = MobileOverride(
            redirect_queue_id=self.routing.queue(redirect).id if redirect else None,
            options=cast(tuple[SdkOptionName, ...], tuple(names(options))),
            phone=phone,
        )
        self.run(self.consumer.set_override(self.routing.queue(queue), "mobile", override))

    def set_sample_override(self, queue: str, channel: ChannelName) -> None:
        """Set a plausible override of ``channel`` on ``queue``; a refusal is kept for a check."""
        sample: MobileOverride | SmsOverride = (
            SmsOverride("Closed now.") if channel == "sms" else MobileOverride(options=("email",))
        )
        self.before_refusal = self.run(self._snapshot())
        self.refusal = None
        try:
            self.run(self.consumer.set_override(self.routing.queue(queue), channel, sample))
        except SutRefused as refusal:
            self.refusal = refusal
        self.sample = (queue, channel, sample.to_json())

    def expect_sample_override_kept(self) -> None:
        assert self.refusal is None, f"the override was refused: {self.refusal}"
        queue, channel, sample = self.sample
        snapshot = cast(dict[str, Any], self.run(self.consumer.snapshot()))
        queue_id = self.routing.queue(queue).id
        kept = [
            o["override"]
            for o in snapshot["overrides"]
            if (o["queue_id"], o["channel"]) == (queue_id, channel)
        ]
        assert kept, f"the SUT keeps no {channel} override of {queue!r}: {snapshot['overrides']}"
        for key, value in sample.items():
            assert kept[0].get(key) == value, f"the {channel} override keeps {kept[0]}"

    def with_option(self, queue: str, option: str) -> str:
        """The options of ``queue``'s mobile override as the SUT keeps them, plus ``option``."""
        snapshot = cast(dict[str, Any], self.run(self.consumer.snapshot()))
        queue_id = self.routing.queue(queue).id
        current: list[str] = next(
            (
                o["override"].get("options", [])
                for o in snapshot["overrides"]
                if (o["queue_id"], o["channel"]) == (queue_id, "mobile")
            ),
            [],
        )
        return ", ".join([*current, option])

    def sms_override(self, queue: str, message: str) -> None:
        self.run(self.consumer.set_override(self.routing.queue(queue), "sms", SmsOverride(message)))

    def try_override(
        self, queue: str, channel: ChannelName, options: str = "", redirect: str | None = None
    ) -> None:
        """Set an override expecting a refusal; the settings before it are kept for the check."""
        override = MobileOverride(
            redirect_queue_id=self.routing.queue(redirect).id if redirect else None,
            options=cast(tuple[SdkOptionName, ...], tuple(names(options))),
        )
        self.before_refusal = self.run(self._snapshot())
        self.refusal = None
        try:
            self.run(self.consumer.set_override(self.routing.queue(queue), channel, override))
        except SutRefused as refusal:
            self.refusal = refusal
        else:
            pytest.fail(
                f"the SUT accepted the {channel} override {override.to_json()} of {queue!r};"
                " it must refuse it"
            )

    async def _snapshot(self) -> Any:
        return (await self.consumer.snapshot(), await self.routing.routing.snapshot())

    def expect_refused_naming(self, words: str) -> None:
        if self.refusal is None:
            queue, channel, sample = self.sample
            what = f"the {channel} override {sample} of {queue!r}" if channel else "the change"
            pytest.fail(f"the SUT accepted {what}; it must refuse it saying {words!r}")
        assert words in str(self.refusal), f"the refusal does not say {words!r}: {self.refusal}"
        after = self.run(self._snapshot())
        assert after == self.before_refusal, (
            f"a refused change altered the settings:\nbefore {self.before_refusal}\nafter {after}"
        )

    # -- consumers -------------------------------------------------------------------------------
    def access(self) -> SdkAccess:
        if self._access is None:
            self._access = self.run(self.consumer.sdk_access())
        return self._access

    def open_app(
        self,
        name: str,
        channel: str,
        queue: str,
        *,
        app_version: str | None = None,
        device_type: str | None = None,
        language: str | None = None,
    ) -> SdkConsumer:
        """``name`` opens the SDK of ``channel`` on ``queue`` (in ``language``, if given)."""
        kind = MobileConsumer if channel == "mobile" else ChatConsumer
        party = self.run(
            kind.open(
                name,
                self.access(),
                self.cast.journal,
                queue_id=self.routing.queue(queue).id,
                channel=channel,
                app_version=app_version,
                device_type=device_type,
                language=language,
            )
        )
        self.cast.cleanup.push(f"consumer {name}", party.close)
        self.cast.cleanup.check(f"consumer {name}", party.leaks)
        self.consumers[name] = party
        self.shown[name] = self.run(party.options())
        return party

    def keep_open(self, name: str, channel: str, queue: str) -> None:
        """``name`` opens the SDK and keeps its WebSocket open; what it pushes from now on is
        in the journal (armed here, before any later change acts)."""
        party = self.open_app(name, channel, queue)
        self.armed[name] = self.cast.journal.position
        self.run(party.connect())
        self.cast.journal.wait_for(
            Match(SdkFrame, party=name, kind="options"), WAIT_S, after=self.armed[name]
        )

    def expect_latest_options(self, name: str, expected: str) -> None:
        """The last options ``name``'s open app received are ``expected``."""
        frames = self.cast.journal.events(Match(SdkFrame, party=name, kind="options"))
        assert frames, f"{name}'s open app received no options"
        kinds = [o["kind"] for o in frames[-1].data["options"]]
        assert kinds == names(expected), f"{name}'s open app shows {kinds}, not {expected}"

    def expect_pushed(self, name: str, expected: str, within_s: float) -> None:
        """``name``'s open app receives ``expected`` within ``within_s``, without asking."""
        wanted = names(expected)
        match = Match(
            SdkFrame,
            party=name,
            kind="options",
            data=lambda d: [o["kind"] for o in d.get("options", [])] == wanted,
        )
        try:
            self.cast.journal.wait_for(match, within_s, after=self.armed[name])
        except AssertionError:
            frames = self.cast.journal.events(Match(SdkFrame, party=name, kind="options"))
            shown = [[o["kind"] for o in f.data["options"]] for f in frames]
            raise AssertionError(
                f"{name}'s open app did not receive {wanted} within {within_s:g} s;"
                f" it received {shown}"
            ) from None

    def open_web_page(self, name: str, queue: str) -> WebSdk:
        """``name`` opens the web SDK page on ``queue`` in a browser."""
        page = self.run(
            self.consumer.open_web_sdk(self.browser_context(), self.routing.queue(queue))
        )
        self.pages[name] = page
        return page

    def party(self, name: str) -> SdkConsumer:
        try:
            return self.consumers[name]
        except KeyError:
            raise KeyError(f"{name} has opened no SDK session in this scenario") from None

    def options_of(self, name: str) -> ShownOptions:
        return self.shown[name] if name in self.shown else self.run(self.party(name).options())

    def expect_shown(self, name: str, expected: str) -> None:
        """What ``name``'s SDK (app or page) shows, exactly and in order."""
        if name in self.pages:
            kinds = self.run(self.pages[name].shown_options())
        else:
            kinds = self.options_of(name).kinds
        assert kinds == names(expected), (
            f"{name}'s SDK shows {', '.join(kinds) or 'nothing'}; expected {expected}"
        )

    def expect_option(self, name: str, kind: str, **fields: str) -> None:
        option = self.options_of(name).option(kind)
        for key, want in fields.items():
            have = option.label if key == "label" else option.data.get(key)
            assert have == want, f"{name}'s {kind} option has {key} {have!r}, not {want!r}"

    def expect_mailto(self, name: str, address: str, body_lines: list[str]) -> None:
        """The mobile email option opens the mail app to ``address`` with ``body_lines``."""
        link = str(self.options_of(name).option("email").data.get("mailto", ""))
        parts = urlsplit(link)
        assert parts.scheme == "mailto", f"{name}'s email option opens {link!r}, not a mailto"
        assert unquote(parts.path) == address, f"the mail goes to {unquote(parts.path)!r}"
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        body = unquote(query.get("body", "")).splitlines()
        assert body == body_lines, f"the mail's body is {body}, expected {body_lines}"

    def expect_web_email_message(self, name: str, address: str) -> None:
        message = self.run(self.pages[name].email_message())
        assert address in message, f"the web SDK's email message {message!r} lacks {address}"

    # -- scheduled calls and voicemail ---------------------------------------------------------
    def expect_slots_within(self, name: str, queue: str, first: str) -> None:
        """Every slot offered lies in ``queue``'s hours, and the first is ``first``."""
        slots = self.options_of(name).option("scheduled_call").data.get("slots", [])
        assert slots, f"{name}'s SDK offers no scheduled-call slot"
        hours = self.routing.hours[("queue", queue)]
        for text in slots:
            start = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
            assert within(hours, start, start + SLOT), (
                f"the slot {text} is outside the hours of {queue!r} ({hours.weekly} "
                f"{hours.timezone})"
            )
        wanted = datetime.fromisoformat(first)
        got = datetime.fromisoformat(str(slots[0]).replace("Z", "+00:00"))
        assert got == wanted, f"the first slot is {got.isoformat()}, expected {first}"

    def book(self, name: str, slot: str | None = None) -> None:
        """``name`` books ``slot`` (default: the first offered)."""
        if slot is None:
            slot = str(self.options_of(name).option("scheduled_call").data["slots"][0])
        self.before_refusal = self.run(self.consumer.requests())
        self.refusal = None
        self.tried_slot = slot
        try:
            self.booked.append(self.run(self.party(name).schedule_call(slot, e164("fr_FR"))))
        except ConsumerRefused as refusal:
            self.refusal = refusal

    def expect_booking_refused(self, field_name: str) -> None:
        refusal = self.refusal
        assert isinstance(refusal, ConsumerRefused), (
            f"the SUT accepted the slot {self.tried_slot}; it must refuse it naming {field_name!r}"
        )
        assert (refusal.status, refusal.field) == (400, field_name), (
            f"the refusal named {refusal.field!r} with {refusal.status}: {refusal}"
        )
        assert self.run(self.consumer.requests()) == self.before_refusal, (
            "a refused booking changed the consumer requests the SUT keeps"
        )

    def expect_booked(self, name: str) -> None:
        assert self.refusal is None, f"{name}'s booking was refused: {self.refusal}"
        assert self.booked, f"{name} booked nothing"
        kept = [r for r in self.run(self.consumer.requests()) if r.kind == "scheduled_call"]
        assert [r.id for r in kept] == [b["id"] for b in self.booked], (
            f"the SUT keeps {kept} for the bookings {self.booked}"
        )

    def book_on_page(self, name: str) -> None:
        """``name`` books the first slot the web SDK page offers."""
        self.web_phone = e164("fr_FR")
        self.page_answer = self.run(self.pages[name].book_first_slot(self.web_phone))

    def expect_page_booking_kept(self, name: str, queue: str) -> None:
        """The page confirmed, and the SUT keeps one call at a slot within ``queue``'s hours."""
        assert self.page_answer.startswith("Call booked"), (
            f"{name}'s web SDK page answered {self.page_answer!r}, not a booking"
        )
        kept = [r for r in self.run(self.consumer.requests()) if r.kind == "scheduled_call"]
        assert [r.data.get("phone") for r in kept] == [self.web_phone], (
            f"the SUT keeps {kept} for the call booked to {self.web_phone}"
        )
        start = datetime.fromisoformat(str(kept[0].data["slot"]).replace("Z", "+00:00"))
        hours = self.routing.hours[("queue", queue)]
        assert within(hours, start, start + SLOT), f"the booked slot {start} is outside {queue}"

    def leave_voicemail(self, name: str, message: str) -> None:
        self.run(self.party(name).leave_voicemail(message, e164("fr_FR")))

    def expect_voicemail_for(self, agents: list[str]) -> None:
        kept = [r for r in self.run(self.consumer.requests()) if r.kind == "voicemail"]
        assert len(kept) == 1, f"the SUT keeps {len(kept)} voicemails, expected 1"
        notified = sorted(
            self.cast.agent_names().get(u, u) for u in kept[0].data.get("notified_user_ids", [])
        )
        assert notified == sorted(agents), f"the voicemail went to {notified}, not {agents}"

    # -- chat ------------------------------------------------------------------------------------
    def start_chat(self, name: str) -> SdkFrame:
        return cast(SdkFrame, self.run(self.party(name).start_chat()))

    def expect_chat_answer(self, name: str, kind: str, contains: str) -> None:
        frames = self.cast.journal.events(Match(SdkFrame, party=name))
        answers = [f for f in frames if f.kind.startswith("chat.") or f.kind == "error"]
        assert answers, f"{name}'s chat got no answer"
        frame = answers[-1]
        assert frame.kind == kind, f"{name}'s chat got {frame.kind} {frame.data}, not {kind}"
        text = " ".join(str(v) for v in frame.data.values())
        assert contains in text, f"{name}'s chat answer {frame.data} does not say {contains!r}"

    def expect_web_chat_line(self, name: str, contains: str) -> None:
        line = self.run(self.pages[name].start_chat())
        assert contains in line, f"{name}'s web chat shows {line!r}, not {contains!r}"

    # -- SMS -------------------------------------------------------------------------------------
    def start_gateway(self) -> SmsGateway:
        if self.gateway is None:
            gateway = self.run(SmsGateway.start(self.cast.journal))
            self.cast.cleanup.push("SMS gateway", gateway.close)
            self.cast.cleanup.check("SMS gateway", gateway.leaks)
            self.gateway = gateway
            self.sms_number = e164("fr_FR")
            self.webhook = self.run(self.consumer.connect_sms_gateway(gateway.url, self.sms_number))
        return self.gateway

    def route_sms(self, queue: str) -> None:
        self.start_gateway()
        self.run(self.consumer.route_sms_to(self.routing.queue(queue)))

    def text_in(self, sender: str, body: str) -> str:
        """A customer texts the account's SMS number; returns the customer's number."""
        gateway = self.start_gateway()
        assert self.webhook is not None
        number = e164("fr_FR")
        sms = Sms(number, self.sms_number, body)
        status, answer = self.run(gateway.deliver(self.webhook.url, self.webhook.secret, sms))
        assert status < 300, f"the SUT refused {sender}'s SMS with {status}: {answer}"
        self.sms_sender = number
        return number

    def expect_sms_reply(self, text: str) -> None:
        event = self.cast.journal.wait_for(Match(SmsSent, to_number=self.sms_sender), WAIT_S)
        assert event.body == text, f"the SUT texted {event.body!r}, expected {text!r}"
        assert event.from_number == self.sms_number, f"the reply came from {event.from_number}"

    def gateway_fault(self, mode: str) -> None:
        """The gateway turns the SUT's sends away from now on (``refuse``, ``slow``, ``drop``)."""
        self.start_gateway().fault(mode)

    def expect_sms_failed(self, reason: str) -> None:
        """The gateway turned the reply away, and the SUT's SMS log says so, with ``reason``."""
        self.cast.journal.wait_for(Match(SmsRefused, to_number=self.sms_sender), WAIT_S)
        outbound = [m for m in self.run(self.consumer.sms_log()) if m.to_number == self.sms_sender]
        assert len(outbound) == 1, f"the SUT logs {len(outbound)} SMS to the customer: {outbound}"
        assert outbound[0].status == "failed", f"the SUT logs the SMS as {outbound[0].status}"
        assert reason in outbound[0].detail, (
            f"the SUT logs the failure as {outbound[0].detail!r}, not saying {reason!r}"
        )

    def expect_no_sms_reply(self, within_s: float) -> None:
        self.cast.journal.expect_absent(
            Match(SmsSent, to_number=self.sms_sender), within_s, after=0
        )


async def _screenshots(cast: Cast, context: BrowserContext) -> None:
    """A screenshot of each web SDK page, kept in the failing scenario's evidence folder."""
    folder = cast.evidence.directory
    folder.mkdir(parents=True, exist_ok=True)
    for index, page in enumerate(context.pages):
        shot = folder / f"web-sdk-{len(cast.evidence.files)}-{index}.png"
        await page.screenshot(path=shot, full_page=True)
        cast.evidence.files.append(shot)


@pytest.fixture
def consumer_desk(
    request: pytest.FixtureRequest, cast: Cast, routing_admin: RoutingAdmin
) -> Iterator[ConsumerDesk]:
    """The scenario's consumers after hours; the browser starts only if a web page is opened."""
    contexts: list[BrowserContext] = []  # not closed yet
    made: list[BrowserContext] = []  # every context of the scenario, for the leak check

    def failed() -> bool:
        return any(
            (report := getattr(request.node, f"rep_{when}", None)) is not None and report.failed
            for when in ("setup", "call")
        )

    def context() -> BrowserContext:
        host = request.getfixturevalue("browser_host")
        context = cast.portal.run(_new_context(host))
        contexts.append(context)
        made.append(context)
        return context

    async def close() -> None:
        keep = failed()
        while contexts:
            context = contexts.pop()
            try:
                if keep:
                    await _screenshots(cast, context)
            finally:
                await context.close()

    def leaks() -> list[str]:
        still = [c for c in made if c.browser is not None and c in c.browser.contexts]
        return [f"{len(still)} web SDK browser context(s) still open"] if still else []

    cast.cleanup.push("web SDK pages", close)
    cast.cleanup.check("web SDK pages", leaks)
    yield ConsumerDesk(cast, routing_admin, context)


async def _new_context(host: BrowserHost) -> BrowserContext:
    return await (await host.page_browser()).new_context()
