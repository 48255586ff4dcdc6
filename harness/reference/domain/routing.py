"""An account's routing: business hours, the queue tree with its IVR menus, deflection, messages.

Seed 004 (after-hours deflection). Queues form a tree: a queue with children is an IVR menu
(its prompt is played, a digit picks a child); a leaf queue rings its members, the way a
number's "Ring to" widget does. A number enters the tree at a root queue.

After hours (the queue's hours, see :mod:`.hours`), a call is deflected when deflection is on
for calls: by the leaf queue's own IVR override if it has one (CC-AH-14), else by the global
option (CC-AH-9, 17, 18, 19): to a queue, to a phone number, to voicemail, or a message only.

Everything here is pure and immutable: each change returns a new :class:`RoutingConfig`, built
only after the whole change is validated, so a refused change leaves the stored one as it was.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .distribution import MemberType, validate_e164
from .errors import Conflict, InvalidField, NotFound
from .hours import BusinessHours, Channel, Resolved, parse_channel, parse_language

MAX_QUEUES = 200
MAX_DEPTH = 5
MAX_TEXT = 500
DIGITS = "0123456789*#"
_NAME = re.compile(r"\S")


class DeflectionOption(enum.StrEnum):
    """Where an after-hours call goes (seed 004, IVR options)."""

    QUEUE = "queue"  # a 24/7 or longer-hours queue takes it (CC-AH-9)
    PHONE = "phone"  # redirected to another number (CC-AH-17)
    VOICEMAIL = "voicemail"  # the caller leaves a message (CC-AH-18)
    MESSAGE = "message"  # the after-hours message, then the call ends (CC-AH-19)


class VirtualAgent(enum.StrEnum):
    """A virtual agent assigned to a queue, and when it answers (CC-AH-3)."""

    NONE = "none"
    ALWAYS = "always"  # available 24 hours a day
    QUEUE_HOURS = "queue_hours"  # limited to the queue's business hours


@dataclass(frozen=True)
class Deflection:
    """One deflection: the option and what it needs.

    ``queue_id`` for QUEUE, ``phone`` (E.164) for PHONE; ``text`` is a custom greeting
    (VOICEMAIL) or message (MESSAGE); without it the account's configured message is used.
    """

    option: DeflectionOption
    queue_id: str | None = None
    phone: str | None = None
    text: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"option": self.option.value}
        for name in ("queue_id", "phone", "text"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


@dataclass(frozen=True)
class QueueMember:
    """A user or team a leaf queue rings."""

    type: MemberType
    id: str


@dataclass(frozen=True)
class Queue:
    """A queue of the tree; ``digit`` picks it in its parent's menu."""

    id: str
    name: str
    parent_id: str | None = None
    digit: str | None = None
    prompt: str | None = None  # the menu prompt, for a queue with children
    members: tuple[QueueMember, ...] = ()
    ring_time_s: int = 20
    ivr_override: Deflection | None = None  # CC-AH-14
    deflection_enabled: bool = True  # off: this queue is never deflected, even after hours
    virtual_agent: VirtualAgent = VirtualAgent.NONE

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "parent_id": self.parent_id,
            "digit": self.digit,
            "prompt": self.prompt,
            "members": [{"type": m.type.value, "id": m.id} for m in self.members],
            "ring_time": self.ring_time_s,
            "ivr_override": self.ivr_override.to_json() if self.ivr_override else None,
            "deflection_enabled": self.deflection_enabled,
            "virtual_agent": self.virtual_agent.value,
        }


@dataclass(frozen=True)
class Messages:
    """Configurable texts, rendered as prompts (Settings > Languages and messages, CC-AH-10/19)."""

    after_hours: str = "We are closed now. Please call again during our business hours."
    voicemail_greeting: str = "Please leave a message after the tone."
    voicemail_blocked_number: str = "Your phone number is hidden. We cannot call you back."
    voicemail_ask_number: str = "Please key in your phone number, then the hash key."
    voicemail_number_entered: str = "Thank you. We will call you back at this number."

    def to_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in MESSAGE_NAMES}


MESSAGE_NAMES = tuple(Messages.__dataclass_fields__)


@dataclass(frozen=True)
class ChannelSettings:
    """Deflection for one channel family (calls or chats), seed 004 Settings > Call / Chat."""

    deflection_enabled: bool = False
    deflection: Deflection | None = None  # the global option (calls)
    allow_after_hours_transfers: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "deflection_enabled": self.deflection_enabled,
            "deflection": self.deflection.to_json() if self.deflection else None,
            "allow_after_hours_transfers": self.allow_after_hours_transfers,
        }


