"""Argument handling and delegation of the ``callproof`` entry point."""

from __future__ import annotations

import sys
import types

import pytest

from harness import __version__
from harness.cli import main as cli_main
from harness.cli import reference


def test_argparse_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli_main.main(["run", "--workers", "none"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err == (
        "callproof: error: argument -n/--workers: expected a number or 'auto', got 'none' "
        "(hint: see 'callproof run --help')\n"
    )


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli_main.main([])
    assert capsys.readouterr().err.startswith("callproof: error: the following arguments")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli_main.main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"callproof {__version__}"


def test_split_passthrough() -> None:
    assert cli_main.split_passthrough(["test", "--", "-k", "x", "--", "y"]) == (
        ["test"],
        ["-k", "x", "--", "y"],
    )
    assert cli_main.split_passthrough(["run", "features"]) == (["run", "features"], [])


def test_reference_options_are_passed_through(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    module = types.ModuleType(reference.MODULE)
    module.main = lambda argv: seen.append(argv)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, reference.MODULE, module)
    argv = ["reference", "--http-port", "8080", "--sip-port", "5070", "--data-dir", "/tmp/d"]
    assert cli_main.main([*argv, "--no-demo"]) == 0
    assert cli_main.main(["reference"]) == 0
    assert seen == [
        ["--http-port", "8080", "--sip-port", "5070", "--data-dir", "/tmp/d", "--no-demo"],
        [],
    ]


def test_bench_gets_every_argument_and_its_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def bench_main(argv: list[str]) -> int:
        seen.append(argv)
        return 3

    module = types.ModuleType("harness.bench")
    module.main = bench_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "harness.bench", module)
    assert cli_main.main(["bench", "--calls", "100", "-x"]) == 3
    assert seen == [["--calls", "100", "-x"]]


def test_a_missing_delegate_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "harness.bench", None)  # import raises ModuleNotFoundError
    assert cli_main.main(["bench"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("callproof: error: the benchmarks (harness.bench) is not part of")
    assert err.count("\n") == 1


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(argv: list[str]) -> int:
        raise KeyboardInterrupt

    module = types.ModuleType("harness.bench")
    module.main = interrupted  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "harness.bench", module)
    assert cli_main.main(["bench"]) == 130
