"""pytest plugin: requirement traceability, progress lines and the run's report files.

Load it with ``-p harness.reporting.plugin``. It works with and without pytest-xdist:

- wherever items are collected (the only process, or each xdist worker), every item gets
  its requirement IDs, reference-choice flag and scenario identity in ``user_properties``;
  scenarios and fixtures may add ``("call_ids", [...])``, ``("verdict", text)``,
  ``("sut", {"name", "version"})`` and ``("evidence", [paths])`` themselves;
- ``user_properties`` travel with each phase report (xdist serialises them), and so does
  pytest-bdd's record of each scenario's steps (:mod:`harness.reporting.gherkin`), so the
  controller alone prints progress and writes ``conformance.json``, ``cucumber.json`` and
  ``report.html`` into ``--callproof-reports DIR``, whose previous content first moves to
  ``previous/``;
- the run has one seed (``--callproof-seed``, or a fresh one the controller hands to its
  workers): before each item, Python's ``random`` and Faker are reseeded from it and the
  item's node ID; ``--callproof-repeat N`` runs each item N times (an ``rIofN`` parameter);
  ``--callproof-require-coverage`` turns untested requirements of the named groups into a
  failed run.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import shutil
import sys
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import harness
from harness.reporting import outcomes
from harness.reporting.allure_gherkin import AllureGherkin
from harness.reporting.catalogue import REQUIREMENT_ID, Catalogue, CatalogueError, load_catalogue
from harness.reporting.gherkin import ScenarioCarrier, steps_of, tags_of
from harness.reporting.model import RunReport, StepResult, repeat_index, strip_repeat
from harness.reporting.progress import SEPARATOR, progress_line, section_of, shorten
from harness.reporting.rotate import reports_dir_problem, rotate
from harness.reporting.writers import write_reports
from harness.runtime import seeding

#: Tags (markers) that flag a scenario as checking a choice the source documents leave open.
REFERENCE_CHOICE_MARKERS = frozenset({"reference-choice", "reference_choice"})
DEFAULT_CATALOGUE = Path("fixtures") / "requirements.yaml"
_CONTROLLER = "callproof-controller"
_CARRIER = "callproof-scenario-carrier"
_ALLURE = "callproof-allure-gherkin"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("callproof", "callproof reports")
    group.addoption(
        "--callproof-reports",
        metavar="DIR",
        default=None,
        help="write conformance.json and report.html into DIR (its last content moves to "
        "DIR/previous/)",
    )
    group.addoption(
        "--callproof-catalogue",
        metavar="PATH",
        default=None,
        help=f"requirement catalogue (default: <rootdir>/{DEFAULT_CATALOGUE})",
    )
    group.addoption(
        "--callproof-seed",
        metavar="N",
        default=None,
        help="seed of the run's random data (default: a fresh one, printed and reported)",
    )
    group.addoption(
        "--callproof-repeat",
        metavar="N",
        type=int,
        default=1,
        help="run every selected item N times and report per-item pass counts and flakes",
    )
    group.addoption(
        "--callproof-require-coverage",
        metavar="GROUP[,GROUP]",
        default=None,
        help="fail the run when a requirement of these catalogue groups or ID prefixes "
        "(e.g. AC-ANS,H-SEC, or all) is untested",
    )
    group.addoption(
        "--callproof-command",
        metavar="COMMAND",
        default=None,
        help="the command line that reruns this run, as the report should show it",
    )
    group.addoption(
        "--callproof-no-progress",
        action="store_true",
        default=False,
        help="keep pytest's own progress output instead of one line per item",
    )


def _requirement_key(requirement_id: str) -> tuple[str, int]:
    prefix, _, number = requirement_id.rpartition("-")
    return prefix, int(number)


def _scenario_identity(item: pytest.Item, rootpath: Path) -> dict[str, Any] | None:
    """Name and feature of a pytest-bdd scenario item; None for any other item."""
    try:
        from pytest_bdd.parser import render_string
        from pytest_bdd.scenario import scenario_wrapper_template_registry
    except ImportError:
        return None
    function = getattr(item, "obj", None)
    if not callable(function):
        return None
    try:
        template = scenario_wrapper_template_registry.get(function)
    except TypeError:  # not weak-referenceable, so not a scenario wrapper
        return None
    if template is None:
        return None
    name = template.name
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        example = callspec.params.get("_pytest_bdd_example")
        rendered = render_string(name, example) if isinstance(example, dict) else name
        # The run of a --repeat series is reported apart; it is not part of the name.
        params = strip_repeat(f"x[{callspec.id}]").removeprefix("x")
        if rendered != name:
            name = rendered
        elif params:
            name = f"{name} {params}"
    feature = Path(template.feature.filename)
    try:
        shown = feature.relative_to(rootpath).as_posix()
    except ValueError:
        shown = feature.as_posix()
    example = callspec.params.get("_pytest_bdd_example") if callspec is not None else None
    rendered_steps = template.render(example if isinstance(example, dict) else {}).steps
    return {
        "name": name,
        "feature": shown,
        "feature_name": template.feature.name,
        # What the Gherkin reports need even for a scenario that never started (skipped or
        # failed in set-up): its place in the file, its tags and its steps as written.
        "keyword": template.keyword,
        "line": template.line_number,
        "description": template.description or "",
        "tags": sorted(template.tags),
        "steps": [[step.keyword, step.name, step.line_number] for step in rendered_steps],
        "feature_keyword": template.feature.keyword,
        "feature_line": template.feature.line_number,
        "feature_description": template.feature.description or "",
        "feature_tags": sorted(template.feature.tags),
    }


def properties_for(item: pytest.Item, rootpath: Path) -> list[tuple[str, object]]:
    """The ``user_properties`` this plugin adds to an item at collection."""
    names = {mark.name for mark in item.iter_markers()}
    requirements = sorted((n for n in names if REQUIREMENT_ID.match(n)), key=_requirement_key)
    properties: list[tuple[str, object]] = []
    if requirements:
        properties.append((outcomes.REQUIREMENTS, requirements))
    if names & REFERENCE_CHOICE_MARKERS:
        properties.append((outcomes.REFERENCE_CHOICE, True))
    identity = _scenario_identity(item, rootpath)
    if identity is not None:
        properties.append((outcomes.SCENARIO, identity))
    return properties


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        item.user_properties.extend(properties_for(item, config.rootpath))


@pytest.hookimpl(optionalhook=True)
def pytest_bdd_step_func_lookup_error(request: pytest.FixtureRequest, step: Any) -> None:
    """Remember an undefined step on the item so that the controller can name it."""
    text = f"{str(step.keyword).strip()} {step.name}".strip()
    request.node.user_properties.append((outcomes.UNDEFINED_STEP, text))


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


SEED_KEY = pytest.StashKey[int]()
_WORKER_SEED = "callproof_seed"
REPEAT_PARAM = "callproof_repeat"


def _run_seed(config: pytest.Config) -> int:
    """The controller's seed on a worker; otherwise ``--callproof-seed`` or a fresh one."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and _WORKER_SEED in workerinput:
        return int(workerinput[_WORKER_SEED])
    given = config.getoption("callproof_seed")
    if given is None:
        return seeding.draw()
    try:
        return seeding.parse(str(given))
    except ValueError as exc:
        raise pytest.UsageError(f"--callproof-seed: {exc}") from None


