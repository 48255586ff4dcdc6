"""Numbers and their call distribution: an ordered list of "Ring to" widgets.

A widget rings its members for ``ring_time_s`` seconds, all at once (``simultaneous``) or one
after the other (``sequential``). A member is a user or a team. A user listed directly in a
widget is an *assignment* of that user to the number and carries a sync state, like a team
membership does (see :mod:`.directory`).

:func:`ring_plan` turns a distribution into the stages of ringing an inbound call goes through.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .directory import TeamMember
from .errors import Conflict, InvalidField, NotFound

DEFAULT_RING_TIME_S = 20
MIN_RING_TIME_S = 1
MAX_RING_TIME_S = 600
MAX_WIDGETS = 20

# E.164 (ITU-T E.164 §6): at most 15 digits; 8 is the shortest national plan we accept.
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


class Strategy(enum.StrEnum):
    """How a widget rings its members."""

    SIMULTANEOUS = "simultaneous"
    SEQUENTIAL = "sequential"


class MemberType(enum.StrEnum):
    """What a "Ring to" member refers to."""

    USER = "user"
    TEAM = "team"


class AssignmentKind(enum.StrEnum):
    """How a user came to be rung: listed on the number directly, or through a team."""

    NUMBER = "number"
    TEAM = "team"
    TRANSFER = "transfer"  # a blind transfer by the agent on the call (its id: that agent)


@dataclass(frozen=True)
class Number:
    """A phone number of an account; ``e164`` is unique across all accounts."""

    id: str
    account_id: str
    e164: str
    name: str


@dataclass(frozen=True)
class RingToMember:
    """One member of a widget. ``in_sync`` only means something for a user listed directly."""

    type: MemberType
    id: str
    in_sync: bool = True


@dataclass(frozen=True)
class RingToWidget:
    """A "Ring to" step of the distribution."""

    ring_time_s: int = DEFAULT_RING_TIME_S
    strategy: Strategy = Strategy.SIMULTANEOUS
    members: tuple[RingToMember, ...] = ()

    def find(self, member_type: MemberType, member_id: str) -> RingToMember | None:
        """The member entry for (``member_type``, ``member_id``), if listed."""
        return next((m for m in self.members if (m.type, m.id) == (member_type, member_id)), None)


@dataclass(frozen=True)
class Distribution:
    """The whole call distribution of one number, widgets in ringing order."""

    number_id: str
    widgets: tuple[RingToWidget, ...] = ()

    def widget(self, index: int) -> RingToWidget:
        """The widget at ``index``, or :class:`NotFound`."""
        if not 0 <= index < len(self.widgets):
            raise NotFound("widget", str(index))
        return self.widgets[index]

    def with_member(self, index: int, member_type: MemberType, member_id: str) -> Distribution:
        """Add a fresh, in-sync member to widget ``index``.

        ``index == len(widgets)`` appends a new widget with default settings, so that a number
        without any distribution can be given its first member in one step.
        """
        widgets = list(self.widgets)
        if index == len(widgets) and index < MAX_WIDGETS:
            widgets.append(RingToWidget())
        target = Distribution(self.number_id, tuple(widgets)).widget(index)
        if target.find(member_type, member_id) is not None:
            raise Conflict(f"{member_type} {member_id!r} is already in widget {index}")
        widgets[index] = replace(
            target, members=(*target.members, RingToMember(member_type, member_id))
        )
        return replace(self, widgets=tuple(widgets))

    def without_member(self, index: int, member_type: MemberType, member_id: str) -> Distribution:
        """Remove a member from widget ``index``; the widget and its settings stay."""
        target = self.widget(index)
        if target.find(member_type, member_id) is None:
            raise NotFound(f"{member_type} in widget {index}", member_id)
        widgets = list(self.widgets)
        widgets[index] = replace(
            target,
            members=tuple(m for m in target.members if (m.type, m.id) != (member_type, member_id)),
        )
        return replace(self, widgets=tuple(widgets))

    def desynchronised(self, user_id: str) -> Distribution:
        """Mark the direct assignment of ``user_id`` to this number out of sync (injected fault)."""
        found = False
        widgets = []
        for widget in self.widgets:
            members = []
            for member in widget.members:
                if (member.type, member.id) == (MemberType.USER, user_id):
                    found = True
                    member = replace(member, in_sync=False)
                members.append(member)
            widgets.append(replace(widget, members=tuple(members)))
        if not found:
            raise NotFound("assignment of user to number", user_id, field="user_id")
        return replace(self, widgets=tuple(widgets))

    def replaced_by(self, widgets: Sequence[RingToWidget]) -> Distribution:
        """The distribution with new ``widgets``.

        *(reference choice)* A user left in place at the same widget index keeps the sync state
        of its assignment: saving an edited distribution does not by itself re-synchronise
        anyone; removing the user and adding them back does.
        """
        fresh = []
        for index, widget in enumerate(widgets):
            old = self.widgets[index] if index < len(self.widgets) else RingToWidget()
            members = []
            for member in widget.members:
                previous = old.find(member.type, member.id)
                in_sync = previous.in_sync if previous is not None else True
                members.append(replace(member, in_sync=in_sync))
            fresh.append(replace(widget, members=tuple(members)))
        return replace(self, widgets=tuple(fresh))

    def references(self, member_type: MemberType, member_id: str) -> bool:
        """Whether any widget lists this member."""
        return any(w.find(member_type, member_id) is not None for w in self.widgets)


def validate_e164(value: str, field: str = "e164") -> str:
    """Return ``value`` if it is "+" and 8 to 15 digits, else raise :class:`InvalidField`."""
    if not _E164.match(value):
        raise InvalidField(field, "must be an E.164 number: '+' then 8 to 15 digits")
    return value


def make_widget(
    ring_time_s: int, strategy: str, members: Sequence[tuple[str, str]], field: str
) -> RingToWidget:
    """Build a validated widget; ``field`` prefixes the names of invalid fields."""
    if isinstance(ring_time_s, bool) or not MIN_RING_TIME_S <= ring_time_s <= MAX_RING_TIME_S:
        raise InvalidField(
            f"{field}.ring_time",
            f"must be a whole number of seconds from {MIN_RING_TIME_S} to {MAX_RING_TIME_S}",
        )
    try:
        parsed_strategy = Strategy(strategy)
    except ValueError:
        raise InvalidField(f"{field}.strategy", "must be simultaneous or sequential") from None
    parsed: list[RingToMember] = []
    for position, (member_type, member_id) in enumerate(members):
        where = f"{field}.members[{position}]"
        try:
            kind = MemberType(member_type)
        except ValueError:
            raise InvalidField(f"{where}.type", "must be user or team") from None
        if any((m.type, m.id) == (kind, member_id) for m in parsed):
            raise InvalidField(where, f"{kind} {member_id!r} is listed twice")
        parsed.append(RingToMember(kind, member_id))
    return RingToWidget(ring_time_s, parsed_strategy, tuple(parsed))


def validate_widget_count(count: int, field: str = "widgets") -> None:
    """Refuse distributions with more than :data:`MAX_WIDGETS` widgets."""
    if count > MAX_WIDGETS:
        raise InvalidField(field, f"at most {MAX_WIDGETS} widgets")


@dataclass(frozen=True)
class Assignment:
    """The assignment through which a user is rung: the number itself, or a team."""

    kind: AssignmentKind
    id: str


@dataclass(frozen=True)
class PlannedTarget:
    """A user to ring, the assignment that routes the call to them, and its sync state."""

    user_id: str
    via: Assignment
    in_sync: bool


@dataclass(frozen=True)
class RingStage:
    """Users rung together for ``ring_time_s`` seconds; stages follow one another."""

    widget_index: int
    ring_time_s: int
    targets: tuple[PlannedTarget, ...]


@dataclass(frozen=True)
class RingPlan:
    """Every stage of ringing for an inbound call, in order; empty when nobody is assigned."""

    stages: tuple[RingStage, ...]

    @property
    def targets(self) -> tuple[PlannedTarget, ...]:
        """All users the plan rings, each once, in ringing order."""
        return tuple(t for stage in self.stages for t in stage.targets)


def ring_plan(distribution: Distribution, teams: Mapping[str, Sequence[TeamMember]]) -> RingPlan:
    """Resolve ``distribution`` into stages of users to ring.

    ``teams`` maps a team id to its members in order. A user reachable several ways is rung
    once, at the first place the distribution reaches them; *(reference choice)* that first
    assignment is the one that routes the call, so its sync state is the one that counts.
    A simultaneous widget is one stage; a sequential widget is one stage per user.
    Widgets and stages that resolve to nobody are skipped.
    """
    seen: set[str] = set()
    stages: list[RingStage] = []
    for index, widget in enumerate(distribution.widgets):
        targets: list[PlannedTarget] = []
        for member in widget.members:
            for target in _resolve(distribution.number_id, member, teams):
                if target.user_id not in seen:
                    seen.add(target.user_id)
                    targets.append(target)
        if widget.strategy is Strategy.SIMULTANEOUS:
            if targets:
                stages.append(RingStage(index, widget.ring_time_s, tuple(targets)))
        else:
            stages.extend(RingStage(index, widget.ring_time_s, (t,)) for t in targets)
    return RingPlan(tuple(stages))


def _resolve(
    number_id: str, member: RingToMember, teams: Mapping[str, Sequence[TeamMember]]
) -> list[PlannedTarget]:
    if member.type is MemberType.USER:
        return [
            PlannedTarget(member.id, Assignment(AssignmentKind.NUMBER, number_id), member.in_sync)
        ]
    via = Assignment(AssignmentKind.TEAM, member.id)
    return [PlannedTarget(m.user_id, via, m.in_sync) for m in teams.get(member.id, ())]


@dataclass(frozen=True)
class WidgetSpec:
    """A widget as a client describes it, before validation (see :func:`make_widget`)."""

    ring_time_s: int = DEFAULT_RING_TIME_S
    strategy: str = Strategy.SIMULTANEOUS.value
    members: tuple[tuple[str, str], ...] = ()
