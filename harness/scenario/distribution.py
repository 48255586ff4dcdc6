"""The "Ring to" call distribution as an admin edits it, and drift after a remedy (AC-ANS-8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harness.sut.model import Distribution, MemberType, Number

if TYPE_CHECKING:
    from harness.scenario.cast import Cast


@dataclass(frozen=True)
class WidgetSpec:
    ring_time: int
    strategy: str
    members: tuple[tuple[MemberType, str], ...]  # (type, name in the scenario)


def describe_drift(before: Distribution, after: Distribution) -> list[str]:
    """Differences an admin would care about: widgets, ring times, strategies, who is where."""
    drift: list[str] = []
    if len(before.widgets) != len(after.widgets):
        drift.append(f"{len(before.widgets)} widgets before, {len(after.widgets)} after")
    for old, new in zip(before.widgets, after.widgets, strict=False):
        label = f"widget {old.index + 1}"
        if old.ring_time != new.ring_time:
            drift.append(f"{label}: ring time {old.ring_time} s became {new.ring_time} s")
        if old.strategy != new.strategy:
            drift.append(f"{label}: strategy {old.strategy!r} became {new.strategy!r}")
        was = {(m.type, m.id): m.name for m in old.members}
        now = {(m.type, m.id): m.name for m in new.members}
        for key in was.keys() - now.keys():
            drift.append(f"{label}: {key[0]} {was[key]} is no longer in it")
        for key in now.keys() - was.keys():
            drift.append(f"{label}: {key[0]} {now[key]} was added to it")
        if old.strategy == "sequential" and [m.id for m in old.members] != [
            m.id for m in new.members
        ]:
            drift.append(f"{label}: the ring order changed")
    return drift


@dataclass
class DistributionAdmin:
    """What an admin does to a number's call distribution, remembering the state before a remedy."""

    cast: Cast
    before: dict[str, Distribution] = field(default_factory=dict)

    def read(self, number: str) -> Distribution:
        return self.cast.portal.run(self.cast.directory.distribution(self.cast.number(number)))

    def configure(self, number: str, widgets: list[WidgetSpec]) -> None:
        directory, num = self.cast.directory, self.cast.number(number)
        for index, spec in enumerate(widgets):
            self.cast.portal.run(
                directory.configure_widget(
                    num, widget=index, ring_time=spec.ring_time, strategy=spec.strategy
                )
            )
            for member_type, name in spec.members:
                self.add(num, member_type, name, index)

    def member_id(self, member_type: MemberType, name: str) -> str:
        return self.cast.agent(name).id if member_type == "user" else self.cast.team(name).id

    def add(
        self, number: Number | str, member_type: MemberType, name: str, widget: int = 0
    ) -> None:
        num = self.cast.number(number) if isinstance(number, str) else number
        member_id = self.member_id(member_type, name)
        self.cast.portal.run(
            self.cast.directory.add_ring_to(num, member_type, member_id, widget=widget)
        )

    def remove(self, number: str, member_type: MemberType, name: str, widget: int = 0) -> None:
        self.before.setdefault(number, self.read(number))
        num = self.cast.number(number)
        member_id = self.member_id(member_type, name)
        self.cast.portal.run(
            self.cast.directory.remove_ring_to(num, member_type, member_id, widget=widget)
        )

    def drift(self, number: str) -> list[str]:
        if number not in self.before:
            raise LookupError(f"nothing was changed on {number!r} to compare against")
        return describe_drift(self.before[number], self.read(number))
