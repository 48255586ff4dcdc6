"""What a run produced, joined with the requirement catalogue.

Pure data and pure functions: the pytest plugin fills a :class:`RunReport`, the writers
(``conformance.json``, ``report.html``) and the CLI summary read it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.reporting.catalogue import Catalogue

Status = Literal["passed", "failed", "skipped"]
RequirementStatus = Literal["passed", "failed", "skipped", "not-covered"]

STATUSES: tuple[Status, ...] = ("passed", "failed", "skipped")
REQUIREMENT_STATUSES: tuple[RequirementStatus, ...] = ("passed", "failed", "skipped", "not-covered")

#: Group name used for requirement IDs that a scenario carries but the catalogue lacks.
UNCATALOGUED = "(not in the catalogue)"


#: The id of one run of a ``--repeat`` series, as it appears among a node ID's parameters.
REPEAT_ID = re.compile(r"^r(\d+)of(\d+)$")


def _split_params(nodeid: str) -> tuple[str, list[str]]:
    """``("path::test", ["1", "r2of5"])`` for ``path::test[1-r2of5]``."""
    if not nodeid.endswith("]") or "[" not in nodeid:
        return nodeid, []
    head, _, params = nodeid[:-1].partition("[")
    return head, params.split("-")


def strip_repeat(nodeid: str) -> str:
    """The node ID without the ``--repeat`` parameter."""
    head, params = _split_params(nodeid)
    kept = [p for p in params if not REPEAT_ID.match(p)]
    if len(kept) == len(params):
        return nodeid
    return f"{head}[{'-'.join(kept)}]" if kept else head


def repeat_index(nodeid: str) -> int:
    """Which run of a series a node ID names; 0 when it carries no repeat parameter."""
    for param in _split_params(nodeid)[1]:
        match = REPEAT_ID.match(param)
        if match:
            return int(match.group(1))
    return 0


@dataclass(frozen=True)
class StepResult:
    """One Given/When/Then step of a scenario as it ran."""

    keyword: str
    name: str
    status: Status
    duration: float
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "keyword": self.keyword,
            "name": self.name,
            "status": self.status,
            "duration": self.duration,
            "line": self.line,
        }


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
    tags: tuple[str, ...] = ()
    steps: tuple[StepResult, ...] = ()
    #: Which run of a ``--repeat`` series this is (1-based); 0 outside a series.
    repeat: int = 0
    #: The scenario as written (keyword, line, tags, steps, its feature's header), for the
    #: Gherkin reports; None for a plain test.
    gherkin: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def series_key(self) -> str:
        """The item's identity across the runs of a ``--repeat`` series."""
        return self.nodeid if not self.repeat else strip_repeat(self.nodeid)

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
            "tags": list(self.tags),
            "steps": [step.to_json() for step in self.steps],
            **({"repeat": self.repeat} if self.repeat else {}),
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
    #: The seed of the run's random data (``--seed``), and the command that reruns it.
    seed: int | None = None
    command: tuple[str, ...] = ()
    #: Requirement groups (or ID prefixes) in which an untested requirement fails the run.
    required_coverage: tuple[str, ...] = ()

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

    def coverage(self) -> Coverage:
        """How many requirements were tested, and how they fared."""
        return Coverage.of(self.requirement_results())

    def gate_failures(self) -> list[str]:
        """Requirement IDs left untested in the groups named by ``required_coverage``."""
        return [
            r.id
            for r in self.requirement_results()
            if r.status in UNTESTED and in_groups(r, self.required_coverage)
        ]

    def verdict(self) -> Verdict:
        """The run's verdict: failed, incomplete (nothing failed, something untested), passed."""
        failed_items = sum(1 for r in self.results if r.status == "failed")
        return Verdict.of(
            self.coverage(), failed_items, self.gate_failures(), self.required_coverage
        )

    def series(self) -> list[SeriesResult]:
        """Per-item counts over a ``--repeat`` series (empty when nothing was repeated)."""
        runs: dict[str, list[ItemResult]] = {}
        for result in self.results:
            if result.repeat:
                runs.setdefault(result.series_key, []).append(result)
        return [SeriesResult.of(key, results) for key, results in runs.items()]

    def reproduce(self) -> str:
        """The command line that reruns this run with the same seed."""
        return shlex.join(self.command)

    def undefined_steps(self) -> list[tuple[str, str]]:
        """(feature, step text) pairs, each once, in the order they were met."""
        seen: dict[tuple[str, str], None] = {}
        for result in self.results:
            for step in result.undefined_steps:
                seen[(result.feature or result.nodeid, step)] = None
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        """The whole ``conformance.json`` document."""
        verdict = self.verdict()
        return {
            "harness": {"name": self.harness_name, "version": self.harness_version},
            "sut": {"name": self.sut_name, "version": self.sut_version},
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "exitstatus": self.exitstatus,
            "run": {"seed": self.seed, "command": self.reproduce() or None},
            "verdict": verdict.to_json(),
            "totals": self.totals(),
            **({"series": [s.to_json() for s in self.series()]} if self.series() else {}),
            "requirements": {r.id: r.to_json() for r in self.requirement_results()},
            "undefined_steps": [
                {"feature": feature, "step": step} for feature, step in self.undefined_steps()
            ],
        }


