"""Whether an item has an Allure result to attach evidence to.

Allure results come from allure-pytest-bdd, which opens one for each Gherkin scenario and for
nothing else: attaching during a plain test (the harness's own integration tests use the same
evidence fixture) would have no result to land on.
"""

from __future__ import annotations

from typing import Any


def has_allure_result(node: Any) -> bool:
    """True for a pytest-bdd scenario item."""
    try:
        from pytest_bdd.scenario import scenario_wrapper_template_registry
    except ImportError:  # pragma: no cover - pytest-bdd is a dependency
        return False
    function = getattr(node, "obj", None)
    if not callable(function):
        return False
    try:
        return scenario_wrapper_template_registry.get(function) is not None
    except TypeError:  # not weak-referenceable, so not a scenario wrapper
        return False
