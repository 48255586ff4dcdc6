"""The reporting plugin end to end, on a tiny generated feature, in and out of xdist."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from harness.reporting.progress import SEPARATOR

pytest_plugins = ["pytester"]

FEATURE = """\
Feature: Answered call
  @AC-ANS-1 @AC-ANS-2
  Scenario: Audio flows both ways
    Given a caller
    Then audio flows

  @AC-ANS-9 @reference-choice
  Scenario: The verification fails
    Given a caller
    Then the check fails

  @AC-IN-1
  Scenario: A step nobody wrote
    Given a caller
    When something nobody wrote happens

  @AC-IN-2
  Scenario: Needs a clock
    Given a caller
    Then it is skipped

  @AC-IN-2
  Scenario Outline: Audio flows for <kind>
    Given a caller
    Then audio flows

    Examples:
      | kind  |
      | G.711 |
      | DTMF  |
"""

STEPS = """\
import pytest
from pytest_bdd import given, scenarios, then

scenarios("calls/answered.feature")


@given("a caller")
def caller(request):
    request.node.user_properties.append(("call_ids", ["CALL-0000000042"]))
    request.node.user_properties.append(("sut", {"name": "toy", "version": "9.9"}))


@then("audio flows")
def audio_flows():
    pass


@then("the check fails")
def the_check_fails(request):
    request.node.user_properties.append(("verdict", "the caller heard silence"))
    request.node.user_properties.append(("evidence", ["evidence/ladder.txt"]))
    assert 1 == 2, "no audio from the agent"


@then("it is skipped")
def it_is_skipped():
    pytest.skip("the adapter has no clock")


def test_plain():
    assert True
"""

CATALOGUE = """\
catalogue: tiny
groups:
- group: AC-ANS
  title: an answered call really connects
  seed: s.txt
  requirements:
  - {id: AC-ANS-1, statement: Audio flows both ways., reference_choice: false}
  - {id: AC-ANS-2, statement: Logged as Answered., reference_choice: false}
  - {id: AC-ANS-3, statement: Nobody covers this one., reference_choice: false}
  - {id: AC-ANS-9, statement: Verification procedure., reference_choice: false}
- group: AC-IN
  title: receiving an incoming call
  seed: t.txt
  requirements:
  - {id: AC-IN-1, statement: Prerequisites., reference_choice: true}
  - {id: AC-IN-2, statement: Ringing pop-up., reference_choice: false}
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini("[pytest]\nbdd_features_base_dir = features\n")
    (pytester.path / "features" / "calls").mkdir(parents=True)
    (pytester.path / "features" / "calls" / "answered.feature").write_text(FEATURE)
    (pytester.path / "fixtures").mkdir()
    (pytester.path / "fixtures" / "requirements.yaml").write_text(CATALOGUE)
    (pytester.path / "test_calls.py").write_text(STEPS)
    return pytester


def _args(reports: Path, *extra: str) -> list[str]:
    return [
        "-p",
        "harness.reporting.plugin",
        "--callproof-reports",
        str(reports),
        "-p",
        "no:cacheprovider",
        # A checkout installed before allure-pytest-bdd may still hold allure-pytest, which
        # declares the same --alluredir option.
        "-p",
        "no:allure_pytest",
        *extra,
    ]


def _glob(line: str) -> str:
    """An fnmatch pattern for ``line`` whose only wildcard is ``*`` (``[`` is literal);
    `` > `` stands for the progress line's separator."""
    return line.replace("[", "[[]").replace(" > ", f" {SEPARATOR} ")


def _check_conformance(reports: Path) -> None:
    data = json.loads((reports / "conformance.json").read_text())
    assert data["harness"]["name"] == "callproof"
    assert data["sut"] == {"name": "toy", "version": "9.9"}
    assert data["totals"]["scenarios"] == {"total": 6, "passed": 3, "failed": 2, "skipped": 1}
    assert data["totals"]["tests"] == {"total": 7, "passed": 4, "failed": 2, "skipped": 1}
    requirements = data["requirements"]
    assert list(requirements) == [
        "AC-ANS-1",
        "AC-ANS-2",
        "AC-ANS-3",
        "AC-ANS-9",
        "AC-IN-1",
        "AC-IN-2",
    ]
    assert requirements["AC-ANS-1"]["status"] == "passed"
    assert requirements["AC-ANS-3"]["status"] == "not-covered"
    assert requirements["AC-ANS-3"]["scenarios"] == []
    assert requirements["AC-IN-1"]["status"] == "failed"
    assert requirements["AC-IN-1"]["reference_choice"] is True
    # One skipped and two passing outline examples: passed, with the skip still listed.
    assert requirements["AC-IN-2"]["status"] == "passed"
    assert sorted(s["status"] for s in requirements["AC-IN-2"]["scenarios"]) == [
        "passed",
        "passed",
        "skipped",
    ]
    failing = requirements["AC-ANS-9"]
    assert failing["status"] == "failed"
    [scenario] = failing["scenarios"]
    assert scenario["name"] == "The verification fails"
    assert scenario["feature"] == "features/calls/answered.feature"
    assert scenario["nodeid"] == "test_calls.py::test_the_verification_fails"
    assert scenario["call_ids"] == ["CALL-0000000042"]
    assert scenario["verdict"] == "the caller heard silence"
    assert "no audio from the agent" in scenario["message"]
    outline_names = sorted(s["name"] for s in requirements["AC-IN-2"]["scenarios"])
    assert outline_names == ["Audio flows for DTMF", "Audio flows for G.711", "Needs a clock"]
    assert data["undefined_steps"] == [
        {
            "feature": "features/calls/answered.feature",
            "step": "When something nobody wrote happens",
        }
    ]
    html = (reports / "report.html").read_text()
    assert "the caller heard silence" in html
    assert "CALL-0000000042" in html
    assert 'href="evidence/ladder.txt"' in html


