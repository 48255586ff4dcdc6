"""Argument types for numeric options: each bad value becomes one line naming the option.

argparse turns the ``ArgumentTypeError`` raised here into ``argument --sip-port: …``, which the
CLI prints as its usual one-line error with exit code 2, before anything starts.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

#: The highest TCP/UDP port number.
MAX_PORT = 65535


def port(text: str) -> int:
    """A port number, 0 (any free port) to 65535."""
    value = _whole(text)
    if not 0 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(
            f"a port is 0 to {MAX_PORT} (0: any free one), got {value}"
        )
    return value


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high`` (no upper bound when None)."""

    def parse(text: str) -> int:
        value = _whole(text)
        if value < low or (high is not None and value > high):
            bounds = f"{low} to {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {value}")
        return value

    parse.__name__ = "whole number"
    return parse


def seconds(text: str) -> float:
    """A duration in seconds: a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text}")
    return value


def _whole(text: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
