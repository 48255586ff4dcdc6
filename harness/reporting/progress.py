"""One terminal line per finished scenario or test.

    Feature: Answered call — calls/answered_call.feature
    [ 7/31] calls/answered_call.feature > Verification calls after re-adding … PASSED 3.1s

(the separator printed is :data:`SEPARATOR`, a single right-pointing angle quote). The
lines replace pytest's dots; pytest's own summary at the end is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.reporting.model import ItemResult

SEPARATOR = "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"
WORDS = {"passed": "PASSED", "failed": "FAILED", "skipped": "SKIPPED"}
MARKUP = {"passed": "green", "failed": "red", "skipped": "yellow"}


def display_path(path: str, base_prefix: str) -> str:
    """``path`` without the feature base directory prefix (``features/``), when it has it."""
    if base_prefix and path.startswith(base_prefix):
        return path[len(base_prefix) :]
    return path


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the cut marked with an ellipsis."""
    if width <= 1:
        return "…" if text else ""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


@dataclass(frozen=True)
class ProgressLine:
    """A line in three parts so that the status word alone can be coloured."""

    head: str
    word: str
    tail: str
    colour: str

    def __str__(self) -> str:
        return f"{self.head}{self.word}{self.tail}"


def section_of(result: ItemResult, base_prefix: str) -> tuple[str, str]:
    """(key, heading) of the feature or test module the result belongs to."""
    if result.feature is not None:
        shown = display_path(result.feature, base_prefix)
        heading = f"Feature: {result.feature_name} — {shown}" if result.feature_name else shown
        return result.feature, heading
    module = result.nodeid.split("::", 1)[0]
    return module, module


def progress_line(
    index: int, total: int, result: ItemResult, base_prefix: str, width: int
) -> ProgressLine:
    """The line for the ``index``-th finished item out of ``total`` collected."""
    digits = len(str(max(total, index)))
    counter = f"[{index:>{digits}}/{total}] " if total else f"[{index}] "
    if result.feature is not None:
        label = f"{display_path(result.feature, base_prefix)} {SEPARATOR} {result.name}"
    else:
        label = result.nodeid
    word = WORDS[result.status]
    tail = f" {result.duration:.1f}s"
    room = width - len(counter) - len(word) - len(tail) - 1
    label = shorten(label, max(room, 20))
    return ProgressLine(f"{counter}{label} ", word, tail, MARKUP[result.status])
