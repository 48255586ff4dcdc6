"""``callproof test``: the harness's own tests and the conformance suite, in one session.

This is what CI runs. It installs the independent SIP peers the interop tests need
(SIPp, baresip) when they are missing, then runs ``pytest tests features`` with the same
reports as ``callproof run``. Paths given before ``--`` run instead of the two folders.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli import session as pytest_session
from harness.cli.errors import CliError
from harness.cli.project import for_pytest, project_root, resolve_user_path, shown
from harness.cli.run import (
    DEFAULT_SUT,
    add_reporting_arguments,
    apply_run_options,
    check_reports,
    check_required_coverage,
    check_workers,
    reports_dir,
)
from harness.cli.setup import ensure_allure, ensure_debian_tools

#: What one session covers, in this order; folders that do not exist yet are left out.
SUITES = ("tests", "features")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``test``'s options; pytest arguments go after ``--``."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="test or feature files and folders (default: tests/ and features/)",
    )
    add_reporting_arguments(parser, default_workers="1")


def paths_after_separator(extra: list[str], root: Path) -> list[str]:
    """The pytest arguments after ``--`` that name files or folders of the checkout: pytest
    would run them in addition to everything else, which is not what anyone means.

    A word right after an option (``-k tests``, ``--deselect tests/x.py::t``) may be that
    option's value, so it is never taken for a path.
    """
    stray = []
    previous = ""
    for arg in extra:
        after_option = previous.startswith("-") and "=" not in previous
        file_part = arg.split("::")[0]
        is_path = file_part and not arg.startswith("-") and (root / file_part).exists()
        if is_path and not after_option:
            stray.append(arg)
        previous = arg
    return stray


def execute(args: argparse.Namespace, extra: list[str]) -> int:
    """Ensure the tools, then run the one session."""
    root = project_root()
    given = [resolve_user_path(p, root) for p in getattr(args, "paths", [])]
    for path in given:
        if not path.exists():
            raise CliError(
                f"{shown(path)}: no such file or folder", "give paths under tests/ or features/"
            )
    stray = paths_after_separator(extra, root)
    if stray:
        raise CliError(
            f"{' '.join(stray)} after '--' would run in addition to tests/ and features/",
            f"give paths before '--': ./callproof test {' '.join(stray)}",
        )
    reports = reports_dir(args.reports, root)
    check_reports(reports)
    check_workers(args.workers)
    check_required_coverage(args.require_coverage, root)
    ensure_debian_tools("test")
    allure = ensure_allure(root)
    suites = [for_pytest(p, root) for p in given] or [
        name for name in SUITES if (root / name).exists()
    ]
    session = pytest_session.Session(
        root=root,
        paths=suites,
        reports=reports,
        workers=args.workers,
        sut=DEFAULT_SUT,
        extra=extra,
    )
    apply_run_options(session, args)
    return pytest_session.execute(session, allure, " and ".join(suites) or "the checkout")
