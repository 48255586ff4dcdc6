"""The pytest and pytest-bdd internals the harness relies on, each checked by name.

pytest-bdd offers no public hook for what the harness needs: collecting ``.feature`` files as
test modules, knowing which scenario a test item runs (for the reports of scenarios that never
started) and carrying a report's scenario across xdist workers. The harness therefore uses:

* ``pytest.Module._getobj`` (harness/plugin.py ``FeatureModule``), with ``pytest_bdd.scenarios``
  called from a module built on the fly;
* ``pytest_bdd.scenario.scenario_wrapper_template_registry`` and
  ``pytest_bdd.parser.render_string`` (harness/reporting/plugin.py);
* ``pytest_bdd.reporting.test_report_context_registry`` and ``ReportContext``
  (harness/reporting/gherkin.py).

A new pytest or pytest-bdd version that changes any of them fails one of these tests, and the
failure names the internal, instead of the reports going quietly wrong.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

pytest_plugins = ["pytester"]

FEATURE = """\
@feature-tag
Feature: Internals
  What the feature is for.

  @scenario-tag
  Scenario: A plain scenario
    Given a ready thing
    Then the thing is ready

  Scenario Outline: An outline for <count> things
    Given a ready thing
    Then there are <count> things

    Examples:
      | count |
      | 2     |
"""

STEPS = """\
from pytest_bdd import given, parsers, then

pytest_plugins = ["harness.plugin"]


@given("a ready thing", target_fixture="thing")
def a_ready_thing():
    return "ready"


@then("the thing is ready")
def the_thing_is_ready(thing):
    assert thing == "ready"


@then(parsers.parse("there are {count:d} things"))
def there_are(count):
    assert count == 2
