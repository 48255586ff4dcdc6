"""Requirement attribution comes from the Scenario's tags only.

A scenario helper or a step that names a requirement in its ConformanceFailure would blame that
requirement in every scenario using it (a ring timeout is not AC-ANS-9 inside an H-SEC-3
scenario), so each of them passes ``()`` and the report takes the scenario's tags.
"""

from __future__ import annotations

import ast
import re
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


# Where a requirement ID may stand in a string: examples of a tag expression in the CLI's help,
# the post-conditions every scenario meets whatever its tags (H-REL-2), and the step phrase that
# repeats the Gherkin of the scenario proving them.
NAMING_ALLOWED = {
    ROOT / "harness" / "cli" / "run.py",
    ROOT / "harness" / "runtime" / "postconditions.py",
    ROOT / "steps" / "reliability.py",
}
REQUIREMENT_IN_TEXT = re.compile(r"\b(?:AC|ZT|SG|CC|H)-[A-Z]+-\d+\b")


def _named_requirements(tree: ast.AST) -> list[tuple[int, str]]:
    """Line and text of each string constant, docstrings aside, that names a requirement."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and REQUIREMENT_IN_TEXT.search(node.value)
    ]


def test_no_message_of_the_harness_names_a_requirement() -> None:
    sources = sorted([*(ROOT / "harness").rglob("*.py"), *(ROOT / "steps").glob("*.py")])
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
        for path in sources
        if path not in NAMING_ALLOWED
        for line, text in _named_requirements(ast.parse(path.read_text(), str(path)))
    ]
    assert not found, "requirement IDs come from the scenario's tags only:\n" + "\n".join(found)


def test_the_text_check_sees_an_id_in_a_message_but_not_in_a_docstring() -> None:
    source = '"""About H-EVD-1."""\nREQ = "H-EVD-1"\nOK = "no id here"\n'
    assert _named_requirements(ast.parse(source)) == [(2, "H-EVD-1")]
