"""The "Ring to" call distribution as an admin edits it, and drift after a remedy (AC-ANS-8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harness.errors import ConformanceFailure
from harness.scenario.capabilities import TenantCapabilities
from harness.sut.model import Distribution, MemberType, Number

if TYPE_CHECKING:
    from harness.runtime.portal import Portal
    from harness.scenario.cast import Cast
    from harness.sut.contract import Tenant


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
class DistributionAdmin(TenantCapabilities):
    """What an admin does to a number's call distribution, remembering the state before a remedy."""

    cast: Cast  # the names of the numbers, agents and teams
    portal: Portal
    tenant: Tenant
    before: dict[str, Distribution] = field(default_factory=dict)

    def read(self, number: str) -> Distribution:
        return self.portal.run(self.directory.distribution(self.cast.number(number)))

    def configure(self, number: str, widgets: list[WidgetSpec]) -> None:
        directory, num = self.directory, self.cast.number(number)
        for index, spec in enumerate(widgets):
            self.portal.run(
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
        self.portal.run(self.directory.add_ring_to(num, member_type, member_id, widget=widget))

    def remove(self, number: str, member_type: MemberType, name: str, widget: int = 0) -> None:
        self.before.setdefault(number, self.read(number))
        num = self.cast.number(number)
        member_id = self.member_id(member_type, name)
        self.portal.run(self.directory.remove_ring_to(num, member_type, member_id, widget=widget))

    def drift(self, number: str) -> list[str]:
        if number not in self.before:
            raise LookupError(f"nothing was changed on {number!r} to compare against")
        return describe_drift(self.before[number], self.read(number))

    def remove_from_team(self, agent: str, team: str) -> None:
        self.portal.run(
            self.directory.remove_from_team(self.cast.team(team), self.cast.agent(agent))
        )

    def add_to_team(self, agent: str, team: str) -> None:
        self.portal.run(self.directory.add_to_team(self.cast.team(team), self.cast.agent(agent)))

    def desynchronise(
        self, agent: str, *, number: str | None = None, team: str | None = None
    ) -> None:
        """Fault: the SUT's assignment of ``agent`` to ``number`` or ``team`` goes out of sync."""
        faults = self.tenant.faults
        if faults is None:
            raise LookupError("the scenario needs @needs:faults")
        self.portal.run(
            faults.desynchronise_assignment(
                self.cast.agent(agent),
                number=self.cast.number(number) if number is not None else None,
                team=self.cast.team(team) if team is not None else None,
            )
        )

    def expect_no_drift(self, number: str) -> None:
        """The distribution of ``number`` is as it was before the admin's remedy."""
        drift = self.drift(number)
        if drift:
            raise ConformanceFailure((), "the same Ring to widgets and settings", "; ".join(drift))

    def expect_in_widget(self, number: str, agent: str, widget: int, ring_time: int) -> None:
        """``agent`` is in widget ``widget`` (counted from 1) of ``number``, and only there,
        and that widget rings for ``ring_time`` seconds."""
        dist = self.read(number)
        where = dist.widgets_with("user", self.cast.agent(agent).id)
        if where != [widget - 1]:
            raise ConformanceFailure(
                (), f"{agent} in widget {widget}", f"in widget(s) {[w + 1 for w in where]}"
            )
        seen = dist.widgets[widget - 1]
        if seen.ring_time != ring_time:
            raise ConformanceFailure(
                (), f"widget {widget} with a ring time of {ring_time} s", f"{seen}"
            )
