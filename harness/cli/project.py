"""Where things are: the project root and the paths the CLI hands to pytest."""

from __future__ import annotations

import os
from pathlib import Path

import harness


def project_root() -> Path:
    """The checkout the CLI runs in (the directory holding ``pyproject.toml``).

    The package is installed in editable mode by ``./callproof``, so the checkout is the
    parent of the ``harness`` package; the working directory is the fallback.
    """
    candidate = Path(harness.__file__).resolve().parent.parent
    if (candidate / "pyproject.toml").is_file():
        return candidate
    return Path.cwd()


def resolve_user_path(path: str, root: Path, cwd: Path | None = None) -> Path:
    """An absolute path for ``path`` as the user typed it, relative to their directory."""
    given = Path(path)
    return given if given.is_absolute() else (cwd or Path.cwd()) / given


def for_pytest(path: Path, root: Path) -> str:
    """``path`` relative to the project root when inside it: pytest runs from the root and
    node IDs then read ``features/…`` rather than an absolute path."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def shown(path: Path) -> str:
    """``path`` as the user best reads it: relative to their directory when below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative
