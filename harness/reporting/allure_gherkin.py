"""What the Allure report says about a scenario beyond what allure-pytest-bdd gives it.

allure-pytest-bdd names each result after its Gherkin scenario, files it under its feature and
turns every Given/When/Then into a step. This plugin adds, before the scenario's first step:

- the requirement group as the ``epic`` label and each requirement ID (with its statement) as
  a ``story`` label, so that Allure's Behaviors tab reads like the requirement catalogue;
- the scenario's own Gherkin text as its description (then the feature's description), instead
  of only the feature's prose.

Without ``--alluredir`` every ``allure.dynamic`` call is a no-op.
"""

from __future__ import annotations

from typing import Any

import allure
import pytest

from harness.reporting.catalogue import REQUIREMENT_ID, Catalogue


def scenario_text(scenario: Any) -> str:
    """The scenario as Gherkin: its keyword and name, then one line per step."""
    lines = [f"{str(getattr(scenario, 'keyword', 'Scenario')).strip()}: {scenario.name}"]
    for step in getattr(scenario, "steps", ()):
        lines.append(f"  {str(step.keyword).strip()} {step.name}")
    return "\n".join(lines)


def _prose(obj: Any) -> str:
    description = getattr(obj, "description", None)
    if isinstance(description, list):
        description = "\n".join(description)
    return str(description or "").strip()


class AllureGherkin:
    """Labels and description for each scenario's Allure result."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def labels(self, item: pytest.Item) -> list[tuple[str, str]]:
        """(label name, value) pairs: ``epic`` per group, ``story`` per requirement ID."""
        ids = sorted({m.name for m in item.iter_markers() if REQUIREMENT_ID.match(m.name)})
        labels: list[tuple[str, str]] = []
        for requirement_id in ids:
            requirement = self.catalogue.get(requirement_id)
            group = self.catalogue.group(requirement.group) if requirement else None
            epic = (
                f"{group.id} — {group.title}"
                if group and group.title
                else (group.id if group else requirement_id.rpartition("-")[0])
            )
            if ("epic", epic) not in labels:
                labels.append(("epic", epic))
            story = requirement_id
            if requirement is not None and requirement.statement:
                story = f"{requirement_id} — {' '.join(requirement.statement.split())}"
            labels.append(("story", story))
        return labels

    @pytest.hookimpl(trylast=True)
    def pytest_bdd_before_scenario(
        self, request: pytest.FixtureRequest, feature: Any, scenario: Any
    ) -> None:
        # trylast: allure-pytest-bdd has scheduled the scenario's result by now.
        for name, value in self.labels(request.node):
            allure.dynamic.label(name, value)
        text = "```gherkin\n" + scenario_text(scenario) + "\n```"
        prose = _prose(feature)
        allure.dynamic.description(text + ("\n\n" + prose if prose else ""))
