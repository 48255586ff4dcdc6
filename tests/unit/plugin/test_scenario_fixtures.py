"""The scenario fixtures come with the harness plugin: a test needs no step module to use them."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

STEPS = Path(__file__).resolve().parents[3] / "steps"
FIXTURES = (
    "stage",
    "cast",
    "flows",
    "admin",
    "offers",
    "connection",
    "evidence_check",
    "access_audit",
    "drill",
    "attacker",
)


def test_the_plugin_alone_provides_every_scenario_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["harness.plugin"]\n')
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest(
        "--fixtures", "-p", "no:cacheprovider", "-p", "no:harness.reporting.plugin"
    )
    listed = {line.split(" ")[0] for line in result.stdout.lines if line and line[0] != " "}
    missing = [name for name in FIXTURES if name not in listed]
    assert not missing, f"fixtures not provided by harness.plugin: {missing}"


@pytest.mark.parametrize("path", sorted(STEPS.glob("*.py")), ids=lambda p: p.name)
def test_a_step_module_holds_steps_only(path: Path) -> None:
    module = importlib.import_module(f"steps.{path.stem}")
    fixtures = [
        name
        for name, value in vars(module).items()
        # pytest-bdd registers each step as a fixture of its own, named pytestbdd_stepdef_...
        if hasattr(value, "_fixture_function_marker") and not name.startswith("pytestbdd_")
    ]
    assert not fixtures, f"steps/{path.name} defines the fixtures {fixtures}: they go in the plugin"
