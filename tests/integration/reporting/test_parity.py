"""Every report holds the same scenarios, tags, steps and statuses whatever ``-n`` is; the
run's seed reproduces its random data; ``--callproof-repeat`` finds a flaky scenario."""

from __future__ import annotations

import importlib.util
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.integration.reporting.test_plugin import _args, project  # noqa: F401  (fixture)

pytest_plugins = ["pytester"]

needs_xdist = pytest.mark.skipif(
    importlib.util.find_spec("xdist") is None, reason="needs pytest-xdist"
)


def _cucumber(reports: Path) -> set[tuple[Any, ...]]:
    features = json.loads((reports / "cucumber.json").read_text())
    return {
        (
            feature["uri"],
            element["name"],
            tuple(sorted(tag["name"].removeprefix("@") for tag in element["tags"])),
            tuple(
                (step["keyword"].strip(), step["name"], step["result"]["status"])
                for step in element["steps"]
            ),
        )
        for feature in features
        for element in feature["elements"]
    }


def _junit(reports: Path) -> set[tuple[str, str, str]]:
    root = ET.parse(reports / "junit.xml").getroot()
    cases = set()
    for case in root.iter("testcase"):
        outcome = "passed"
        for kind in ("failure", "error", "skipped"):
            if case.find(kind) is not None:
                outcome = kind
        cases.add((case.get("classname", ""), case.get("name", ""), outcome))
    return cases


def _conformance(reports: Path) -> dict[str, Any]:
    data = json.loads((reports / "conformance.json").read_text())
    return {
        "totals": data["totals"],
        "verdict": data["verdict"]["outcome"],
        "requirements": {
            rid: (
                entry["status"],
                sorted(
                    (
                        s["name"],
                        s["status"],
                        tuple(s["tags"]),
                        json.dumps(
                            [(st["keyword"], st["name"], st["status"]) for st in s["steps"]]
                        ),
                    )
                    for s in entry["scenarios"]
                ),
            )
            for rid, entry in data["requirements"].items()
        },
    }


def _allure(reports: Path) -> set[tuple[str, str]]:
    return {
        (result["name"], result["status"])
        for path in (reports / "allure-results").glob("*-result.json")
        for result in [json.loads(path.read_text())]
    }


def _run(project: pytest.Pytester, name: str, *extra: str) -> Path:  # noqa: F811
    reports = project.path / name
    project.runpytest_subprocess(
        *_args(
            reports,
            f"--junitxml={reports / 'junit.xml'}",
            f"--alluredir={reports / 'allure-results'}",
            *extra,
        )
    )
    return reports


@needs_xdist
def test_reports_are_the_same_in_one_process_and_under_one_or_two_workers(
    project: pytest.Pytester,  # noqa: F811
) -> None:
    alone = _run(project, "alone", "-p", "no:xdist")
    one = _run(project, "one", "-n", "1")
    two = _run(project, "two", "-n", "2")
    cucumber = _cucumber(alone)
    # Every scenario, including the one whose step nobody wrote.
    assert {(name, tags) for _, name, tags, _ in cucumber} == {
        ("Audio flows both ways", ("AC-ANS-1", "AC-ANS-2")),
        ("The verification fails", ("AC-ANS-9", "reference-choice")),
        ("A step nobody wrote", ("AC-IN-1",)),
        ("Needs a clock", ("AC-IN-2",)),
        ("Audio flows for G.711", ("AC-IN-2",)),
        ("Audio flows for DTMF", ("AC-IN-2",)),
    }
    steps = {name: steps for _, name, _, steps in cucumber}
    assert steps["The verification fails"] == (
        ("Given", "a caller", "passed"),
        ("Then", "the check fails", "failed"),
    )
    assert steps["Needs a clock"] == (
        ("Given", "a caller", "passed"),
        ("Then", "it is skipped", "skipped"),
    )
    assert steps["A step nobody wrote"][1] == (
        "When",
        "something nobody wrote happens",
        "failed",
    )
    for other in (one, two):
        assert _cucumber(other) == cucumber
        assert _junit(other) == _junit(alone)
        assert _conformance(other) == _conformance(alone)
        assert _allure(other) == _allure(alone)
    assert len(_junit(alone)) == 7