def _required_groups(config: pytest.Config, catalogue: Catalogue) -> tuple[str, ...]:
    """``--callproof-require-coverage`` checked against the catalogue's groups and IDs."""
    given = config.getoption("callproof_require_coverage")
    if given is None:
        return ()
    try:
        return catalogue.selection(str(given))
    except ValueError as exc:
        raise pytest.UsageError(f"--callproof-require-coverage: {exc}") from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``--callproof-repeat N``: every item N times, told apart by an ``rIofN`` parameter."""
    count = metafunc.config.getoption("callproof_repeat", 1) or 1
    if count > 1:
        metafunc.fixturenames.append(REPEAT_PARAM)
        metafunc.parametrize(
            REPEAT_PARAM,
            range(1, count + 1),
            ids=[f"r{i}of{count}" for i in range(1, count + 1)],
        )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    seed = item.config.stash.get(SEED_KEY, None)
    if seed is not None:
        seeding.reseed(seed, item.nodeid)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # tryfirst: a bad reports directory or catalogue stops the run before other plugins
    # start anything (a SUT process, xdist workers).
    catalogue = _load_catalogue(config)
    _register_markers(config, catalogue)
    if (config.getoption("callproof_repeat", 1) or 1) < 1:
        raise pytest.UsageError("--callproof-repeat: needs 1 or more")
    config.stash[SEED_KEY] = _run_seed(config)
    # Workers and controller alike: pytest-bdd's scenario records travel with the reports.
    config.pluginmanager.register(ScenarioCarrier(), _CARRIER)
    config.pluginmanager.register(AllureGherkin(catalogue), _ALLURE)
    if _is_worker(config):
        return
    reports = config.getoption("callproof_reports")
    reports_dir = Path(reports).resolve() if reports else None
    if reports_dir is not None:
        problem = reports_dir_problem(reports_dir)
        if problem is not None:
            raise pytest.UsageError(f"--callproof-reports: {problem}")
    controller = Controller(config, catalogue, reports_dir)
    controller.report.required_coverage = _required_groups(config, catalogue)
    config.pluginmanager.register(controller, _CONTROLLER)


def _register_markers(config: pytest.Config, catalogue: Catalogue) -> None:
    """Declare requirement IDs as markers: ``pytest --markers`` lists them and
    ``--strict-markers`` accepts them."""
    config.addinivalue_line(
        "markers", "reference-choice: checks a choice the source documents leave open"
    )
    for requirement in catalogue.requirements():
        statement = shorten(" ".join(requirement.statement.split()), 100)
        config.addinivalue_line("markers", f"{requirement.id}: {statement}")


def pytest_unconfigure(config: pytest.Config) -> None:
    for name in (_CONTROLLER, _CARRIER, _ALLURE):
        plugin = config.pluginmanager.get_plugin(name)
        if plugin is not None:
            config.pluginmanager.unregister(plugin)


def _load_catalogue(config: pytest.Config) -> Catalogue:
    given = config.getoption("callproof_catalogue")
    path = Path(given) if given else config.rootpath / DEFAULT_CATALOGUE
    if not path.exists():
        if given:
            raise pytest.UsageError(f"--callproof-catalogue: {path} does not exist")
        return Catalogue.empty()
    try:
        return load_catalogue(path)
    except CatalogueError as exc:
        raise pytest.UsageError(f"requirement catalogue {path}: {exc}") from exc


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Controller:
    """The controller side: progress lines, undefined steps, report files."""

    def __init__(
        self, config: pytest.Config, catalogue: Catalogue, reports_dir: Path | None
    ) -> None:
        self.config = config
        self.reports_dir = reports_dir
        # At -v and above pytest already prints one line per item: keep its own output.
        self.progress = not config.getoption("callproof_no_progress") and (
            config.get_verbosity() <= 0
        )
        self.report = RunReport(
            catalogue=catalogue,
            harness_name="callproof",
            harness_version=harness.__version__,
            # Scenarios name the SUT and its version; until one does, the --sut option.
            sut_name=str(config.getoption("sut", None) or "unknown"),
        )
        self.report.seed = config.stash[SEED_KEY]
        self.report.command = tuple(_reproduce(config, self.report.seed))
        self.tracker = outcomes.OutcomeTracker()
        #: Steps and tags of scenarios whose result is not final yet, by node ID.
        self._gherkin: dict[str, tuple[tuple[StepResult, ...], tuple[str, ...]]] = {}
        self.total = 0
        self.written: tuple[Path, Path] | None = None
        self._section: str | None = None
        self._muting = False
        self._base_prefix = self._feature_base_prefix(config)

    @staticmethod
    def _feature_base_prefix(config: pytest.Config) -> str:
        try:
            base = config.getini("bdd_features_base_dir")
        except ValueError:  # pytest-bdd not loaded
            return ""
        if not base:
            return ""
        relative = os.path.relpath(config.rootpath / str(base), config.rootpath)
        return "" if relative == "." else Path(relative).as_posix() + "/"

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self) -> None:
        # The run really starts here: every plugin configured without error. Only now do the
        # previous reports move aside (tryfirst: before xdist starts its workers).
        self.report.started_at = _now()
        if self.reports_dir is not None and not self.config.option.collectonly:
            rotate(self.reports_dir)
            # allure-pytest created its directory while configuring; it must exist again.
            alluredir = self.config.getoption("allure_report_dir", None)
            if alluredir:
                Path(alluredir).mkdir(parents=True, exist_ok=True)
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if self.progress and terminal is not None:
            # pytest would print each test file's path before its dots; the section
            # headings written with the progress lines take its place.
            terminal.showfspath = False

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        # Every xdist worker derives its items' random data from the controller's seed.
        node.workerinput[_WORKER_SEED] = self.report.seed

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = max(self.total, len(session.items))

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        self.total = max(self.total, len(ids))

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(self, report: pytest.TestReport) -> Generator[None, Any, Any]:
        result = yield
        if self._muting and result:
            # Keep the category (pytest's counts and summary) but print no dot or word:
            # the line written in pytest_runtest_logreport replaces them.
            return (result[0], "", "")
        return result

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> Generator[None, Any, Any]:
        self._muting = self.progress
        try:
            return (yield)
        finally:
            self._muting = False
            self._record(report)

    def _record(self, report: pytest.TestReport) -> None:
        sut = outcomes.sut_of(report.user_properties)
        if sut is not None:
            self.report.sut_name, self.report.sut_version = sut
        # The call phase has the scenario's steps; teardown would report them again.
        steps = steps_of(report) if report.when == "call" else []
        if steps:
            step_results = tuple(StepResult(**step) for step in steps)
            self._gherkin[report.nodeid] = (step_results, tuple(tags_of(report)))
        result = self.tracker.add(report)
        if result is None:
            return
        step_results, tags = self._gherkin.pop(report.nodeid, ((), ()))
        result = dataclasses.replace(
            result, steps=step_results, tags=tags, repeat=repeat_index(result.nodeid)
        )
        self.report.results.append(result)
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if not self.progress or terminal is None:
            return
        key, heading = section_of(result, self._base_prefix)
        terminal.ensure_newline()
        if key != self._section:
            self._section = key
            terminal.write_line(heading, bold=True)
        # Cut long names to the terminal's width; in a log (CI) keep them whole.
        tty = sys.__stdout__ is not None and sys.__stdout__.isatty()
        width = shutil.get_terminal_size().columns if tty else 1000
        line = progress_line(len(self.report.results), self.total, result, self._base_prefix, width)
        terminal.write(line.head)
        terminal.write(line.word, **{line.colour: True})
        terminal.line(line.tail)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.report.finished_at = _now()
        if self.report.gate_failures() and exitstatus == pytest.ExitCode.OK:
            # The coverage gate: untested requirements in a required group fail the run.
            session.exitstatus = exitstatus = pytest.ExitCode.TESTS_FAILED
        self.report.exitstatus = int(exitstatus)
        if self.reports_dir is not None and not self.config.option.collectonly:
            self.written = write_reports(self.report, self.reports_dir)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for feature, step in self.report.undefined_steps():
            domain = _domain_of(feature, self._base_prefix)
            terminalreporter.write_line(
                f'callproof: error: {feature}: undefined step "{step}" '
                f"(hint: define it in steps/{domain}.py)",
                red=True,
            )
        verdict = self.report.verdict()
        colour = {"passed": "green", "incomplete": "yellow", "failed": "red"}[verdict.outcome]
        terminalreporter.write_line(f"callproof: verdict: {verdict.headline}", **{colour: True})
        if verdict.gate_failures:
            shown_ids = ", ".join(verdict.gate_failures[:20])
            more = len(verdict.gate_failures) - 20
            terminalreporter.write_line(
                f"callproof: untested in {', '.join(verdict.gate)}: {shown_ids}"
                + (f" and {more} more" if more > 0 else ""),
                red=True,
            )
        flaky = [s for s in self.report.series() if s.flaky]
        for series in flaky:
            terminalreporter.write_line(
                f"callproof: flaky: {series.feature or series.nodeid} {SEPARATOR} {series.name} "
                f"(passed {series.passed} of {series.runs})",
                yellow=True,
            )
        terminalreporter.write_line(
            f"callproof: seed {self.report.seed}; rerun with: {self.report.reproduce()}"
        )
        if self.written is not None:
            conformance, html = self.written
            terminalreporter.write_line(f"callproof: report: {html} (data: {conformance.name})")


def _reproduce(config: pytest.Config, seed: int) -> list[str]:
    """The command that reruns this run with its seed: the CLI's when it gave one, else
    pytest's own command line with ``--callproof-seed``."""
    given = config.getoption("callproof_command")
    if given:
        return shlex.split(str(given))
    args = [a for a in config.invocation_params.args if not a.startswith("--callproof-seed")]
    return ["pytest", *args, f"--callproof-seed={seed}"]


def _domain_of(feature: str, base_prefix: str) -> str:
    """``calls`` for ``features/calls/x.feature``: steps are grouped by domain folder."""
    relative = feature[len(base_prefix) :] if feature.startswith(base_prefix) else feature
    parts = relative.split("/")
    domain = parts[0] if len(parts) > 1 else Path(relative).stem
    return re.sub(r"\W", "_", domain) or "<domain>"
