"""The ``./callproof`` bootstrap script, run by bash against fake Pythons (no network, no pip)."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "callproof"
TOOLS = ("bash", "dirname", "sha256sum", "cut", "cat", "rm", "tail", "mkdir", "cp", "chmod", "seq")

# A stand-in for .venv/bin/python: "-m pip ..." logs its arguments (and fails on demand);
# the entry point it would install is a script that prints what it was given.
FAKE_VENV_PYTHON = """#!/bin/bash
echo "$@" >> "$(dirname "$0")/../python-calls"
if [[ "$1 $2" == "-m pip" ]]; then
    if [[ -f "$(dirname "$0")/../pip-fails" ]]; then
        for i in $(seq 1 30); do echo "pip output line $i"; done
        echo "ERROR: No matching distribution found for numpy"
        exit 1
    fi
    printf '#!/bin/bash\\necho "callproof entry point: $*"\\n' > "$(dirname "$0")/callproof"
    chmod +x "$(dirname "$0")/callproof"
fi
"""

# A stand-in for the system's python3.11: a version check passes, "-m venv DIR" makes DIR.
FAKE_SYSTEM_PYTHON = """#!/bin/bash
if [[ "$1" == "-c" ]]; then exit 0; fi
if [[ "$1 $2" == "-m venv" ]]; then
    mkdir -p "$3/bin"
    cp "$(dirname "$0")/venv-python" "$3/bin/python"
    exit 0
fi
exit 3
"""


def _executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    shutil.copy(SCRIPT, tmp_path / "callproof")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found is not None, tool
        (bin_dir / tool).symlink_to(found)
    _executable(bin_dir / "venv-python", FAKE_VENV_PYTHON)
    return tmp_path


def _run(checkout: Path, *args: str, python: bool = True) -> subprocess.CompletedProcess[str]:
    bin_dir = checkout / "bin"
    if python:
        _executable(bin_dir / "python3.11", FAKE_SYSTEM_PYTHON)
    else:
        (bin_dir / "python3.11").unlink(missing_ok=True)
    return subprocess.run(
        [str(bin_dir / "bash"), str(checkout / "callproof"), *args],
        env={"PATH": str(bin_dir), "HOME": str(checkout)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _hash(checkout: Path) -> str:
    return hashlib.sha256((checkout / "pyproject.toml").read_bytes()).hexdigest()


def test_script_is_executable_and_strict() -> None:
    assert os.access(SCRIPT, os.X_OK)
    text = SCRIPT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text


def test_fresh_checkout_creates_the_venv_installs_and_hands_over(checkout: Path) -> None:
    result = _run(checkout, "run", "--tags", "AC-ANS-1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "installing Python packages…",
        "callproof entry point: run --tags AC-ANS-1",
    ]
    calls = (checkout / ".venv" / "python-calls").read_text().splitlines()
    assert calls == ["-m pip install --disable-pip-version-check --no-input -e .[dev]"]
    assert (checkout / ".venv" / ".callproof-installed").read_text().strip() == _hash(checkout)


def test_second_run_installs_nothing(checkout: Path) -> None:
    _run(checkout, "doctor")
    result = _run(checkout, "doctor")
    assert result.stdout.splitlines() == ["callproof entry point: doctor"]
    calls = (checkout / ".venv" / "python-calls").read_text().splitlines()
    assert len(calls) == 1


def test_changed_pyproject_reinstalls(checkout: Path) -> None:
    _run(checkout, "doctor")
    (checkout / "pyproject.toml").write_text("[project]\nname = 'y'\n")
    result = _run(checkout, "doctor")
    assert result.stdout.splitlines()[0] == "installing Python packages…"
    assert (checkout / ".venv" / ".callproof-installed").read_text().strip() == _hash(checkout)


def test_pip_failure_shows_the_tail_and_a_hint(checkout: Path) -> None:
    (checkout / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(checkout / "bin" / "venv-python", checkout / ".venv" / "bin" / "python")
    (checkout / ".venv" / "pip-fails").touch()
    result = _run(checkout, "run")
    assert result.returncode == 2
    err = result.stderr.splitlines()
    assert err[-2] == "ERROR: No matching distribution found for numpy"
    assert "pip output line 1\n" not in result.stderr
    assert "pip output line 30\n" in result.stderr
    assert err[-1].startswith("callproof: error: pip could not install")
    assert "(hint: " in err[-1]
    assert not (checkout / ".venv" / ".callproof-installed").exists()


def test_missing_python_is_one_clear_line(checkout: Path) -> None:
    result = _run(checkout, "run", python=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "callproof: error: Python 3.11 not found (as python3.11 or python3) "
        "(hint: apt-get install python3 python3-venv)\n"
    )
    assert not (checkout / ".venv").exists()
