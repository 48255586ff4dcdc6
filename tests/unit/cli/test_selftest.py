"""``callproof test``: tools first, then ``pytest tests features`` in one session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from harness.cli import main as cli_main
from harness.cli import selftest, session
from harness.cli.errors import CliError
from harness.cli.session import Session


def test_tools_then_one_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "features").mkdir()
    events: list[object] = []
    monkeypatch.setattr(selftest, "project_root", lambda: tmp_path)
    monkeypatch.setattr(selftest, "ensure_debian_tools", lambda name: events.append(name))
    monkeypatch.setattr(selftest, "ensure_allure", lambda root: None)

    def fake_pytest(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> int:
        events.append(list(argv))
        return 0

    original = session.execute

    def execute(s: Session, allure: Path | None, describe: str) -> int:
        return original(s, allure, describe, run_pytest=fake_pytest)

    monkeypatch.setattr(session, "execute", execute)
    assert cli_main.main(["test", "--", "-k", "sip"]) == 0
    assert events[0] == "test"
    argv = events[1]
    assert isinstance(argv, list)
    assert argv[3:5] == ["tests", "features"]
    assert argv[argv.index("--callproof-reports") + 1] == str(tmp_path / "reports")
    assert argv[-2:] == ["-k", "sip"]
    assert "-n" not in argv[3:]


def test_install_failure_stops_before_pytest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(name: str) -> None:
        raise CliError("sipp missing and installing it needs root", "run 'sudo apt-get …'")

    monkeypatch.setattr(selftest, "project_root", lambda: tmp_path)
    monkeypatch.setattr(selftest, "ensure_debian_tools", refuse)
    assert cli_main.main(["test"]) == 2
    assert not (tmp_path / "reports").exists()


def _recording_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    for folder in ("tests/unit", "features"):
        (tmp_path / folder).mkdir(parents=True)
    runs: list[list[str]] = []
    monkeypatch.setattr(selftest, "project_root", lambda: tmp_path)
    monkeypatch.setattr(selftest, "ensure_debian_tools", lambda name: None)
    monkeypatch.setattr(selftest, "ensure_allure", lambda root: None)
    monkeypatch.chdir(tmp_path)

    def fake_pytest(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> int:
        runs.append(list(argv))
        return 0

    original = session.execute

    def execute(s: Session, allure: Path | None, describe: str) -> int:
        return original(s, allure, describe, run_pytest=fake_pytest)

    monkeypatch.setattr(session, "execute", execute)
    return runs


def test_paths_run_instead_of_the_two_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _recording_session(tmp_path, monkeypatch)
    assert cli_main.main(["test", "tests/unit", "--", "-k", "tests"]) == 0
    argv = runs[0]
    assert "tests/unit" in argv and "features" not in argv and "tests" not in argv[:-1]
    assert argv[-2:] == ["-k", "tests"]  # an option's value is never taken for a path


def test_a_path_after_the_separator_is_a_usage_error_naming_where_it_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = _recording_session(tmp_path, monkeypatch)
    assert cli_main.main(["test", "--", "tests/unit", "-q"]) == 2
    err = capsys.readouterr().err
    assert "tests/unit after '--' would run in addition to tests/ and features/" in err
    assert "./callproof test tests/unit" in err
    assert runs == []


def test_a_missing_path_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = _recording_session(tmp_path, monkeypatch)
    assert cli_main.main(["test", "tests/nowhere"]) == 2
    assert "tests/nowhere: no such file or folder" in capsys.readouterr().err
    assert runs == []
