"""Previous reports are kept, once, and only in a directory that is clearly ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.reporting.rotate import MARKER, reports_dir_problem, rotate


def _names(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def test_first_run_creates_and_marks(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    assert rotate(reports) is None
    assert _names(reports) == [MARKER]


def test_only_the_last_run_is_kept(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports).mkdir()
    (reports / "README.md").write_text("tracked")
    rotate(reports)
    (reports / "conformance.json").write_text("run 1")
    (reports / "allure-results").mkdir()
    (reports / "allure-results" / "r.json").write_text("{}")
    previous = rotate(reports)
    assert previous == reports / "previous"
    assert _names(previous) == ["allure-results", "conformance.json"]
    assert _names(reports) == [MARKER, "README.md", "previous"]
    (reports / "conformance.json").write_text("run 2")
    rotate(reports)
    assert (reports / "previous" / "conformance.json").read_text() == "run 2"
    assert _names(reports / "previous") == ["conformance.json"]
    assert (reports / "README.md").read_text() == "tracked"


def test_nothing_to_keep_leaves_previous_alone(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports / "previous").mkdir(parents=True)
    (reports / "previous" / "report.html").write_text("old")
    assert rotate(reports) is None
    assert (reports / "previous" / "report.html").read_text() == "old"


def test_interrupted_rotation_is_completed(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports / ".previous-staging").mkdir(parents=True)
    (reports / ".previous-staging" / "report.html").write_text("newest")
    (reports / "previous").mkdir()
    (reports / "previous" / "report.html").write_text("older")
    (reports / MARKER).write_text("")
    rotate(reports)
    assert (reports / "previous" / "report.html").read_text() == "newest"


def test_a_foreign_directory_is_refused_and_untouched(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("x")
    (tmp_path / "report.html").write_text("y")
    problem = reports_dir_problem(tmp_path)
    assert problem is not None and "pyproject.toml" in problem
    with pytest.raises(ValueError, match="not reports"):
        rotate(tmp_path)
    assert _names(tmp_path) == ["pyproject.toml", "report.html"]


def test_a_file_is_not_a_reports_directory(tmp_path: Path) -> None:
    target = tmp_path / "reports"
    target.write_text("")
    assert reports_dir_problem(target) == f"{target} exists and is not a directory"


def test_marked_directory_accepts_anything(tmp_path: Path) -> None:
    (tmp_path / MARKER).write_text("")
    (tmp_path / "extra.log").write_text("")
    assert reports_dir_problem(tmp_path) is None
    rotate(tmp_path)
    assert (tmp_path / "previous" / "extra.log").exists()


def test_empty_leftovers_do_not_replace_previous(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports / "previous").mkdir(parents=True)
    (reports / "previous" / "report.html").write_text("last real run")
    (reports / "allure-results" / "sub").mkdir(parents=True)
    (reports / MARKER).write_text("")
    assert rotate(reports) is None
    assert _names(reports) == [MARKER, "previous"]
    assert (reports / "previous" / "report.html").read_text() == "last real run"


def test_a_run_that_ran_nothing_does_not_replace_previous(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports / "previous").mkdir(parents=True)
    (reports / "previous" / "conformance.json").write_text('{"totals": {"tests": {"total": 9}}}')
    (reports / "conformance.json").write_text('{"totals": {"tests": {"total": 0}}}')
    (reports / "junit.xml").write_text("<testsuites/>")
    (reports / MARKER).write_text("")
    assert rotate(reports) is None
    assert _names(reports) == [MARKER, "previous"]
    assert "9" in (reports / "previous" / "conformance.json").read_text()


def test_an_interrupted_run_without_summary_is_kept(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports / "allure-results").mkdir(parents=True)
    (reports / "allure-results" / "a-result.json").write_text("{}")
    (reports / MARKER).write_text("")
    assert rotate(reports) == reports / "previous"
    assert (reports / "previous" / "allure-results" / "a-result.json").exists()
