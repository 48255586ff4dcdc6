"""``callproof``: the command line.

    callproof run        the conformance suite against the embedded reference (or --sut)
    callproof test       the harness's own tests and the conformance suite (what CI runs)
    callproof doctor     check this machine
    callproof reference  start the reference contact center alone
    callproof bench      benchmarks
    callproof evidence   zip what the last run kept about some Call IDs, for support
    callproof load       load on Locust, every call's audio verified

Every problem the user can fix ends with one line ``callproof: error: … (hint: …)`` and
exit code 2; a run's exit code is pytest's.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from harness import __version__
from harness.cli.errors import CliError, report
from harness.cli.parser import Parser

Executor = Callable[[argparse.Namespace, list[str]], int]


def _run(args: argparse.Namespace, extra: list[str]) -> int:
    from harness.cli import run

    return run.execute(args, extra)


def _test(args: argparse.Namespace, extra: list[str]) -> int:
    from harness.cli import selftest

    return selftest.execute(args, extra)


def _doctor(args: argparse.Namespace, extra: list[str]) -> int:
    from harness.cli import doctor

    return doctor.execute(args, extra)


def _reference(args: argparse.Namespace, extra: list[str]) -> int:
    from harness.cli import reference

    return reference.execute(args, extra)


def _evidence(args: argparse.Namespace, extra: list[str]) -> int:
    from harness.cli import evidence

    return evidence.execute(args, extra)


def _load(args: argparse.Namespace, extra: list[str]) -> int:
    from harness.cli import load

    return load.execute(args, extra)


def build_parser() -> Parser:
    """The parser for every subcommand except ``bench`` (its arguments are not ours)."""
    from harness.cli import doctor, evidence, load, reference, run, selftest

    parser = Parser(
        prog="callproof",
        description="Conformance and end-to-end tests for contact-center platforms.",
        epilog="Arguments after '--' go to pytest (run, test) or to the reference.",
    )
    parser.add_argument("--version", action="version", version=f"callproof {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    table: list[tuple[str, str, Callable[[argparse.ArgumentParser], None], Executor]] = [
        (
            "run",
            "run the conformance suite (default SUT: the embedded reference)",
            run.add_arguments,
            _run,
        ),
        (
            "test",
            "run the harness's own tests and the conformance suite (CI)",
            selftest.add_arguments,
            _test,
        ),
        ("doctor", "check this machine and explain what is missing", doctor.add_arguments, _doctor),
        (
            "reference",
            "start the reference contact center alone (until Ctrl-C)",
            reference.add_arguments,
            _reference,
        ),
        (
            "evidence",
            "zip everything the last run kept about some Call IDs, with a README, for support",
            evidence.add_arguments,
            _evidence,
        ),
        ("load", "load on Locust, every call's audio verified", load.add_arguments, _load),
    ]
    for name, summary, add_arguments, executor in table:
        sub = commands.add_parser(name, help=summary, description=summary)
        add_arguments(sub)
        sub.set_defaults(execute=executor)
    commands.add_parser(
        "bench", help="run the benchmarks (arguments go to harness.bench)", add_help=False
    )
    return parser


def split_passthrough(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(ours, theirs): what comes after the first ``--`` is passed through untouched."""
    arguments = list(argv)
    if "--" in arguments:
        index = arguments.index("--")
        return arguments[:index], arguments[index + 1 :]
    return arguments, []


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``callproof`` command; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments[:1] == ["bench"]:
            from harness.cli import bench

            return bench.execute(arguments[1:])
        ours, theirs = split_passthrough(arguments)
        args = build_parser().parse_args(ours)
        args.argv = arguments  # what the user typed, for the command that reruns a run
        execute: Executor = args.execute
        return execute(args, theirs)
    except CliError as error:
        return report(error)
    except KeyboardInterrupt:
        print("callproof: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
