"""Recorded sipvicious 0.3.8 output (``-vvv``), captured against the reference on loopback."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent / "recorded"


def recorded(name: str) -> tuple[str, str]:
    """(stdout, stderr) of the recorded run ``name``."""
    return (HERE / f"{name}.stdout").read_text(), (HERE / f"{name}.stderr").read_text()