"""


def _internal(name: str, problem: str) -> str:
    return (
        f"the pytest/pytest-bdd internal {name} changed: {problem}; the harness relies on it "
        "(see this module's docstring for where)"
    )


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(STEPS)
    pytester.makefile(".feature", internals=FEATURE)
    return pytester


def _scenario_items(project: pytest.Pytester) -> list[pytest.Item]:
    items, _ = project.inline_genitems("-p", "no:cacheprovider", "-p", "no:randomly")
    assert len(items) == 2, _internal(
        "pytest.Module._getobj",
        f"a .feature file collected as {len(items)} tests, expected its 2 scenarios",
    )
    return items


def test_pytest_builds_a_module_object_through_getobj() -> None:
    getobj = getattr(pytest.Module, "_getobj", None)
    assert callable(getobj), _internal("pytest.Module._getobj", "pytest.Module has no _getobj")
    assert list(inspect.signature(getobj).parameters) == ["self"], _internal(
        "pytest.Module._getobj", f"its signature is now {inspect.signature(getobj)}"
    )


def test_pytest_bdd_scenarios_fills_the_calling_module(project: pytest.Pytester) -> None:
    item = _scenario_items(project)[0]
    assert isinstance(item, pytest.Function)
    module = item.module
    tests = [name for name in vars(module) if name.startswith("test_")]
    assert len(tests) == 2, _internal(
        "pytest_bdd.scenarios",
        f"called from a module built by FeatureModule._getobj it defined {tests}",
    )


def test_the_scenario_registry_maps_each_test_to_its_template(project: pytest.Pytester) -> None:
    try:
        from pytest_bdd.scenario import scenario_wrapper_template_registry
    except ImportError as exc:
        pytest.fail(_internal("pytest_bdd.scenario.scenario_wrapper_template_registry", str(exc)))
    name = "pytest_bdd.scenario.scenario_wrapper_template_registry"
    by_name: dict[str, Any] = {}
    for item in _scenario_items(project):
        template = scenario_wrapper_template_registry.get(item.obj)  # type: ignore[attr-defined]
        assert template is not None, _internal(name, f"no template for {item.nodeid}")
        by_name[template.name] = (item, template)
    assert set(by_name) == {"A plain scenario", "An outline for <count> things"}, _internal(
        name, f"template names {sorted(by_name)}"
    )

    _, plain = by_name["A plain scenario"]
    attributes = ("keyword", "line_number", "description", "tags", "feature", "render")
    for attribute in attributes:
        assert hasattr(plain, attribute), _internal(f"ScenarioTemplate.{attribute}", "missing")
    assert plain.keyword == "Scenario" and plain.line_number == 6, _internal(
        "ScenarioTemplate.keyword/line_number", f"{plain.keyword!r} at line {plain.line_number}"
    )
    assert set(plain.tags) == {"scenario-tag"}, _internal("ScenarioTemplate.tags", f"{plain.tags}")
    feature = plain.feature
    assert feature.filename.endswith("internals.feature"), _internal(
        "Feature.filename", repr(feature.filename)
    )
    assert (feature.name, feature.keyword, feature.line_number) == ("Internals", "Feature", 2), (
        _internal("Feature.name/keyword/line_number", f"{feature!r}")
    )
    assert "What the feature is for." in (feature.description or ""), _internal(
        "Feature.description", repr(feature.description)
    )
    assert set(feature.tags) == {"feature-tag"}, _internal("Feature.tags", f"{feature.tags}")
    steps = [(s.keyword, s.name, s.line_number) for s in plain.render({}).steps]
    assert steps == [("Given", "a ready thing", 7), ("Then", "the thing is ready", 8)], _internal(
        "ScenarioTemplate.render(...).steps", f"{steps}"
    )

    item, outline = by_name["An outline for <count> things"]
    example = getattr(item, "callspec", None) and item.callspec.params.get("_pytest_bdd_example")
    assert example == {"count": "2"}, _internal(
        "the '_pytest_bdd_example' parameter of an outline's test", repr(example)
    )
    rendered = [s.name for s in outline.render(example).steps]
    assert rendered == ["a ready thing", "there are 2 things"], _internal(
        "ScenarioTemplate.render(example)", f"{rendered}"
    )


def test_render_string_fills_an_outline_name() -> None:
    try:
        from pytest_bdd.parser import render_string
    except ImportError as exc:
        pytest.fail(_internal("pytest_bdd.parser.render_string", str(exc)))
    rendered = render_string("An outline for <count> things", {"count": "2"})
    assert rendered == "An outline for 2 things", _internal(
        "pytest_bdd.parser.render_string", repr(rendered)
    )


def test_each_report_of_a_scenario_has_its_context(project: pytest.Pytester) -> None:
    try:
        from pytest_bdd.reporting import ReportContext, test_report_context_registry
    except ImportError as exc:
        pytest.fail(_internal("pytest_bdd.reporting.test_report_context_registry", str(exc)))
    name = "pytest_bdd.reporting.test_report_context_registry"
    reprec = project.inline_run("-p", "no:cacheprovider", "-p", "no:randomly")
    reprec.assertoutcome(passed=2)
    calls = [r for r in reprec.getreports("pytest_runtest_logreport") if r.when == "call"]
    assert len(calls) == 2
    for report in calls:
        context = test_report_context_registry.get(report)
        assert context is not None, _internal(name, f"no context for {report.nodeid}")
        assert isinstance(context.scenario, dict) and isinstance(context.name, str), _internal(
            "pytest_bdd.reporting.ReportContext", f"{context!r}"
        )
        assert context.scenario.get("name") in {"A plain scenario", "An outline for 2 things"}, (
            _internal("ReportContext.scenario['name']", repr(context.scenario.get("name")))
        )
    scenario: Any = {"name": "x"}  # the record as it travels between xdist workers
    try:
        rebuilt = ReportContext(scenario=scenario, name="x")
    except TypeError as exc:
        pytest.fail(_internal("pytest_bdd.reporting.ReportContext(scenario=, name=)", str(exc)))
    assert (rebuilt.scenario, rebuilt.name) == ({"name": "x"}, "x")
