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
