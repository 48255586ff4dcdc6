"""``callproof evidence CALL_ID...``: everything the last run kept about some calls, in one zip.

Support asks for a call by its Call ID; this finds, in the reports of the last run, every
scenario whose evidence mentions it (the SUT's Call ID or a SIP Call-ID) and zips their
evidence folders with a README saying what each file is.
"""

from __future__ import annotations

import argparse
import re

from harness.cli.errors import CliError
from harness.cli.project import project_root, resolve_user_path, shown
from harness.evidence.bundle import NoEvidence, find_evidence, write_archive


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``evidence``'s arguments."""
    parser.add_argument(
        "call_ids", nargs="+", metavar="CALL_ID", help="the SUT's Call ID or a SIP Call-ID"
    )
    parser.add_argument(
        "--reports", metavar="DIR", default=None, help="reports directory (default: reports/)"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="ZIP",
        default=None,
        help="archive to write (default: evidence-<CALL_ID>.zip here); never overwritten",
    )


def default_output(call_ids: list[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", call_ids[0])[:80]
    more = f"-and-{len(call_ids) - 1}-more" if len(call_ids) > 1 else ""
    return f"evidence-{name}{more}.zip"


def execute(args: argparse.Namespace, extra: list[str]) -> int:
    """Write the archive; exit 2 with one line naming the problem when a Call ID is unknown."""
    if extra:
        raise CliError(f"unexpected arguments after '--': {' '.join(extra)}", "remove them")
    root = project_root()
    reports = resolve_user_path(args.reports, root) if args.reports else root / "reports"
    call_ids = list(dict.fromkeys(c.strip() for c in args.call_ids if c.strip()))
    if not call_ids:
        raise CliError("no Call ID given", "callproof evidence CALL-0000000042")
    output = resolve_user_path(args.output or default_output(call_ids), root)
    if output.exists():
        raise CliError(
            f"{shown(output)} already exists and is not overwritten", "give another path with -o"
        )
    if not output.parent.is_dir():
        raise CliError(f"no directory {shown(output.parent)} for the archive", "create it first")
    try:
        found = find_evidence(reports, call_ids)
    except NoEvidence as exc:
        raise CliError(
            str(exc),
            "check the Call ID (the call log's, or a SIP Call-ID from the ladder) and --reports",
        ) from None
    count = write_archive(output, call_ids, found, reports)
    folders = ", ".join(f.directory.name for f in found)
    print(f"{shown(output)}: {count} files from {len(found)} scenario(s): {folders}")
    return 0
