"""The one way the CLI reports a problem: ``callproof: error: … (hint: …)`` and an exit code."""

from __future__ import annotations

import sys
from typing import TextIO

#: Exit code for a command that could not start (bad arguments, missing prerequisite).
USAGE = 2


class CliError(Exception):
    """A problem the user can fix; shown as one line, never as a traceback."""

    def __init__(self, message: str, hint: str, code: int = USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code

    def line(self) -> str:
        """The single line printed for this error."""
        return format_error(self.message, self.hint)


def format_error(message: str, hint: str) -> str:
    """``callproof: error: <message> (hint: <hint>)``."""
    return f"callproof: error: {message} (hint: {hint})"


def report(error: CliError, stream: TextIO | None = None) -> int:
    """Print ``error`` on stderr; returns its exit code."""
    print(error.line(), file=stream or sys.stderr, flush=True)
    return error.code
