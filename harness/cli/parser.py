"""The argument parser every ``callproof`` command line uses, ``callproof bench`` included.

It stands apart from :mod:`harness.cli.main` so that :mod:`harness.bench`, which ``main`` runs
by name, need not import ``main`` back.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from harness.cli.errors import format_error


class Parser(argparse.ArgumentParser):
    """argparse, with its errors in the CLI's one-line form."""

    def error(self, message: str) -> NoReturn:
        print(format_error(message, f"see '{self.prog} --help'"), file=sys.stderr)
        raise SystemExit(2)
