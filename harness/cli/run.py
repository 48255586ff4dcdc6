"""``callproof run``: the conformance suite against a SUT (by default the embedded reference)."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import shlex
from pathlib import Path
from urllib.parse import urlsplit

from harness.cli import session as pytest_session
from harness.cli.errors import CliError
from harness.cli.project import for_pytest, project_root, resolve_user_path, shown
from harness.cli.setup import ensure_allure, ensure_debian_tools
from harness.reporting.rotate import reports_dir_problem
from harness.runtime import seeding

DEFAULT_SUT = "reference"
#: Upper bound for ``--workers auto``: scenarios wait on real-time media, so a few workers
#: per core pay off, but each worker holds its own parties and sockets.
MAX_AUTO_WORKERS = 4


def workers_value(text: str) -> int:
    """``N`` (1 or more) or ``auto`` (one per CPU, at most :data:`MAX_AUTO_WORKERS`)."""
    if text == "auto":
        return max(1, min(os.cpu_count() or 1, MAX_AUTO_WORKERS))
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("needs at least 1 worker")
    return value


def add_reporting_arguments(parser: argparse.ArgumentParser, default_workers: str) -> None:
    """Options shared with ``test``."""
    parser.add_argument(
        "-n",
        "--workers",
        type=workers_value,
        default=workers_value(default_workers),
        metavar="N|auto",
        help=f"parallel pytest-xdist workers (default: {default_workers}; 1 runs in one process)",
    )
    parser.add_argument(
        "--reports",
        metavar="DIR",
        default=None,
        help="where reports go (default: reports/ in the checkout); the last run's reports "
        "move to DIR/previous/",
    )
    parser.add_argument(
        "--seed",
        type=seed_value,
        default=None,
        metavar="N",
        help="seed of the scenarios' random data (default: a fresh one; the report shows it "
        "with the command that reruns the run)",
    )
    parser.add_argument(
        "--repeat",
        type=repeat_value,
        default=1,
        metavar="N",
        help="run the selection N times; the report counts passes per scenario and lists the "
        "flaky ones (passed and failed in the same series)",
    )
    parser.add_argument(
        "--require-coverage",
        metavar="GROUP[,GROUP]",
        default=None,
        help="exit non-zero when a requirement of these catalogue groups or ID prefixes "
        "(e.g. AC-ANS,H-SEC, or all) is untested, for CI gates",
    )


def seed_value(text: str) -> int:
    """``--seed``: a whole number, 0 or more."""
    try:
        return seeding.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


#: More runs than this is a soak test, not a flake hunt: use a loop around the command.
MAX_REPEAT = 1000


def repeat_value(text: str) -> int:
    """``--repeat``: how many times to run the selection, 1 to :data:`MAX_REPEAT`."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 1 <= value <= MAX_REPEAT:
        raise argparse.ArgumentTypeError(f"must be 1 to {MAX_REPEAT}, got {value}")
    return value


def check_expression(option: str, expression: str | None) -> None:
    """A ``--tags`` or ``-k`` expression must parse: one line quoting it, before pytest starts."""
    if expression is None:
        return
    # pytest's own parser (the one -m and -k use), so that what passes here passes there.
    from _pytest.mark.expression import Expression

    try:
        Expression.compile(expression)
    except SyntaxError as exc:
        raise CliError(
            f"{option} {expression!r} is not a valid expression: {exc.msg} "
            f"(at column {exc.offset})",
            "combine tags with and, or, not and parentheses, e.g. 'AC-ANS-1 or AC-ANS-2'",
        ) from None


def check_required_coverage(given: str | None, root: Path) -> None:
    """``--require-coverage`` must name groups or ID prefixes of the catalogue."""
    if given is None:
        return
    from harness.reporting.catalogue import CatalogueError, load_catalogue

    path = root / "fixtures" / "requirements.yaml"
    try:
        load_catalogue(path).selection(given)
    except (OSError, CatalogueError) as exc:
        raise CliError(
            f"cannot read the requirement catalogue {shown(path)}: {exc}",
            "restore fixtures/requirements.yaml from the checkout",
        ) from None
    except ValueError as exc:
        raise CliError(
            f"--require-coverage {given!r}: {exc}", "name catalogue groups such as AC-ANS,H-SEC"
        ) from None


