"""Order statistics for benchmark figures, and the plain-text tables they are printed in.

A sample may be missing: a call on which no audio was heard at all. Missing samples are not
dropped. They count as later than any bound, so a run in which one call in ten stays silent
cannot show a p95 that looks fine; a statistic that lands on a missing sample has no value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

MISSING = "—"


def median(ordered: Sequence[float]) -> float:
    """The middle of ``ordered`` (sorted ascending); for an even size, the mean of both middles."""
    if not ordered:
        raise ValueError("the median of no values")
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(ordered: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile of ``ordered`` (sorted ascending), ``0 < q <= 100``.

    Nearest rank always returns an observed value: "p95 = 61 ms" then means that 95 % of the
    calls were at or below 61 ms, with no interpolation between two calls.
    """
    if not ordered:
        raise ValueError("a percentile of no values")
    if not 0 < q <= 100:
        raise ValueError(f"percentile {q!r} is outside (0, 100]")
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[rank - 1]


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Summary:
    """``n`` measured samples and ``missing`` ones; statistics over all of them (None: no value)."""

    n: int
    missing: int
    median: float | None
    p95: float | None
    max: float | None

    @classmethod
    def of(cls, samples: Iterable[float | None]) -> Summary:
        values = list(samples)
        missing = sum(1 for v in values if v is None)
        ordered = sorted(math.inf if v is None else v for v in values)
        if not ordered:
            return cls(0, 0, None, None, None)
        return cls(
            n=len(ordered) - missing,
            missing=missing,
            median=_finite(median(ordered)),
            p95=_finite(percentile(ordered, 95)),
            max=_finite(ordered[-1]),
        )

    def median_within(self, bound: float) -> bool:
        """The median has a value and it is at most ``bound``."""
        return self.median is not None and self.median <= bound

    def p95_within(self, bound: float) -> bool:
        """The p95 has a value and it is at most ``bound``."""
        return self.p95 is not None and self.p95 <= bound

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "missing": self.missing,
            "median": self.median,
            "p95": self.p95,
            "max": self.max,
        }


def per_minute(count: int, seconds: float) -> float | None:
    """``count`` events over ``seconds`` as a rate per minute (None when no time has passed)."""
    return count * 60 / seconds if seconds > 0 else None


def per_second(count: int, seconds: float) -> float | None:
    """``count`` events over ``seconds`` as a rate per second (None when no time has passed)."""
    return count / seconds if seconds > 0 else None


def number(value: float | None, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals, or a dash when there is none."""
    return MISSING if value is None else f"{value:.{digits}f}"


def yes_no(flag: bool) -> str:
    """A verdict cell of a table."""
    return "yes" if flag else "no"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A plain-text table; ``align`` holds one ``l`` or ``r`` per column (default: the first
    column left, the others right)."""
    columns = len(header)
    if any(len(row) != columns for row in rows):
        raise ValueError(f"every row needs {columns} cells")
    align = align or "l" + "r" * (columns - 1)
    if len(align) != columns or set(align) - {"l", "r"}:
        raise ValueError(f"align must be {columns} of 'l'/'r', got {align!r}")
    widths = [max(len(line[i]) for line in (header, *rows)) for i in range(columns)]

    def render(cells: Sequence[str]) -> str:
        parts = [
            cell.ljust(width) if side == "l" else cell.rjust(width)
            for cell, width, side in zip(cells, widths, align, strict=True)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join(render(line) for line in (header, *rows))