@dataclass(frozen=True)
class RoutingConfig:
    """Everything routing of one account; immutable, validated on every change."""

    hours: BusinessHours = field(default_factory=BusinessHours)
    queues: Mapping[str, Queue] = field(default_factory=dict)
    entries: Mapping[str, str] = field(default_factory=dict)  # number id -> root queue id
    calls: ChannelSettings = field(default_factory=ChannelSettings)
    chats: ChannelSettings = field(default_factory=ChannelSettings)
    messages: Messages = field(default_factory=Messages)
    carrier: str | None = None  # "host:port" where calls to outside numbers go (loopback only)

    # --- queries ------------------------------------------------------------------------------

    def queue(self, queue_id: str, where: str = "queue_id") -> Queue:
        found = self.queues.get(queue_id)
        if found is None:
            raise NotFound("queue", queue_id, field=where)
        return found

    def children(self, queue_id: str) -> list[Queue]:
        """The queue's menu entries, by digit."""
        kids = [q for q in self.queues.values() if q.parent_id == queue_id]
        return sorted(kids, key=lambda q: DIGITS.index(q.digit or "0"))

    def child_for_digit(self, queue_id: str, digit: str) -> Queue | None:
        return next((q for q in self.children(queue_id) if q.digit == digit), None)

    def is_leaf(self, queue_id: str) -> bool:
        return not self.children(queue_id)

    def root_of(self, queue_id: str) -> Queue:
        queue = self.queue(queue_id)
        while queue.parent_id is not None:
            queue = self.queue(queue.parent_id)
        return queue

    def menu_prompt(self, queue_id: str) -> str:
        """What the menu says: its own prompt, or one made of its entries' names and digits."""
        queue = self.queue(queue_id)
        if queue.prompt:
            return queue.prompt
        return " ".join(f"For {q.name}, press {q.digit}." for q in self.children(queue_id))

    def hours_for(self, queue_id: str | None, channel: Channel, language: str | None) -> Resolved:
        """The schedule a customer on this queue / channel / language is held to (CC-AH-1).

        A queue without hours of its own follows its nearest ancestor that has some.
        """
        current = queue_id
        while current is not None and current not in self.hours.queues:
            parent = self.queues.get(current)
            current = parent.parent_id if parent else None
        return self.hours.resolve(queue_id=current, channel=channel, language=language)

    def is_open(
        self,
        instant: datetime,
        *,
        queue_id: str | None = None,
        channel: Channel | str = Channel.IVR,
        language: str | None = None,
    ) -> bool:
        """Whether this queue / channel / language is open at ``instant`` (the tenant's clock)."""
        return self.hours_for(queue_id, Channel(channel), language).is_open(instant)

    def after_hours_deflection(self, leaf_id: str, instant: datetime) -> Deflection | None:
        """How a call reaching ``leaf_id`` at ``instant`` is deflected; None: it rings as usual.

        Deflection applies when calls have deflection on, the queue has not switched it off,
        and the queue is closed by its own hours; the queue's IVR override wins over the
        global option (CC-AH-14).
        """
        queue = self.queue(leaf_id)
        if not self.calls.deflection_enabled or not queue.deflection_enabled:
            return None
        if self.is_open(instant, queue_id=leaf_id, channel=Channel.IVR):
            return None
        if queue.ivr_override is not None:
            return queue.ivr_override
        return self.calls.deflection or Deflection(DeflectionOption.MESSAGE)

    def to_json(self) -> dict[str, Any]:
        return {
            "hours": self.hours.to_json(),
            "queues": [q.to_json() for q in self.queues.values()],
            "entries": dict(self.entries),
            "calls": self.calls.to_json(),
            "chats": self.chats.to_json(),
            "messages": self.messages.to_json(),
            "carrier": self.carrier,
        }

    # --- changes ------------------------------------------------------------------------------

    def with_hours(self, hours: BusinessHours) -> RoutingConfig:
        for queue_id in hours.queues:
            self.queue(queue_id, "key")
        return replace(self, hours=hours)

    def with_queue(self, queue: Queue) -> RoutingConfig:
        """Add or replace a queue, checking its place in the tree."""
        name = validate_text(queue.name, "name", required=True) or queue.name
        if queue.id not in self.queues and len(self.queues) >= MAX_QUEUES:
            raise Conflict(f"an account has at most {MAX_QUEUES} queues")
        if queue.parent_id is not None:
            self.queue(queue.parent_id, "parent_id")
            if queue.digit is None or queue.digit not in DIGITS or len(queue.digit) != 1:
                raise InvalidField("digit", f"must be one key of {DIGITS!r} for a menu entry")
            clash = self.child_for_digit(queue.parent_id, queue.digit)
            if clash is not None and clash.id != queue.id:
                raise Conflict(
                    f"digit: {queue.digit} already leads to queue {clash.name!r} in that menu",
                    field="digit",
                )
            depth, up = 1, self.queues[queue.parent_id]
            while up.parent_id is not None:
                depth, up = depth + 1, self.queues[up.parent_id]
            if depth >= MAX_DEPTH:
                raise InvalidField("parent_id", f"menus nest at most {MAX_DEPTH} levels")
        elif queue.digit is not None:
            raise InvalidField("digit", "only a queue with a parent has a digit")
        if not 1 <= queue.ring_time_s <= 600:
            raise InvalidField("ring_time", "must be 1 to 600 seconds")
        prompt = validate_text(queue.prompt, "prompt")
        queues = dict(self.queues)
        queues[queue.id] = replace(queue, name=name, prompt=prompt)
        return replace(self, queues=queues)

    def without_queue(self, queue_id: str) -> RoutingConfig:
        self.queue(queue_id)
        if self.children(queue_id):
            raise Conflict("queue has menu entries; remove them first")
        users = [n for n, q in self.entries.items() if q == queue_id]
        if users:
            raise Conflict(f"queue is the entry of number {users[0]}; remove that first")
        for q in self.queues.values():
            if q.ivr_override and q.ivr_override.queue_id == queue_id:
                raise Conflict(f"queue {q.name!r} deflects to this queue; change that first")
        if self.calls.deflection and self.calls.deflection.queue_id == queue_id:
            raise Conflict("after-hours calls deflect to this queue; change that first")
        queues = {k: v for k, v in self.queues.items() if k != queue_id}
        return replace(self, queues=queues, hours=self.hours.without_queue(queue_id))

    def with_entry(self, number_id: str, queue_id: str | None) -> RoutingConfig:
        entries = dict(self.entries)
        if queue_id is None:
            entries.pop(number_id, None)
        else:
            if self.queue(queue_id).parent_id is not None:
                raise InvalidField("queue_id", "a number enters the tree at a root queue")
            entries[number_id] = queue_id
        return replace(self, entries=entries)

    def checked_deflection(self, deflection: Deflection, where: str) -> Deflection:
        """``deflection`` if everything it names exists and is well formed."""
        text = validate_text(deflection.text, f"{where}.text")
        if deflection.option is DeflectionOption.QUEUE:
            if deflection.queue_id is None:
                raise InvalidField(f"{where}.queue_id", "is required for the queue option")
            target = self.queue(deflection.queue_id, f"{where}.queue_id")
            if not self.is_leaf(target.id):
                raise InvalidField(f"{where}.queue_id", "must be a leaf queue (one that rings)")
        elif deflection.queue_id is not None:
            raise InvalidField(f"{where}.queue_id", "only the queue option takes a queue")
        if deflection.option is DeflectionOption.PHONE:
            if deflection.phone is None:
                raise InvalidField(f"{where}.phone", "is required for the phone option")
            try:
                validate_e164(deflection.phone)
            except InvalidField:
                raise InvalidField(
                    f"{where}.phone", f"{deflection.phone!r} is not an E.164 number"
                ) from None
        elif deflection.phone is not None:
            raise InvalidField(f"{where}.phone", "only the phone option takes a number")
        return replace(deflection, text=text)