SEEDED_STEPS = """\
import random
from pytest_bdd import given, scenarios, then

scenarios("calls/answered.feature")


@given("a caller")
def caller(request):
    request.node.user_properties.append(("verdict", f"drawn {random.getrandbits(48)}"))


@then("audio flows")
def audio_flows():
    pass


@then("the check fails")
def the_check_fails(request):
    marker = request.config.rootpath / "failed-once"
    if not marker.exists():
        marker.write_text("x")
        raise AssertionError("failed the first time only")


@then("it is skipped")
def it_is_skipped():
    pass
"""


def _verdicts(reports: Path) -> dict[str, str]:
    data = json.loads((reports / "conformance.json").read_text())
    return {
        s["nodeid"]: s["verdict"]
        for entry in data["requirements"].values()
        for s in entry["scenarios"]
    }


@needs_xdist
def test_the_seed_gives_every_scenario_the_same_random_data_again(
    project: pytest.Pytester,  # noqa: F811
) -> None:
    (project.path / "test_calls.py").write_text(SEEDED_STEPS)
    first = _run(project, "first", "--callproof-seed", "42", "-p", "no:xdist")
    again = _run(project, "again", "--callproof-seed", "42", "-n", "2")
    other = _run(project, "other", "--callproof-seed", "43", "-p", "no:xdist")
    assert _verdicts(first) == _verdicts(again)
    assert len(set(_verdicts(first).values())) > 1  # items draw different values
    assert _verdicts(other) != _verdicts(first)
    data = json.loads((first / "conformance.json").read_text())
    assert data["run"]["seed"] == 42
    assert "--callproof-seed=42" in data["run"]["command"]


def test_a_repeated_series_counts_passes_and_names_the_flaky_scenario(
    project: pytest.Pytester,  # noqa: F811
) -> None:
    (project.path / "test_calls.py").write_text(SEEDED_STEPS)
    reports = _run(project, "series", "--callproof-repeat", "3", "-p", "no:xdist")
    data = json.loads((reports / "conformance.json").read_text())
    series = {s["name"]: s for s in data["series"]}
    flaky = series["The verification fails"]
    assert (flaky["runs"], flaky["passed"], flaky["failed"], flaky["flaky"]) == (3, 2, 1, True)
    assert series["Audio flows both ways"]["flaky"] is False
    assert series["Audio flows both ways"]["passed"] == 3
    html = (reports / "report.html").read_text()
    assert "Flaky (passed and failed in the same series)" in html
    assert "The verification fails: passed 2, failed 1 of 3" in html


def test_allure_speaks_gherkin_with_requirement_labels(project: pytest.Pytester) -> None:  # noqa: F811
    reports = _run(project, "allure", "-p", "no:xdist")
    results = {
        result["name"]: result
        for path in (reports / "allure-results").glob("*-result.json")
        for result in [json.loads(path.read_text())]
    }
    failing = results["The verification fails"]
    assert [(s["name"], s["status"]) for s in failing["steps"]] == [
        ("Given a caller", "passed"),
        ("Then the check fails", "failed"),
    ]
    labels = {(label["name"], label["value"]) for label in failing["labels"]}
    assert ("epic", "AC-ANS — an answered call really connects") in labels
    assert ("story", "AC-ANS-9 — Verification procedure.") in labels
    assert ("feature", "Answered call") in labels
    assert failing["description"].startswith(
        "```gherkin\nScenario: The verification fails\n  Given a caller\n  Then the check fails"
    )
    assert str(project.path) not in failing["description"]
    assert failing["titlePath"][-1] == "Answered call"
