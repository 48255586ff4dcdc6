"""Option values the CLI refuses before anything starts, and the command that reruns a run."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from harness.cli import main as cli_main
from harness.cli import run, values
from harness.cli.errors import CliError
from harness.cli.project import project_root


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--tags", "AC-ANS-1 and ("],
        ["run", "-k", "or"],
        ["run", "--seed", "-1"],
        ["run", "--seed", "abc"],
        ["run", "--repeat", "0"],
        ["run", "--repeat", "1001"],
        ["test", "--repeat", "x"],
        ["run", "--require-coverage", "NOPE"],
        ["reference", "--sip-port", "99999"],
        ["reference", "--http-port", "-1"],
        ["bench", "--calls", "0"],
        ["bench", "--seconds", "nan"],
        ["bench", "--window", "0"],
    ],
)
def test_a_bad_value_is_one_line_naming_the_option_and_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = cli_main.main(argv)
    except SystemExit as stop:
        code = int(stop.code or 0)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1, err
    assert err[0].startswith("callproof: error: ")
    option = next(a for a in argv[1:] if a.startswith("-"))
    assert option in err[0]
    assert "Traceback" not in err[0]


def test_the_tags_error_quotes_the_expression_and_says_where() -> None:
    with pytest.raises(CliError) as caught:
        run.check_expression("--tags", "AC-ANS-1 and (")
    assert "'AC-ANS-1 and ('" in str(caught.value)
    assert "column 15" in str(caught.value)
    run.check_expression("--tags", "AC-ANS-1 or (H-SEC-1 and not needs:faults)")


def test_required_groups_and_prefixes_of_the_catalogue_are_accepted() -> None:
    root = project_root()
    for given in ("AC-ANS", "H", "H-SEC", "AC-ANS,H-SEC", "all"):
        run.check_required_coverage(given, root)
    with pytest.raises(CliError, match="'AC-AN'"):
        run.check_required_coverage("AC-AN", root)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run"], ["./callproof", "run", "--seed", "7"]),
        (["run", "--seed", "3", "-n", "2"], ["./callproof", "run", "-n", "2", "--seed", "7"]),
        (["run", "--seed=3", "--", "-v"], ["./callproof", "run", "--seed", "7", "--", "-v"]),
    ],
)
def test_the_rerun_command_carries_the_run_seed(argv: list[str], expected: list[str]) -> None:
    assert run.reproduce_command(argv, 7) == expected


@pytest.mark.parametrize("text", ["0", "5060", "65535"])
def test_ports_in_range(text: str) -> None:
    assert values.port(text) == int(text)


@pytest.mark.parametrize("text", ["65536", "-1", "5060.5", "sip"])
def test_ports_out_of_range(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        values.port(text)


def test_whole_and_seconds_bounds() -> None:
    assert values.whole(1, 3)("3") == 3
    with pytest.raises(argparse.ArgumentTypeError, match="1 or more"):
        values.whole(1)("0")
    assert values.seconds("0.5") == 0.5
    for bad in ("0", "-1", "inf", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            values.seconds(bad)


def test_the_project_root_is_a_checkout() -> None:
    assert (Path(project_root()) / "fixtures" / "requirements.yaml").exists()
