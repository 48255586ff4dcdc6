"""``callproof run``: validation before anything is touched, then one pytest session."""

from __future__ import annotations

import argparse
import json
import sys
import types
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from harness.cli import main as cli_main
from harness.cli import run, session
from harness.cli.errors import CliError
from harness.cli.session import Session


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout with one feature, a reports dir holding last run's report, and fakes for
    the SUT loader, the set-up step and pytest itself."""
    (tmp_path / "features" / "calls").mkdir(parents=True)
    (tmp_path / "features" / "calls" / "a.feature").write_text("Feature: a\n")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "report.html").write_text("last run")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(run, "project_root", lambda: tmp_path)
    monkeypatch.setattr(run, "ensure_allure", lambda root: None)
    loader = types.ModuleType("harness.sut.loader")

    class AdapterNotFound(LookupError):
        pass

    def resolve(spec: str) -> object:
        if spec not in ("reference", "vendor.adapter:make"):
            raise AdapterNotFound(f"unknown SUT {spec!r}")
        return object

    loader.AdapterNotFound = AdapterNotFound  # type: ignore[attr-defined]
    loader.resolve = resolve  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "harness.sut.loader", loader)
    return tmp_path


class FakePytest:
    def __init__(self, code: int, conformance: Mapping[str, object] | None = None) -> None:
        self.code = code
        self.conformance = conformance
        self.calls: list[tuple[list[str], Path]] = []

    def __call__(self, argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> int:
        self.calls.append((list(argv), cwd))
        if self.conformance is not None:
            reports = Path(argv[argv.index("--callproof-reports") + 1])
            (reports / "conformance.json").write_text(json.dumps(self.conformance))
        return self.code


@pytest.fixture
def fake_pytest(monkeypatch: pytest.MonkeyPatch) -> FakePytest:
    fake = FakePytest(0)
    original = session.execute

    def execute(s: Session, allure: Path | None, describe: str) -> int:
        return original(s, allure, describe, run_pytest=fake)

    monkeypatch.setattr(session, "execute", execute)
    return fake


def _parse(*argv: str) -> argparse.Namespace:
    ours, _ = cli_main.split_passthrough(["run", *argv])
    return cli_main.build_parser().parse_args(ours)


def _reports_untouched(checkout: Path) -> None:
    assert sorted(p.name for p in (checkout / "reports").iterdir()) == ["report.html"]


@pytest.mark.parametrize(
    ("argv", "message", "hint"),
    [
        (["--sut", "nope"], "unknown SUT 'nope'", "--sut takes"),
        (["features/missing.feature"], "features/missing.feature: no such feature", "paths"),
        (["--sut-url", "127.0.0.1:8080"], "is not an http URL", "callproof reference"),
        (["--reports", "."], "holds files that are not reports", "--reports"),
    ],
)
def test_invalid_runs_stop_before_touching_reports(
    checkout: Path, fake_pytest: FakePytest, argv: list[str], message: str, hint: str
) -> None:
    with pytest.raises(CliError) as caught:
        run.execute(_parse(*argv), [])
    assert message in caught.value.message
    assert hint in caught.value.hint
    assert caught.value.code == 2
    assert fake_pytest.calls == []
    _reports_untouched(checkout)


def test_error_line_through_main(
    checkout: Path, fake_pytest: FakePytest, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main.main(["run", "--sut", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("callproof: error: unknown SUT 'nope' (hint: --sut takes")
    assert "Traceback" not in err


def test_pytest_command_line(checkout: Path, fake_pytest: FakePytest) -> None:
    args = _parse(
        "features/calls",
        "--tags",
        "AC-ANS-1 or AC-ANS-2",
        "-k",
        "answered",
        "--sut",
        "vendor.adapter:make",
        "--sut-url",
        "http://tok@127.0.0.1:8080",
        "-n",
        "3",
        "-x",
    )
    assert run.execute(args, ["--lf"]) == 0
    [(argv, cwd)] = fake_pytest.calls
    assert cwd == checkout
    assert argv[:4] == [sys.executable, "-m", "pytest", "features/calls"]
    reports = checkout / "reports"
    text = " ".join(argv)
    assert "-p harness.plugin --sut vendor.adapter:make --sut-url http://tok@127.0.0.1:8080" in text
    assert f"--evidence-dir {reports / 'evidence'}" in text
    assert f"-p harness.reporting.plugin --callproof-reports {reports}" in text
    assert f"--alluredir {reports / 'allure-results'}" in text
    assert f"--junitxml {reports / 'junit.xml'}" in text
    # cucumber.json comes from the reporting plugin (complete under xdist), not pytest-bdd.
    assert "--cucumberjson" not in text
    assert "--callproof-seed" in text
    options = argv[3:]
    assert options[options.index("-m") + 1] == "AC-ANS-1 or AC-ANS-2"
    assert options[options.index("-k") + 1] == "answered"
    assert options[options.index("-n") + 1] == "3"
    assert "-x" in options
    assert options[-1] == "--lf"


def test_defaults(checkout: Path, fake_pytest: FakePytest) -> None:
    run.execute(_parse(), [])
    [(argv, _)] = fake_pytest.calls
    assert argv[3] == "features"
    assert argv[argv.index("--sut") + 1] == "reference"
    assert "--sut-url" not in argv
    options = argv[3:]
    assert "-m" not in options and "-k" not in options and "-x" not in options
    auto = run.workers_value("auto")
    assert ("-n" in options) is (auto > 1)


def test_nothing_collected_is_an_error_with_a_hint(checkout: Path, fake_pytest: FakePytest) -> None:
    fake_pytest.code = 5
    with pytest.raises(CliError) as caught:
        run.execute(_parse("--tags", "AC-NONE-1"), [])
    assert caught.value.code == 5
    assert "no scenario or test was collected from features" in caught.value.message
    assert "--tags" in caught.value.hint


def test_failures_keep_pytests_code_and_print_the_summary(
    checkout: Path, fake_pytest: FakePytest, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_pytest.code = 1
    fake_pytest.conformance = {
        "sut": {"name": "reference", "version": "0.1.0"},
        "totals": {
            "tests": {"total": 3, "passed": 1, "failed": 1, "skipped": 1},
            "scenarios": {"total": 3, "passed": 1, "failed": 1, "skipped": 1},
            "requirements": {"total": 10, "passed": 1, "failed": 1, "skipped": 1, "not-covered": 7},
        },
    }
    assert run.execute(_parse(), []) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-5:] == [
        "SUT: reference 0.1.0",
        "scenarios: 1 passed, 1 failed, 1 skipped (3 in all)",
        "requirements: 3 of 10 covered (1 passing, 1 failing, 1 skipped), 7 gaps",
        "report: reports/report.html",
        "callproof: 1 passed, 1 failed, 1 skipped",
    ]


@pytest.mark.parametrize(("code", "message"), [(4, "could not start"), (2, "interrupted")])
def test_pytest_that_could_not_run_is_an_error(
    checkout: Path, fake_pytest: FakePytest, code: int, message: str
) -> None:
    fake_pytest.code = code
    with pytest.raises(CliError, match=message) as caught:
        run.execute(_parse(), [])
    assert caught.value.code == code


def test_workers_value() -> None:
    assert run.workers_value("1") == 1
    assert run.workers_value("6") == 6
    assert 1 <= run.workers_value("auto") <= run.MAX_AUTO_WORKERS
    for bad in ("0", "-2", "many"):
        with pytest.raises(argparse.ArgumentTypeError):
            run.workers_value(bad)
