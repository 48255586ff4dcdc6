"""pytest-bdd's per-scenario record, carried from xdist workers to the controller.

pytest-bdd keeps what a scenario did (its feature, tags, and each step with its status and
duration) in a registry keyed by the phase report object of the process that ran it. Under
pytest-xdist the controller receives a *copy* of each report, rebuilt from JSON, so the
registry there is empty and pytest-bdd's ``cucumber.json`` comes out as ``[]``.

:class:`ScenarioCarrier` closes that gap with pytest's own serialisation hooks: a worker
adds the record to the serialised report, the controller puts it back in the registry
before any ``pytest_runtest_logreport`` implementation looks for it. Everything that reads
the registry (the cucumber report, the Gherkin terminal reporter, :func:`steps_of`) then
sees the same thing with and without workers.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any

import pytest

#: The key the record travels under in a serialised report.
CARRIED = "callproof_bdd_scenario"


def _registry() -> Any:
    """pytest-bdd's registry (a weak mapping report -> context), or None without pytest-bdd."""
    try:
        from pytest_bdd import reporting
    except ImportError:  # pragma: no cover - pytest-bdd is a dependency
        return None
    return getattr(reporting, "test_report_context_registry", None)


def scenario_of(report: object) -> Mapping[str, Any] | None:
    """The serialised pytest-bdd scenario record of a phase report, if it has one."""
    registry = _registry()
    if registry is None:
        return None
    try:
        context = registry.get(report)
    except TypeError:  # not weak-referenceable
        return None
    scenario = getattr(context, "scenario", None)
    return scenario if isinstance(scenario, Mapping) else None


def steps_of(report: object) -> list[dict[str, Any]]:
    """Each step of the scenario a report belongs to: keyword, text, status, duration.

    A failing step is ``failed``; one after it, or the step that skipped the scenario, is
    ``skipped``. Steps that never started are not listed. Empty for a plain test.
    """
    scenario = scenario_of(report)
    if scenario is None:
        return []
    steps = []
    failed_before = False
    recorded = list(scenario.get("steps", ()))
    skipped = report_outcome(report) == "skipped"
    for index, step in enumerate(recorded):
        failed = bool(step.get("failed"))
        if failed:
            status = "failed"
        elif failed_before or (skipped and index == len(recorded) - 1):
            status = "skipped"  # after a failure, or the step that skipped the scenario
        else:
            status = "passed"
        failed_before = failed_before or failed
        steps.append(
            {
                "keyword": str(step.get("keyword", "")).strip(),
                "name": str(step.get("name", "")),
                "line": step.get("line_number"),
                "status": status,
                "duration": round(float(step.get("duration") or 0.0), 3),
            }
        )
    return steps


def tags_of(report: object) -> list[str]:
    """The scenario's own tags and its feature's, sorted; empty for a plain test."""
    scenario = scenario_of(report)
    if scenario is None:
        return []
    feature = scenario.get("feature") or {}
    return sorted({*scenario.get("tags", ()), *feature.get("tags", ())})


def report_outcome(report: object) -> str:
    return str(getattr(report, "outcome", ""))


class ScenarioCarrier:
    """Serialisation hooks that carry pytest-bdd's scenario record along with a report."""

    @pytest.hookimpl(wrapper=True)
    def pytest_report_to_serializable(
        self, config: pytest.Config, report: object
    ) -> Generator[None, Any, Any]:
        data = yield
        if isinstance(data, dict):
            registry = _registry()
            context = registry.get(report) if registry is not None else None
            if context is not None:
                data[CARRIED] = {"scenario": context.scenario, "name": context.name}
        return data

    @pytest.hookimpl(wrapper=True)
    def pytest_report_from_serializable(
        self, config: pytest.Config, data: dict[str, Any]
    ) -> Generator[None, Any, Any]:
        carried = data.pop(CARRIED, None) if isinstance(data, dict) else None
        report = yield
        registry = _registry()
        if isinstance(carried, Mapping) and report is not None and registry is not None:
            from pytest_bdd.reporting import ReportContext

            registry[report] = ReportContext(
                scenario=carried["scenario"], name=str(carried.get("name", ""))
            )
        return report
