"""Requirement attribution comes from the Scenario's tags only.

A scenario helper or a step that names a requirement in its ConformanceFailure would blame that
requirement in every scenario using it (a ring timeout is not AC-ANS-9 inside an H-SEC-3
scenario), so each of them passes ``()`` and the report takes the scenario's tags.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted(
    [
        *(ROOT / "harness" / "scenario").glob("*.py"),
        *(ROOT / "harness" / "audit").glob("*.py"),
        *(ROOT / "steps").glob("*.py"),
    ]
)


def _failures(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "ConformanceFailure"
    ]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_conformance_failure_names_a_requirement(path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))
    named = [
        f"line {call.lineno}: {ast.unparse(call.args[0]) if call.args else '(no arguments)'}"
        for call in _failures(tree)
        if not (call.args and isinstance(call.args[0], ast.Tuple) and not call.args[0].elts)
    ]
    assert not named, f"{path.relative_to(ROOT)} attributes failures itself: {named}"


def test_the_check_sees_the_helpers_failures() -> None:
    calls = ROOT / "harness" / "scenario" / "calls.py"
    assert _failures(ast.parse(calls.read_text())), "no ConformanceFailure found in calls.py"
