"""An admin setting business hours, queues, IVR menus and after-hours deflection (seed 004).

Talks to the SUT only through the ``routing`` and ``clock`` capabilities. Hours are written
in Gherkin the way a help-center page states them: ``mon-fri 09:00-17:00, sat 10:00-12:00``
or ``24/7``; :func:`weekly_hours` turns that into a :class:`WeeklyHours`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

import pytest

from harness.data.numbers import e164
from harness.endpoints.sip_phone import SipPhone
from harness.scenario.cast import CapabilityMissing, Cast
from harness.sut.contract import Clock, Routing, SutRefused
from harness.sut.routing_model import (
    ChannelName,
    Deflection,
    DeflectionOptionName,
    HoursScope,
    QueueRef,
    VirtualAgentMode,
    WeeklyHours,
)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(?P<days>[a-z]{3}(?:-[a-z]{3})?)\s+(?P<openings>.+)$")


def weekly_hours(text: str, timezone: str, holidays: tuple[date, ...] = ()) -> WeeklyHours:
    """``mon-fri 09:00-17:00, sat 10:00-12:00`` (openings of one day joined by ``+``: ``mon
    09:00-12:00+13:00-17:00``) or ``24/7``, in ``timezone``.

    The text is passed on as written, openings included, so that a bad one (inverted,
    overlapping) reaches the SUT and is refused there.
    """
    text = text.strip()
    if text == "24/7":
        return WeeklyHours(timezone, {}, holidays, always_open=True)
    weekly: dict[str, list[str]] = {}
    for part in (p.strip() for p in text.split(",")):
        match = _SPAN.match(part)
        if match is None:
            raise ValueError(f"cannot read hours {part!r}; write e.g. 'mon-fri 09:00-17:00'")
        first, _, last = match["days"].partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"unknown day in {part!r}; days are {', '.join(DAYS)}")
        span = DAYS[DAYS.index(first) : DAYS.index(last or first) + 1]
        for day in span:
            weekly.setdefault(day, []).extend(o.strip() for o in match["openings"].split("+"))
    return WeeklyHours(timezone, weekly, holidays)


@dataclass
class RoutingAdmin:
    """The scenario's routing settings, with names for the queues it creates."""

    cast: Cast
    queues: dict[str, QueueRef] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)  # queue name -> its menu's
    overrides_with_text: set[str] = field(default_factory=set)  # queues whose override speaks
    hours: dict[tuple[str, str | None], WeeklyHours] = field(default_factory=dict)
    refusal: SutRefused | None = None
    call_deflection: Deflection | None = None
    outside: dict[str, str] = field(default_factory=dict)  # outside phone name -> its number
    before_refusal: Any = None

    @property
    def routing(self) -> Routing:
        found = getattr(self.cast.tenant, "routing", None)
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'routing'")
        return cast(Routing, found)

    @property
    def clock(self) -> Clock:
        found = self.cast.tenant.clock
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'clock'")
        return found

    def run(self, coro: Any) -> Any:
        return self.cast.portal.run(coro)

    # -- queues ----------------------------------------------------------------------------------
    def queue(self, name: str) -> QueueRef:
        try:
            return self.queues[name]
        except KeyError:
            known = ", ".join(sorted(self.queues)) or "none"
            raise KeyError(f"no queue named {name!r} in this scenario (known: {known})") from None

    def add_queue(
        self,
        name: str,
        *,
        parent: str | None = None,
        digit: str | None = None,
        prompt: str | None = None,
        agents: tuple[str, ...] = (),
        virtual_agent: VirtualAgentMode = "none",
    ) -> QueueRef:
        """A queue named ``name`` (the SUT's name carries the scenario's prefix)."""
        queue = self.run(
            self.routing.create_queue(
                f"{name} {self.cast.ids.prefix}",
                parent=self.queue(parent) if parent else None,
                digit=digit,
                prompt=prompt,
                agents=[self.cast.agent(a) for a in agents],
                virtual_agent=virtual_agent,
            )
        )
        self.queues[name] = queue
        self.parents[name] = parent
        return queue

    def add_outside_phone(self, name: str) -> str:
        """A phone outside the contact center with a number of its own, reached through the
        carrier the harness plays for the SUT; returns its number."""
        cast = self.cast
        phone = self.run(SipPhone.open_unregistered(name, cast.stage))
        cast.cleanup.push(f"phone of {name}", phone.close)
        cast.phones[name] = phone
        host, port = phone.sip.local_address
        self.run(self.routing.set_carrier(host, port))
        self.outside[name] = e164()
        return self.outside[name]

    def build_queues(self, rows: list[list[str]], timezone: str) -> None:
        """Leaf queues from a table: ``queue | hours | deflection | virtual agent | agents``."""
        header, *body = rows
        columns = [h.strip() for h in header]
        for row in body:
            cell = dict(zip(columns, (c.strip() for c in row), strict=True))
            name = cell["queue"]
            agents = tuple(a.strip() for a in (cell.get("agents") or "").split(",") if a.strip())
            mode = (cell.get("virtual agent") or "none").replace(" ", "_")
            if mode not in ("none", "always", "queue_hours"):
                raise ValueError(f"virtual agent {mode!r}: write none, always or queue hours")
            self.add_queue(name, agents=agents, virtual_agent=cast(VirtualAgentMode, mode))
            self.set_hours("queue", name, cell["hours"], timezone)
            if cell.get("deflection", "on") == "off":
                self.run(self.routing.set_queue_deflection(self.queue(name), False))

    def set_chat_settings(self, *, deflection: bool, transfers: bool) -> None:
        self.run(
            self.routing.set_chat_settings(
                deflection_enabled=deflection, allow_after_hours_transfers=transfers
            )
        )

    def expect_transfer_targets(self, agent: str, family: str, expected: list[str]) -> None:
        """``agent`` sees exactly ``expected`` (scenario names) as transfer targets."""
        seen = self.run(self.routing.transfer_targets(self.cast.agent(agent), cast(Any, family)))
        names = {q.id: n for n, q in self.queues.items()}
        shown = sorted(names.get(q.id, q.name) for q in seen)
        missing = sorted(set(expected) - set(shown))
        extra = sorted(set(shown) - set(expected))
        assert not missing and not extra, (
            f"{agent} sees {', '.join(shown) or 'no queue'} as {family} transfer targets; "
            f"missing: {', '.join(missing) or 'none'}; should not see: {', '.join(extra) or 'none'}"
        )

    def set_agents(self, queue: str, agents: list[str]) -> None:
        """The agents ``queue`` rings, by their scenario names."""
        members = [self.cast.agent(a) for a in agents]
        self.run(self.routing.set_queue_agents(self.queue(queue), members))

    def build_tree(self, number: str, rows: list[list[str]]) -> None:
        """Queues from a table (``queue | parent | digit | agents [| prompt]``, header first);
        the first root queue becomes ``number``'s entry into the tree."""
        header, *body = rows
        columns = [h.strip() for h in header]
        root: str | None = None
        for row in body:
            cell = dict(zip(columns, (c.strip() for c in row), strict=True))
            parent = cell.get("parent") or None
            agents = tuple(a.strip() for a in (cell.get("agents") or "").split(",") if a.strip())
            self.add_queue(
                cell["queue"],
                parent=parent,
                digit=cell.get("digit") or None,
                prompt=cell.get("prompt") or None,
                agents=agents,
            )
            if parent is None and root is None:
                root = cell["queue"]
        if root is None:
            raise ValueError("the IVR table has no root queue (a row without a parent)")
        self.enter_at(number, root)

    def enter_at(self, number: str, queue: str) -> None:
        self.run(self.routing.enter_at(self.cast.number(number), self.queue(queue)))

    # -- hours -------------------------------------------------------------------------------------
    def set_hours(
        self,
        scope: HoursScope,
        name: str | None,
        text: str,
        timezone: str,
        holidays: tuple[date, ...] = (),
    ) -> None:
        """Set a scope's hours; ``name`` is a queue's scenario name, a channel or a language."""
        hours = weekly_hours(text, timezone, holidays)
        key = self.queue(name).id if scope == "queue" and name is not None else name
        self.run(self.routing.set_hours(scope, key, hours))
        self.hours[(scope, name)] = hours

    def add_holiday(self, scope: HoursScope, name: str | None, day: date) -> None:
        """Add a holiday to hours set earlier in the scenario."""
        try:
            hours = self.hours[(scope, name)]
        except KeyError:
            raise KeyError(f"set the hours of {scope} {name or ''} before its holidays") from None
        updated = WeeklyHours(
            hours.timezone, hours.weekly, (*hours.holidays, day), hours.always_open
        )
        key = self.queue(name).id if scope == "queue" and name is not None else name
        self.run(self.routing.set_hours(scope, key, updated))
        self.hours[(scope, name)] = updated

    def try_set_hours(self, scope: HoursScope, name: str | None, text: str, timezone: str) -> None:
        """Set hours expecting a refusal: the refusal and the settings before it are kept."""
        self.before_refusal = self.run(self.routing.snapshot())
        try:
            self.set_hours(scope, name, text, timezone)
        except SutRefused as refusal:
            self.refusal = refusal
        else:
            pytest.fail(f"the SUT accepted the hours {text!r} in {timezone!r}; it must refuse them")

    def attempt(self, change: Callable[[], object]) -> None:
        """Make a settings change expecting a refusal: the refusal and the settings before it
        are kept for :meth:`expect_refused_naming`."""
        self.before_refusal = self.run(self.routing.snapshot())
        try:
            change()
        except SutRefused as refusal:
            self.refusal = refusal
        else:
            pytest.fail("the SUT accepted the change; it must refuse it")

    def try_request(self, method: str, path: str, body: object) -> None:
        """Send a settings request expecting a refusal (for bad input beyond hours)."""
        self.before_refusal = self.run(self.routing.snapshot())
        try:
            self.run(self.routing.raw_request(method, path, body))
        except SutRefused as refusal:
            self.refusal = refusal
        else:
            pytest.fail(f"the SUT accepted {method} {path} {body!r}; it must refuse it")

    def expect_refused_naming(self, words: str) -> None:
        """The last refusal's message contains ``words``, and nothing stored changed."""
        if self.refusal is None:
            pytest.fail("nothing was refused")
        message = str(self.refusal)
        assert words in message, f"the refusal does not say {words!r}: {message}"
        after = self.run(self.routing.snapshot())
        assert after == self.before_refusal, (
            f"a refused change altered the settings:\nbefore {self.before_refusal}\nafter {after}"
        )

    # -- the clock ---------------------------------------------------------------------------------
    def set_clock(self, when: str) -> None:
        """The account's clock reads ``when`` (ISO 8601 with an offset) from now on."""
        moment = datetime.fromisoformat(when)
        if moment.tzinfo is None:
            raise ValueError(f"{when!r} needs a UTC offset, e.g. '2026-03-02T09:30:00+01:00'")
        self.run(self.clock.set(moment))

    # -- what is open ------------------------------------------------------------------------------
    def expect_open(
        self,
        expected: bool,
        *,
        queue: str | None = None,
        channel: ChannelName = "ivr",
        language: str | None = None,
        by: str | None = None,
    ) -> None:
        """The SUT says the queue / channel / language is open (or closed) now."""
        state = self.run(
            self.routing.is_open(
                queue=self.queue(queue) if queue else None, channel=channel, language=language
            )
        )
        what = " ".join(
            x
            for x in (
                f"queue {queue!r}" if queue else "",
                f"channel {channel}",
                f"language {language}" if language else "",
            )
            if x
        )
        now = self.run(self.clock.now())
        word = "open" if expected else "closed"
        assert state.open == expected, (
            f"{what} is {'open' if state.open else 'closed'} at {now.isoformat()} "
            f"by the {state.source} hours; expected {word}"
        )
        if by is not None:
            source = _source_name(by, self.queues)
            assert state.source == source, (
                f"{what} followed the {state.source} hours; expected the {source} hours"
            )

    # -- deflection --------------------------------------------------------------------------------
    def deflection(
        self, option: DeflectionOptionName, target: str | None = None, text: str | None = None
    ) -> Deflection:
        """A deflection: ``target`` is a queue's scenario name or a phone number."""
        if option == "queue":
            if target is None:
                raise ValueError("the queue option needs a queue")
            return Deflection("queue", queue=self.queue(target), text=text)
        if option == "phone":
            return Deflection("phone", phone=target, text=text)
        return Deflection(option, text=text)

    def set_call_deflection(
        self, deflection: Deflection | None, *, transfers: bool = False
    ) -> None:
        self.run(
            self.routing.set_call_settings(
                deflection_enabled=deflection is not None,
                deflection=deflection,
                allow_after_hours_transfers=transfers,
            )
        )

    def deflection_from_words(self, words: str) -> Deflection:
        """``the queue "Night desk"``, ``the number "+3312345678"``, ``voicemail``,
        ``voicemail with the greeting "..."``, ``a message only``, ``the message "..."``."""
        words = words.strip()
        quoted = re.findall(r'"([^"]*)"', words)
        if words.startswith("the queue"):
            return self.deflection("queue", quoted[0])
        if words.startswith("the number of"):
            return self.deflection("phone", self.outside[quoted[0]])
        if words.startswith("the number"):
            return self.deflection("phone", quoted[0])
        if words.startswith("voicemail"):
            return self.deflection("voicemail", text=quoted[0] if quoted else None)
        if words == "a message only":
            return self.deflection("message")
        if words.startswith("the message"):
            return self.deflection("message", text=quoted[0])
        raise ValueError(f"unknown deflection {words!r}")

    def set_message(self, label: str, text: str) -> None:
        """Set a configurable message by the name the features use (``after-hours message``)."""
        names = {
            "after-hours message": "after_hours",
            "voicemail greeting": "voicemail_greeting",
            "voicemail prompt for a hidden number": "voicemail_blocked_number",
            "voicemail prompt asking for the number": "voicemail_ask_number",
            "voicemail prompt once the number is entered": "voicemail_number_entered",
        }
        try:
            name = names[label]
        except KeyError:
            raise KeyError(f"unknown message {label!r}; known: {', '.join(names)}") from None
        self.set_messages({name: text})

    def set_override(
        self, queue: str, deflection: Deflection | None, *, channel: ChannelName = "ivr"
    ) -> None:
        self.run(self.routing.set_override(self.queue(queue), channel, deflection))
        if deflection is not None and deflection.text:
            self.overrides_with_text.add(queue)
        else:
            self.overrides_with_text.discard(queue)

    def set_messages(self, texts: Mapping[str, str]) -> None:
        self.run(self.routing.set_messages(texts))


def _source_name(by: str, queues: Mapping[str, QueueRef]) -> str:
    """Gherkin's ``queue "Sales"`` / ``language fr`` / ``channel sms`` / ``global`` as the SUT's
    source name."""
    kind, _, name = by.partition(" ")
    name = name.strip('"')
    if kind == "queue":
        return f"queue:{queues[name].id}"
    if kind in ("language", "channel"):
        return f"{kind}:{name}"
    return "global"


@pytest.fixture
def routing_admin(cast: Cast) -> RoutingAdmin:
    """An admin editing the account's routing: hours, queues, menus, deflection."""
    return RoutingAdmin(cast)
