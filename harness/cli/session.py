"""One pytest session with callproof's reporting, shared by ``run`` and ``test``.

pytest runs in a child process (the same interpreter) from the project root, so that its
configuration, conftest files and node IDs are those of the checkout wherever the user
typed the command. The child writes every report; the parent then builds the Allure
site and prints the summary.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.cli.errors import CliError
from harness.cli.project import shown
from harness.cli.setup import Completed, run_captured, tail
from harness.cli.summary import read_conformance, summary_lines
from harness.reporting.allure import generate_command
from harness.reporting.writers import CONFORMANCE_JSON, REPORT_HTML

#: The plugin that collects features and provides the SUT (--sut, --sut-url, --evidence-dir),
#: and the one that writes the reports.
SUT_PLUGIN = "harness.plugin"
REPORTING_PLUGIN = "harness.reporting.plugin"

# pytest's exit codes (pytest.ExitCode), spelled out to keep pytest out of the CLI's imports.
OK, TESTS_FAILED, INTERRUPTED, INTERNAL_ERROR, USAGE_ERROR, NO_TESTS = 0, 1, 2, 3, 4, 5


@dataclass
class Session:
    """What to run and where its reports go."""

    root: Path
    paths: list[str]
    reports: Path
    sut: str = "reference"
    sut_url: str | None = None
    workers: int = 1
    markexpr: str | None = None
    keyword: str | None = None
    exitfirst: bool = False
    extra: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    seed: int | None = None
    repeat: int = 1
    require_coverage: str | None = None
    #: The command line that reruns this run, shown in the reports.
    command: str | None = None

    def argv(self) -> list[str]:
        """The pytest command line."""
        argv = [sys.executable, "-m", "pytest", *self.paths]
        argv += ["-p", SUT_PLUGIN, "--sut", self.sut]
        if self.sut_url:
            argv += ["--sut-url", self.sut_url]
        argv += ["--evidence-dir", str(self.reports / "evidence")]
        argv += ["-p", REPORTING_PLUGIN, "--callproof-reports", str(self.reports)]
        argv += ["--alluredir", str(self.reports / "allure-results")]
        argv += ["--junitxml", str(self.reports / "junit.xml")]
        # Our progress lines replace pytest's; its right-hand percentage would be noise.
        argv += ["-o", "console_output_style=classic"]
        if self.seed is not None:
            argv += ["--callproof-seed", str(self.seed)]
        if self.repeat > 1:
            argv += ["--callproof-repeat", str(self.repeat)]
        if self.require_coverage:
            argv += ["--callproof-require-coverage", self.require_coverage]
        if self.command:
            argv += ["--callproof-command", self.command]
        if self.workers > 1:
            argv += ["-n", str(self.workers)]
        if self.markexpr:
            argv += ["-m", self.markexpr]
        if self.keyword:
            argv += ["-k", self.keyword]
        if self.exitfirst:
            argv.append("-x")
        return argv + list(self.extra)


def _run_pytest(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> int:
    """Run pytest attached to this terminal; Ctrl-C reaches it too (same process group)."""
    with subprocess.Popen(list(argv), cwd=cwd, env={**os.environ, **env}) as child:
        try:
            return child.wait()
        except KeyboardInterrupt:
            # pytest got the same SIGINT: let it write its reports and stop.
            return child.wait()


PytestRunner = Callable[[Sequence[str], Path, Mapping[str, str]], int]


def build_allure(
    root: Path, reports: Path, allure: Path | None, run: Callable[..., Completed] = run_captured
) -> Path | None:
    """Build ``reports/allure-report``; None (after one line saying why) when it cannot."""
    results = reports / "allure-results"
    if allure is None or not results.is_dir():
        return None
    output = reports / "allure-report"
    result = run(generate_command(root, results, output), None, 600.0)
    if result.returncode != 0 or not (output / "index.html").exists():
        print(tail(result.output, 5))
        print("the Allure HTML report is skipped: 'allure generate' failed")
        return None
    return output / "index.html"


def execute(
    session: Session,
    allure: Path | None,
    describe: str,
    run_pytest: PytestRunner = _run_pytest,
) -> int:
    """Run the session, build the Allure site, print the summary; returns the exit code.

    ``describe`` names what was collected, for the error when nothing was.
    """
    code = run_pytest(session.argv(), session.root, session.env)
    if code == NO_TESTS:
        raise CliError(
            f"no scenario or test was collected from {describe}",
            "check the paths, the --tags and -k expressions, and that the features are bound "
            "to step modules",
            code=NO_TESTS,
        )
    if code in (INTERNAL_ERROR, USAGE_ERROR):
        raise CliError("pytest could not start", "see its message above", code=code)
    allure_index = build_allure(session.root, session.reports, allure)
    data = read_conformance(session.reports / CONFORMANCE_JSON)
    if data is not None:
        report = shown(session.reports / REPORT_HTML)
        for line in summary_lines(data, report, shown(allure_index) if allure_index else None):
            print(line)
    if code == INTERRUPTED:
        raise CliError(
            "the run was interrupted before the end",
            "see the collection errors above, or it was stopped with Ctrl-C",
            code=code,
        )
    return code
