"""The Allure HTML report, built by Allure 3 (the npm package ``allure``, Node only).

The generator lives in ``.tools/`` of the checkout (installed by the CLI's set-up step);
``allure generate <results> -o <dir>`` turns pytest's allure-results into a static site.
"""

from __future__ import annotations

import shutil
from pathlib import Path

TOOLS_DIR = ".tools"
#: What the set-up step installs with npm.
NPM_SPEC = "allure@3"


def allure_executable(root: Path) -> Path:
    """Where the ``allure`` command lands after ``npm install --prefix .tools``."""
    return root / TOOLS_DIR / "node_modules" / ".bin" / "allure"


def allure_available(root: Path) -> str | None:
    """None when the generator can run, else why not."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not allure_executable(root).exists():
        return f"{NPM_SPEC} is not installed in {TOOLS_DIR}/"
    return None


def generate_command(root: Path, results: Path, output: Path) -> list[str]:
    """The command that writes the static report for ``results`` into ``output``."""
    return [str(allure_executable(root)), "generate", str(results), "-o", str(output)]
