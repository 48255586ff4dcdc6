"""``callproof reference``: start the reference contact center on its own.

It prints its addresses and a demo set-up, and runs until Ctrl-C; ``callproof run
--sut-url URL`` can then use it, as can a person with a SIP phone or a browser.
"""

from __future__ import annotations

import argparse

from harness.cli import values
from harness.cli.delegate import delegate

MODULE = "harness.reference.process"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options passed through to the reference process."""
    parser.add_argument(
        "--http-port", type=values.port, metavar="PORT", help="HTTP API and web pages"
    )
    parser.add_argument(
        "--sip-port", type=values.port, metavar="PORT", help="SIP edge (UDP and TCP)"
    )
    parser.add_argument("--data-dir", metavar="DIR", help="where the reference keeps its state")
    parser.add_argument("--no-demo", action="store_true", help="start without the demo set-up")


def reference_argv(args: argparse.Namespace) -> list[str]:
    """The reference process's own command line for the parsed options."""
    argv: list[str] = []
    if args.http_port is not None:
        argv += ["--http-port", str(args.http_port)]
    if args.sip_port is not None:
        argv += ["--sip-port", str(args.sip_port)]
    if args.data_dir is not None:
        argv += ["--data-dir", args.data_dir]
    if args.no_demo:
        argv.append("--no-demo")
    return argv


def execute(args: argparse.Namespace, extra: list[str]) -> int:
    """Run the reference in this process until it stops."""
    return delegate(MODULE, "the reference contact center", reference_argv(args) + extra)
