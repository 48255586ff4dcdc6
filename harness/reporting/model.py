"""What a run produced, joined with the requirement catalogue.

Pure data and pure functions: the pytest plugin fills a :class:`RunReport`, the writers
(``conformance.json``, ``report.html``) and the CLI summary read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.reporting.catalogue import Catalogue

Status = Literal["passed", "failed", "skipped"]
RequirementStatus = Literal["passed", "failed", "skipped", "not-covered"]

STATUSES: tuple[Status, ...] = ("passed", "failed", "skipped")
REQUIREMENT_STATUSES: tuple[RequirementStatus, ...] = ("passed", "failed", "skipped", "not-covered")

#: Group name used for requirement IDs that a scenario carries but the catalogue lacks.
UNCATALOGUED = "(not in the catalogue)"


@dataclass(frozen=True)
class ItemResult:
    """The outcome of one collected item: a Gherkin scenario or a plain test.

    ``feature`` is the feature file (relative to the project root) for a scenario and
    None for a plain test.
    """

    nodeid: str
    name: str
    status: Status
    duration: float
    feature: str | None = None
    feature_name: str | None = None
    requirements: tuple[str, ...] = ()
    reference_choice: bool = False
    call_ids: tuple[str, ...] = ()
    verdict: str | None = None
    evidence: tuple[str, ...] = ()
    message: str | None = None
    undefined_steps: tuple[str, ...] = ()

    @property
    def is_scenario(self) -> bool:
        """True for a Gherkin scenario, False for a plain test."""
        return self.feature is not None

    def to_json(self) -> dict[str, Any]:
        """The scenario entry of ``conformance.json``."""
        return {
            "name": self.name,
            "feature": self.feature,
            "nodeid": self.nodeid,
            "status": self.status,
            "duration": round(self.duration, 3),
            "call_ids": list(self.call_ids),
            "verdict": self.verdict,
            "evidence": list(self.evidence),
            "message": self.message,
        }


def requirement_status(statuses: Iterable[Status]) -> RequirementStatus:
    """Aggregate the statuses of the scenarios carrying one requirement.

    Failed if any scenario failed; skipped if every scenario was skipped; passed when at
    least one passed and none failed (skipped ones stay visible in the scenario list);
    not-covered when no scenario carries the requirement.
    """
    seen = set(statuses)
    if not seen:
        return "not-covered"
    if "failed" in seen:
        return "failed"
    if seen == {"skipped"}:
        return "skipped"
    return "passed"


@dataclass(frozen=True)
class RequirementResult:
    """One catalogue requirement with the scenarios that carry it."""

    id: str
    statement: str
    group: str
    reference_choice: bool
    scenarios: tuple[ItemResult, ...]

    @property
    def status(self) -> RequirementStatus:
        """See :func:`requirement_status`."""
        return requirement_status(s.status for s in self.scenarios)

    def to_json(self) -> dict[str, Any]:
        """The requirement entry of ``conformance.json``."""
        return {
            "statement": self.statement,
            "group": self.group,
            "reference_choice": self.reference_choice,
            "status": self.status,
            "scenarios": [s.to_json() for s in self.scenarios],
        }


def count(statuses: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    """``{"total": n, key: n_key, ...}`` over ``statuses``, every key present."""
    counts = dict.fromkeys(keys, 0)
    total = 0
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
        total += 1
    return {"total": total, **counts}


@dataclass
class RunReport:
    """Everything one run produced; ``results`` is filled as items finish."""

    catalogue: Catalogue
    harness_name: str
    harness_version: str
    sut_name: str = "unknown"
    sut_version: str = "unknown"
    started_at: str = ""
    finished_at: str = ""
    exitstatus: int | None = None
    results: list[ItemResult] = field(default_factory=list)

    @property
    def scenarios(self) -> list[ItemResult]:
        """The results that are Gherkin scenarios."""
        return [r for r in self.results if r.is_scenario]

    def requirement_results(self) -> list[RequirementResult]:
        """Catalogue requirements in catalogue order, then uncatalogued IDs in sorted order."""
        carried: dict[str, list[ItemResult]] = {}
        for result in self.scenarios:
            for requirement_id in result.requirements:
                carried.setdefault(requirement_id, []).append(result)
        out = [
            RequirementResult(
                id=r.id,
                statement=r.statement,
                group=r.group,
                reference_choice=r.reference_choice,
                scenarios=tuple(carried.pop(r.id, ())),
            )
            for r in self.catalogue.requirements()
        ]
        for requirement_id in sorted(carried):
            scenarios = tuple(carried[requirement_id])
            out.append(
                RequirementResult(
                    id=requirement_id,
                    statement="",
                    group=UNCATALOGUED,
                    reference_choice=any(s.reference_choice for s in scenarios),
                    scenarios=scenarios,
                )
            )
        return out

    def totals(self) -> dict[str, dict[str, int]]:
        """Counts of tests, scenarios and requirements by status."""
        return {
            "tests": count((r.status for r in self.results), STATUSES),
            "scenarios": count((r.status for r in self.scenarios), STATUSES),
            "requirements": count(
                (r.status for r in self.requirement_results()), REQUIREMENT_STATUSES
            ),
        }

    def undefined_steps(self) -> list[tuple[str, str]]:
        """(feature, step text) pairs, each once, in the order they were met."""
        seen: dict[tuple[str, str], None] = {}
        for result in self.results:
            for step in result.undefined_steps:
                seen[(result.feature or result.nodeid, step)] = None
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        """The whole ``conformance.json`` document."""
        return {
            "harness": {"name": self.harness_name, "version": self.harness_version},
            "sut": {"name": self.sut_name, "version": self.sut_version},
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "exitstatus": self.exitstatus,
            "totals": self.totals(),
            "requirements": {r.id: r.to_json() for r in self.requirement_results()},
            "undefined_steps": [
                {"feature": feature, "step": step} for feature, step in self.undefined_steps()
            ],
        }