def test_reports_progress_and_undefined_steps(project: pytest.Pytester) -> None:
    reports = project.path / "reports"
    result = project.runpytest_subprocess(*_args(reports))
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            _glob(line)
            for line in (
                "Feature: Answered call — calls/answered.feature",
                "[1/7] calls/answered.feature > Audio flows both ways PASSED *s",
                "[2/7] calls/answered.feature > The verification fails FAILED *s",
                "[4/7] calls/answered.feature > Needs a clock SKIPPED *s",
                "[5/7] calls/answered.feature > Audio flows for G.711 PASSED *s",
                "test_calls.py",
                "[7/7] test_calls.py::test_plain PASSED *s",
            )
        ]
    )
    result.stdout.fnmatch_lines(
        [
            'callproof: error: features/calls/answered.feature: undefined step "When something'
            ' nobody wrote happens" (hint: define it in steps/calls.py)',
            "*2 failed, 4 passed, 1 skipped*",
        ]
    )
    result.assert_outcomes(passed=4, failed=2, skipped=1)
    _check_conformance(reports)


def test_a_second_run_keeps_the_first_in_previous(project: pytest.Pytester) -> None:
    reports = project.path / "reports"
    allure = f"--alluredir={reports / 'allure-results'}"
    project.runpytest_subprocess(*_args(reports, allure))
    first = (reports / "conformance.json").read_text()
    # Allure results come from allure-pytest-bdd: one per scenario, none for the plain test.
    assert len(list((reports / "allure-results").glob("*-result.json"))) == 6
    (reports / "junit.xml").write_text("<first/>")
    project.runpytest_subprocess(*_args(reports, allure, "-k", "both_ways"))
    assert (reports / "previous" / "conformance.json").read_text() == first
    assert (reports / "previous" / "junit.xml").read_text() == "<first/>"
    assert len(list((reports / "previous" / "allure-results").glob("*-result.json"))) == 6
    second = json.loads((reports / "conformance.json").read_text())
    assert second["totals"]["tests"]["total"] == 1
    assert not (reports / "junit.xml").exists()
    assert len(list((reports / "allure-results").glob("*-result.json"))) == 1


def test_a_run_that_fails_to_start_moves_nothing(project: pytest.Pytester) -> None:
    reports = project.path / "reports"
    project.runpytest_subprocess(*_args(reports))
    before = sorted(p.name for p in reports.iterdir())
    first = (reports / "conformance.json").read_text()
    project.makeconftest(
        "import pytest\n"
        "def pytest_configure(config):\n"
        "    raise pytest.UsageError('the SUT cannot start')\n"
    )
    result = project.runpytest_subprocess(
        *_args(reports, f"--alluredir={reports / 'allure-results'}")
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert sorted(p.name for p in reports.iterdir()) == before
    assert (reports / "conformance.json").read_text() == first


def test_a_foreign_reports_directory_is_refused_untouched(project: pytest.Pytester) -> None:
    reports = project.path / "elsewhere"
    reports.mkdir()
    (reports / "notes.txt").write_text("mine")
    result = project.runpytest_subprocess(*_args(reports))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--callproof-reports:*notes.txt*"])
    assert sorted(p.name for p in reports.iterdir()) == ["notes.txt"]


def test_requirement_ids_are_registered_markers(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess(*_args(project.path / "reports", "--strict-markers"))
    result.assert_outcomes(passed=4, failed=2, skipped=1)
    listing = project.runpytest_subprocess("-p", "harness.reporting.plugin", "--markers")
    listing.stdout.fnmatch_lines(["@pytest.mark.AC-ANS-3: Nobody covers this one."])


@pytest.mark.skipif(importlib.util.find_spec("xdist") is None, reason="needs pytest-xdist")
def test_same_reports_under_xdist(project: pytest.Pytester) -> None:
    reports = project.path / "reports"
    (reports / "previous").mkdir(parents=True)
    (reports / "previous" / "report.html").write_text("older")
    (reports / "report.html").write_text("last run")
    allure = f"--alluredir={reports / 'allure-results'}"
    result = project.runpytest_subprocess(*_args(reports, allure, "-n", "2"))
    assert result.ret == 1
    result.stdout.fnmatch_lines([_glob("2 workers [7 items]")])
    lines = [line for line in result.outlines if re.match(r"\[\d/7\] ", line)]
    assert len(lines) == 7
    assert lines[-1].startswith("[7/7] ")
    result.stdout.fnmatch_lines(['callproof: error: *undefined step "When something*'])
    _check_conformance(reports)
    assert (reports / "previous" / "report.html").read_text() == "last run"
    assert len(list((reports / "allure-results").glob("*-result.json"))) == 6
