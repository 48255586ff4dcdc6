"""``callproof bench``: benchmarks, run by ``harness.bench``; every argument goes to it."""

from __future__ import annotations

from collections.abc import Sequence

from harness.cli.delegate import delegate

MODULE = "harness.bench"


def execute(argv: Sequence[str]) -> int:
    """Run ``harness.bench.main(argv)``."""
    return delegate(MODULE, "the benchmarks", argv)
