"""Every step of every feature file matches exactly one step definition.

pytest-bdd keeps step definitions as fixtures: when the patterns of two step modules both match
a line, the module registered last wins without a word, and a scenario quietly runs another
domain's step (an agent's '"Alice" hangs up' ran a caller's hang-up and failed far from the
cause). This test reads every feature as pytest-bdd does, Outlines rendered with each of their
Examples rows, and names each line that no definition or more than one definition matches.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_bdd.feature import get_features
from pytest_bdd.parser import Feature, Scenario
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry

import conftest

ROOT = Path(__file__).resolve().parents[3]
FEATURES = ROOT / "features"


def _definitions() -> list[StepFunctionContext]:
    for module in conftest.pytest_plugins:
        importlib.import_module(module)
    return list(step_function_context_registry.values())


def _rendered(feature: Feature) -> Iterator[Scenario]:
    for template in feature.scenarios.values():
        contexts = [ctx for examples in template.examples for ctx in examples.as_contexts()]
        for context in contexts or [{}]:
            yield template.render(context)


def _lines() -> Iterator[tuple[str, str, str]]:
    """(where, step type, step text) of every step of every feature, Outlines rendered."""
    for feature in get_features([str(FEATURES)]):
        where = Path(feature.filename).relative_to(ROOT)
        for scenario in _rendered(feature):
            for step in scenario.steps:
                yield f"{where}:{step.line_number}", step.type, step.name


def _matching(definitions: list[StepFunctionContext], kind: str, text: str) -> list[str]:
    found = {
        f"{d.step_func.__module__}.{d.step_func.__name__}"
        for d in definitions
        if d.type in (kind, None) and d.parser.is_matching(text)
    }
    return sorted(found)


def test_every_feature_step_matches_exactly_one_definition() -> None:
    definitions = _definitions()
    problems: dict[tuple[str, str], str] = {}
    for where, kind, text in _lines():
        found = _matching(definitions, kind, text)
        if len(found) != 1:
            problems[(where, text)] = ", ".join(found) or "no definition"
    assert not problems, "steps that do not match exactly one definition:\n" + "\n".join(
        f"  {where}: {text!r} -> {found}" for (where, text), found in sorted(problems.items())
    )


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("when", '"Alice" hangs up', 1),  # the agent's hang-up, one definition only
        ("then", "a line no feature will ever say", 0),
    ],
)
def test_the_matcher_counts_definitions(kind: str, text: str, expected: int) -> None:
    assert len(_matching(_definitions(), kind, text)) == expected
