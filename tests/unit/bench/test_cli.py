"""``callproof bench`` arguments: which benchmarks run, in which order, and refused values."""

from __future__ import annotations

import pytest

from harness import bench


def test_no_argument_keeps_calls_then_run_and_all_runs_everything_in_order() -> None:
    assert bench.selected(None) == ("calls", "run")
    assert bench.selected("all") == (
        "calls", "run", "capacity", "engine", "concurrency", "browser"
    )  # fmt: skip
    assert bench.selected("engine") == ("engine",)
    assert bench.selected("browser") == ("browser",)
    with pytest.raises(ValueError):
        bench.selected("speed")


def test_the_new_options_and_their_defaults() -> None:
    args = bench.build_parser().parse_args(["concurrency", "--seconds", "30"])
    assert (args.which, args.seconds) == ("concurrency", 30.0)
    args = bench.build_parser().parse_args([])
    assert args.which is None
    assert (args.engine_calls, args.window, args.profile, args.seconds) == (200, 20, False, 60.0)


@pytest.mark.parametrize(
    "argv",
    [["engine", "--engine-calls", "0"], ["engine", "--engine-calls", "10", "--window", "11"],
     ["concurrency", "--seconds", "0"], ["concurrency", "--seconds", "7200"], ["speed"]],
)  # fmt: skip
def test_refused_values_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        bench.main(argv)
    assert exit_info.value.code == 2
    assert "callproof bench" in capsys.readouterr().err
