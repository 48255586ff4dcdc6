"""``callproof test``: the harness's own tests and the conformance suite, in one session.

This is what CI runs. It installs the independent SIP peers the interop tests need
(SIPp, baresip) when they are missing, then runs ``pytest tests features`` with the same
reports as ``callproof run``.
"""

from __future__ import annotations

import argparse

from harness.cli import session as pytest_session
from harness.cli.project import project_root
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
    add_reporting_arguments(parser, default_workers="1")


def execute(args: argparse.Namespace, extra: list[str]) -> int:
    """Ensure the tools, then run the one session."""
    root = project_root()
    reports = reports_dir(args.reports, root)
    check_reports(reports)
    check_workers(args.workers)
    check_required_coverage(args.require_coverage, root)
    ensure_debian_tools("test")
    allure = ensure_allure(root)
    suites = [name for name in SUITES if (root / name).exists()]
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