def parse_carrier(host: object, port: object) -> str:
    """The carrier's SIP address as ``host:port``; only loopback addresses (the reference
    never sends outside the machine)."""
    try:
        address = ipaddress.ip_address(str(host))
    except ValueError:
        raise InvalidField("host", f"{host!r} is not an IP address") from None
    if not address.is_loopback:
        raise InvalidField("host", f"{host} is not a loopback address (127.0.0.0/8 or ::1)")
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise InvalidField("port", "must be a port number, 1 to 65535")
    return f"[{address}]:{port}" if address.version == 6 else f"{address}:{port}"


def validate_text(value: str | None, where: str, *, required: bool = False) -> str | None:
    """A trimmed, bounded text; ``required`` refuses a blank one."""
    if value is None:
        if required:
            raise InvalidField(where, "is required")
        return None
    if not isinstance(value, str):
        raise InvalidField(where, "must be a string")
    value = value.strip()
    if required and not _NAME.search(value):
        raise InvalidField(where, "must not be blank")
    if len(value) > MAX_TEXT:
        raise InvalidField(where, f"at most {MAX_TEXT} characters")
    return value or None


def parse_deflection(data: object, where: str) -> Deflection:
    """A deflection from JSON: ``{option, queue_id?, phone?, text?}``."""
    if not isinstance(data, Mapping):
        raise InvalidField(where, "must be an object")
    for key in data:
        if key not in ("option", "queue_id", "phone", "text"):
            raise InvalidField(f"{where}.{key}", "unknown field")
    try:
        option = DeflectionOption(str(data.get("option")))
    except ValueError:
        known = ", ".join(o.value for o in DeflectionOption)
        raise InvalidField(
            f"{where}.option", f"unknown option {data.get('option')!r}; known: {known}"
        ) from None
    values: dict[str, str | None] = {}
    for key in ("queue_id", "phone", "text"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidField(f"{where}.{key}", "must be a string")
        values[key] = value
    return Deflection(option, values["queue_id"], values["phone"], values["text"])


def parse_virtual_agent(value: object, where: str = "virtual_agent") -> VirtualAgent:
    try:
        return VirtualAgent(str(value))
    except ValueError:
        known = ", ".join(v.value for v in VirtualAgent)
        raise InvalidField(where, f"unknown virtual agent mode {value!r}; known: {known}") from None


def parse_members(data: Sequence[Any], where: str = "members") -> tuple[QueueMember, ...]:
    members = []
    for i, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise InvalidField(f"{where}[{i}]", "must be an object {type, id}")
        try:
            kind = MemberType(str(item.get("type")))
        except ValueError:
            raise InvalidField(f"{where}[{i}].type", "must be user or team") from None
        ident = item.get("id")
        if not isinstance(ident, str) or not ident:
            raise InvalidField(f"{where}[{i}].id", "must be a string")
        members.append(QueueMember(kind, ident))
    return tuple(dict.fromkeys(members))


def config_from_json(data: Mapping[str, Any]) -> RoutingConfig:
    """Read back a stored configuration (what :meth:`RoutingConfig.to_json` wrote)."""
    queues: dict[str, Queue] = {}
    for q in data.get("queues", []):
        override = q.get("ivr_override")
        queues[q["id"]] = Queue(
            id=q["id"],
            name=q["name"],
            parent_id=q.get("parent_id"),
            digit=q.get("digit"),
            prompt=q.get("prompt"),
            members=parse_members(q.get("members", [])),
            ring_time_s=int(q.get("ring_time", 20)),
            ivr_override=parse_deflection(override, "ivr_override") if override else None,
            deflection_enabled=bool(q.get("deflection_enabled", True)),
            virtual_agent=parse_virtual_agent(q.get("virtual_agent", "none")),
        )
    return RoutingConfig(
        hours=BusinessHours.from_json(data.get("hours") or {}),
        queues=queues,
        entries=dict(data.get("entries") or {}),
        calls=_settings(data.get("calls") or {}),
        chats=_settings(data.get("chats") or {}),
        messages=Messages(**(data.get("messages") or {})),
        carrier=data.get("carrier"),
    )


def _settings(data: Mapping[str, Any]) -> ChannelSettings:
    deflection = data.get("deflection")
    return ChannelSettings(
        bool(data.get("deflection_enabled", False)),
        parse_deflection(deflection, "deflection") if deflection else None,
        bool(data.get("allow_after_hours_transfers", False)),
    )


__all__ = [
    "Channel",
    "ChannelSettings",
    "Deflection",
    "DeflectionOption",
    "Messages",
    "Queue",
    "QueueMember",
    "RoutingConfig",
    "TransferTarget",
    "VirtualAgent",
    "parse_channel",
    "parse_language",
]


@dataclass(frozen=True)
class TransferTarget:
    """A queue an agent may transfer to now, and why it is offered."""

    queue: Queue
    reason: str


def transfer_targets(
    config: RoutingConfig,
    family: str,
    instant: datetime,
    logged_in: Callable[[Queue], bool],
) -> list[TransferTarget]:
    """The leaf queues agents see as transfer targets (CC-AH-3 for calls, CC-AH-12 for chats).

    Queues within their hours are always offered. After-hours queues are offered only when
    "allow transfers to after-hours queues" is checked, with deflection on (calls) or off
    (chats), and then: never a queue whose virtual agent is limited to its hours; a queue with
    a 24/7 virtual agent, a queue with deflection on, or a queue without deflection that has
    agents logged in.
    """
    settings = config.calls if family == "calls" else config.chats
    channel = Channel.IVR if family == "calls" else Channel.CHAT
    rule_applies = settings.allow_after_hours_transfers and (
        settings.deflection_enabled if family == "calls" else not settings.deflection_enabled
    )
    offered: list[TransferTarget] = []
    for queue in config.queues.values():
        if not config.is_leaf(queue.id):
            continue
        if config.hours_for(queue.id, channel, None).is_open(instant):
            offered.append(TransferTarget(queue, "within its hours"))
            continue
        if not rule_applies or queue.virtual_agent is VirtualAgent.QUEUE_HOURS:
            continue
        if queue.virtual_agent is VirtualAgent.ALWAYS:
            offered.append(TransferTarget(queue, "after hours, with a 24/7 virtual agent"))
        elif queue.deflection_enabled:
            offered.append(TransferTarget(queue, "after hours, with deflection on"))
        elif logged_in(queue):
            offered.append(TransferTarget(queue, "after hours, with agents logged in"))
    return sorted(offered, key=lambda t: t.queue.name)