def reproduce_command(argv: list[str], seed: int) -> list[str]:
    """The user's command with ``--seed`` set to the run's seed."""
    kept: list[str] = []
    skip = False
    for argument in argv:
        if skip:
            skip = False
            continue
        if argument == "--seed":
            skip = True
            continue
        if argument.startswith("--seed="):
            continue
        kept.append(argument)
    ours, theirs = (
        (kept, [])
        if "--" not in kept
        else (
            kept[: kept.index("--")],
            kept[kept.index("--") :],
        )
    )
    return ["./callproof", *ours, "--seed", str(seed), *theirs]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``run``'s options."""
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="feature files or folders (default: features/)"
    )
    parser.add_argument("--tags", metavar="EXPR", help="tag expression, e.g. 'AC-ANS-1 or CC-AH-3'")
    parser.add_argument("-k", dest="keyword", metavar="EXPR", help="scenario name expression")
    parser.add_argument(
        "--sut",
        default=DEFAULT_SUT,
        metavar="NAME",
        help="'reference' (default) or an adapter as package.module:factory",
    )
    parser.add_argument(
        "--sut-url",
        metavar="URL",
        help="use an already running reference at URL instead of starting one",
    )
    parser.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    add_reporting_arguments(parser, default_workers="auto")


def check_sut(spec: str) -> None:
    """The adapter spec must resolve; the loader's message becomes the error."""
    try:
        loader = importlib.import_module("harness.sut.loader")
    except ModuleNotFoundError as exc:
        if exc.name not in ("harness.sut", "harness.sut.loader"):
            raise
        raise CliError(
            "the adapter loader harness.sut.loader is missing from this checkout",
            "update the checkout, then run ./callproof again",
        ) from None
    try:
        loader.resolve(spec)
    except loader.AdapterNotFound as exc:
        raise CliError(
            str(exc), "--sut takes 'reference' or an importable 'package.module:factory'"
        ) from None


def check_sut_url(url: str) -> None:
    """A URL the adapter can connect to: http(s), a host and a port."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None:
        raise CliError(
            f"--sut-url {url!r} is not an http URL with a host and a port",
            "use the URL that 'callproof reference' prints when it starts",
        )


def check_paths(paths: list[Path]) -> None:
    """Every feature path must exist."""
    for path in paths:
        if not path.exists():
            raise CliError(
                f"{shown(path)}: no such feature file or folder",
                "give paths under features/, or none to run them all",
            )


def check_reports(reports: Path) -> None:
    """The reports directory must be one a run may rotate."""
    problem = reports_dir_problem(reports)
    if problem is not None:
        raise CliError(problem, "give --reports an empty directory or one callproof wrote")


def check_workers(workers: int) -> None:
    """Parallel runs need pytest-xdist."""
    if workers > 1 and importlib.util.find_spec("xdist") is None:
        raise CliError("pytest-xdist is not installed", "run ./callproof again, or pass -n 1")


def apply_run_options(session: pytest_session.Session, args: argparse.Namespace) -> None:
    """Seed, repeat, coverage gate and the command that reruns the run."""
    seed = args.seed if args.seed is not None else seeding.draw()
    argv = list(getattr(args, "argv", None) or [])
    session.seed = seed
    session.repeat = args.repeat
    session.require_coverage = args.require_coverage
    session.command = shlex.join(reproduce_command(argv, seed)) if argv else None


def reports_dir(given: str | None, root: Path) -> Path:
    """``--reports`` as an absolute path (default: ``reports/`` in the checkout)."""
    return resolve_user_path(given, root) if given else root / "reports"


def execute(args: argparse.Namespace, extra: list[str]) -> int:
    """Validate everything, then run; nothing is touched in reports/ before validation."""
    root = project_root()
    paths = [resolve_user_path(p, root) for p in args.paths] or [root / "features"]
    reports = reports_dir(args.reports, root)
    check_sut(args.sut)
    check_expression("--tags", args.tags)
    check_expression("-k", args.keyword)
    check_required_coverage(args.require_coverage, root)
    if args.sut_url:
        check_sut_url(args.sut_url)
    check_paths(paths)
    check_reports(reports)
    check_workers(args.workers)
    ensure_debian_tools("run")
    allure = ensure_allure(root)
    session = pytest_session.Session(
        root=root,
        paths=[for_pytest(p, root) for p in paths],
        reports=reports,
        sut=args.sut,
        sut_url=args.sut_url,
        workers=args.workers,
        markexpr=args.tags,
        keyword=args.keyword,
        exitfirst=args.exitfirst,
        extra=extra,
    )
    apply_run_options(session, args)
    return pytest_session.execute(session, allure, ", ".join(shown(p) for p in paths))