#: Requirement statuses that mean "not tested in this run".
UNTESTED: frozenset[RequirementStatus] = frozenset({"not-covered", "skipped"})


def in_groups(requirement: RequirementResult, groups: Sequence[str]) -> bool:
    """True when ``requirement`` belongs to one of ``groups``: a catalogue group (``AC-ANS``,
    ``H``), an ID prefix (``H-SEC``) or ``all``."""
    return any(
        g == "all" or requirement.group == g or requirement.id.startswith(g + "-") for g in groups
    )


@dataclass(frozen=True)
class Coverage:
    """Requirement counts: how many were tested and how they fared."""

    total: int
    passing: int
    failing: int
    not_covered: int
    skipped: int

    @classmethod
    def of(cls, requirements: Iterable[RequirementResult]) -> Coverage:
        statuses = [r.status for r in requirements]
        return cls(
            total=len(statuses),
            passing=statuses.count("passed"),
            failing=statuses.count("failed"),
            not_covered=statuses.count("not-covered"),
            skipped=statuses.count("skipped"),
        )

    @property
    def untested(self) -> int:
        """Requirements no scenario tested: none carries them, or all were skipped."""
        return self.not_covered + self.skipped

    @property
    def covered(self) -> int:
        """Requirements at least one scenario tested (passing or failing)."""
        return self.passing + self.failing

    def to_json(self) -> dict[str, int]:
        return {
            "total": self.total,
            "covered": self.covered,
            "passing": self.passing,
            "failing": self.failing,
            "untested": self.untested,
            "not_covered": self.not_covered,
            "skipped": self.skipped,
        }


VerdictOutcome = Literal["passed", "incomplete", "failed"]


@dataclass(frozen=True)
class Verdict:
    """What a run proves, in one word and one line.

    ``failed``: a scenario or test failed, or a required group has untested requirements;
    ``incomplete``: nothing failed but some requirements were not tested;
    ``passed``: every requirement in the catalogue was tested and passes.
    """

    outcome: VerdictOutcome
    headline: str
    coverage: Coverage
    failed_items: int
    gate: tuple[str, ...] = ()
    gate_failures: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        coverage: Coverage,
        failed_items: int,
        gate_failures: Sequence[str] = (),
        gate: Sequence[str] = (),
    ) -> Verdict:
        counts = (
            f"{coverage.passing} of {coverage.total} requirements passing, "
            f"{coverage.failing} failing, {coverage.untested} untested"
        )
        outcome: VerdictOutcome
        if failed_items or coverage.failing or gate_failures:
            outcome = "failed"
            reasons = []
            if failed_items:
                reasons.append(
                    f"{failed_items} scenario{'s' if failed_items != 1 else ''} or test"
                    f"{'s' if failed_items != 1 else ''} failed"
                )
            if gate_failures:
                reasons.append(f"{len(gate_failures)} untested in required {', '.join(gate)}")
            headline = f"FAILED ({'; '.join(reasons)}): {counts}"
        elif coverage.untested or not coverage.total:
            outcome = "incomplete"
            headline = f"INCOMPLETE (nothing failed, not everything was tested): {counts}"
        else:
            outcome = "passed"
            headline = f"PASSED: all {coverage.total} requirements tested and passing"
        return cls(outcome, headline, coverage, failed_items, tuple(gate), tuple(gate_failures))

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "headline": self.headline,
            "requirements": self.coverage.to_json(),
            "failed_items": self.failed_items,
            "required_coverage": list(self.gate),
            "untested_required": list(self.gate_failures),
        }


@dataclass(frozen=True)
class SeriesResult:
    """One item over the runs of a ``--repeat`` series."""

    nodeid: str
    name: str
    feature: str | None
    runs: int
    passed: int
    failed: int
    skipped: int

    @classmethod
    def of(cls, nodeid: str, results: Sequence[ItemResult]) -> SeriesResult:
        statuses = [r.status for r in results]
        first = results[0]
        return cls(
            nodeid=nodeid,
            name=first.name,
            feature=first.feature,
            runs=len(statuses),
            passed=statuses.count("passed"),
            failed=statuses.count("failed"),
            skipped=statuses.count("skipped"),
        )

    @property
    def flaky(self) -> bool:
        """Passed and failed in the same series."""
        return self.passed > 0 and self.failed > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "nodeid": self.nodeid,
            "name": self.name,
            "feature": self.feature,
            "runs": self.runs,
            "passed": self.passed,
            "failed": self.failed,
            "skipped": self.skipped,
            "flaky": self.flaky,
        }
