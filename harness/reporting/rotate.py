"""Keep the previous run's reports when a new run starts.

A run never deletes what the last run wrote: at the moment it really starts, everything in
the reports directory moves to ``previous/`` (replacing the older ``previous/``). A run that
fails before that point leaves the directory untouched, and a run that ran nothing (no
test collected) never pushes the last real run out of ``previous/``.

Because a rotation moves whole directories, it only happens in a directory that is clearly a
reports directory (see :func:`reports_dir_problem`), never in, say, the project root passed
by mistake.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

PREVIOUS = "previous"
CONFORMANCE = "conformance.json"
#: Written at the start of every run so that a later run knows the directory is ours.
MARKER = ".callproof-reports"
#: Entries a reports directory may hold before any run wrote the marker.
KNOWN_ENTRIES = frozenset(
    {
        PREVIOUS,
        MARKER,
        "README.md",
        "allure-results",
        "allure-report",
        "report.html",
        "junit.xml",
        "cucumber.json",
        "conformance.json",
        "evidence",
    }
)
#: Entries that stay in place when the others move to previous/.
_KEPT = frozenset({PREVIOUS, "README.md"})
_STAGING = ".previous-staging"


def reports_dir_problem(reports_dir: Path) -> str | None:
    """Why ``reports_dir`` cannot receive reports, or None when it can."""
    if reports_dir.exists() and not reports_dir.is_dir():
        return f"{reports_dir} exists and is not a directory"
    if not reports_dir.exists() or (reports_dir / MARKER).exists():
        return None
    foreign = sorted(p.name for p in reports_dir.iterdir() if p.name not in KNOWN_ENTRIES)
    if foreign:
        shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
        return f"{reports_dir} holds files that are not reports ({shown})"
    return None


def rotate(reports_dir: Path) -> Path | None:
    """Move the last run's reports into ``previous/`` and mark the directory as ours.

    Returns the ``previous/`` directory when something moved, None when there was nothing
    to keep. Raises ValueError when :func:`reports_dir_problem` objects to the directory.
    """
    problem = reports_dir_problem(reports_dir)
    if problem is not None:
        raise ValueError(problem)
    reports_dir.mkdir(parents=True, exist_ok=True)
    staging = reports_dir / _STAGING
    if staging.exists():
        # Left by an interrupted rotation: its content is the newest run, keep that.
        _replace(staging, reports_dir / PREVIOUS)
    movable = [p for p in reports_dir.iterdir() if p.name not in _KEPT and p.name != MARKER]
    moved: Path | None = None
    if movable and not _worth_keeping(reports_dir, movable):
        # A run that ran nothing (it stopped before writing, or collected no test): keep
        # previous/, which still holds the last run that did.
        for entry in movable:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    elif movable:
        # Stage first so that the old previous/ is only dropped once the new one is complete.
        staging.mkdir()
        for entry in movable:
            entry.rename(staging / entry.name)
        moved = _replace(staging, reports_dir / PREVIOUS)
    (reports_dir / MARKER).write_text("reports written by callproof\n", encoding="utf-8")
    return moved


def _worth_keeping(reports_dir: Path, entries: list[Path]) -> bool:
    """Whether the last run left anything a reader could want."""
    if not any(_holds_files(p) for p in entries):
        return False
    try:
        data = json.loads((reports_dir / CONFORMANCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True  # no summary (an interrupted run): its partial results still count
    tests = data.get("totals", {}).get("tests", {}) if isinstance(data, dict) else {}
    return not (isinstance(tests, dict) and tests.get("total") == 0)


def _holds_files(path: Path) -> bool:
    if not path.is_dir() or path.is_symlink():
        return True
    return any(not p.is_dir() for p in path.rglob("*"))


def _replace(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    source.rename(target)
    return target
