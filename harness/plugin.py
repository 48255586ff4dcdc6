"""The pytest plugin that runs features against a SUT.

* ``.feature`` files are collected directly (``pytest features/calls/answered_call.feature`` works).
* ``--sut`` picks the adapter, ``--sut-url`` joins a running reference; with xdist the controller
  starts one reference that every worker shares (each scenario still gets its own tenant).
* Scenarios tagged ``@needs:<capability>`` are skipped, with the reason, on an adapter without it;
  known deviations of an adapter come from ``fixtures/expectations/<adapter>.yaml``.
* Each scenario gets a journal, a cleanup stack, unique ids and a tenant; after it, leaks fail it
  and its evidence (SIP ladder, Call IDs) is attached to the report.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness import __version__
from harness.evidence.collector import Evidence
from harness.evidence.steps import StepEvidence
from harness.reporting import outcomes
from harness.runtime import postconditions
from harness.runtime.cleanup import Cleanup
from harness.runtime.ids import ScenarioIds
from harness.runtime.journal import Journal
from harness.runtime.portal import Portal, PortalTimeout
from harness.runtime.refusals import RefusalVerdicts
from harness.sut.contract import Adapter, Lifecycle, Tenant, TenantSource
from harness.sut.loader import AdapterNotFound, declared_capabilities, resolve
from harness.sut.reference_process import ReferenceProcess, SutUnavailable

#: The scenario fixtures (cast, flows, each domain's helper) that steps and integration tests use.
pytest_plugins = ["harness.scenario.fixtures"]

NEEDS = re.compile(r"^needs:(\w+)$")
URL_KEY = "callproof_sut_url"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("callproof")
    group.addoption("--sut", default="reference", help="SUT adapter: 'reference' or module:factory")
    group.addoption(
        "--sut-url", default=None, help="join a running reference: http://TOKEN@host:port"
    )
    group.addoption("--evidence-dir", default="reports/evidence", help="where evidence is written")


# -- collecting feature files ------------------------------------------------------------------
class FeatureModule(pytest.Module):
    """A ``.feature`` file seen as a test module whose tests are its scenarios."""

    def _getobj(self) -> types.ModuleType:
        module = types.ModuleType(f"features.{self.path.stem}")
        module.__file__ = str(self.path)
        code = compile(
            "from pytest_bdd import scenarios\nscenarios(_path)\n", str(self.path), "exec"
        )
        module.__dict__["_path"] = str(self.path)
        exec(code, module.__dict__)
        return module


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".feature":
        return FeatureModule.from_parent(parent, path=file_path)
    return None


# -- choosing and sharing the SUT ------------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(StepEvidence(), "callproof-step-evidence")
    config.pluginmanager.register(RefusalVerdicts(), "callproof-refusal-verdicts")
    spec = config.getoption("sut")
    try:
        factory = resolve(spec)
        capabilities = declared_capabilities(factory)
    except AdapterNotFound as exc:
        raise pytest.UsageError(
            f"{exc} (hint: --sut reference, or --sut package.module:factory)"
        ) from None
    config.stash[_FACTORY] = factory
    config.stash[_CAPS] = capabilities
    config.stash[_EXPECT] = _load_expectations(config.rootpath, getattr(factory, "name", spec))
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and workerinput.get(URL_KEY):
        config.option.sut_url = workerinput[URL_KEY]
    elif _is_xdist_controller(config) and spec == "reference" and not config.getoption("sut_url"):
        process = ReferenceProcess()
        try:
            address = process.start()
        except SutUnavailable as exc:
            raise pytest.UsageError(f"{exc} (hint: run 'callproof doctor')") from None
        config.stash[_SHARED] = process
        config.option.sut_url = address.url_with_token
        config.pluginmanager.register(_XdistBridge(address.url_with_token), "callproof-xdist")


def pytest_unconfigure(config: pytest.Config) -> None:
    process = config.stash.get(_SHARED, None)
    if process is not None:
        process.stop()


def _is_xdist_controller(config: pytest.Config) -> bool:
    return (
        not hasattr(config, "workerinput")
        and config.pluginmanager.hasplugin("xdist")
        and bool(config.getoption("numprocesses", None))
        and config.getoption("dist", "no") != "no"
    )


class _XdistBridge:
    def __init__(self, url: str) -> None:
        self.url = url

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[URL_KEY] = self.url


_FACTORY = pytest.StashKey[Any]()
_CAPS = pytest.StashKey[frozenset[str]]()
_EXPECT = pytest.StashKey[dict[str, str]]()
_SHARED = pytest.StashKey[ReferenceProcess]()


def _load_expectations(root: Path, adapter_name: str) -> dict[str, str]:
    """Known deviations: requirement ID or scenario name -> reason (the scenario: strict xfail)."""
    path = root / "fixtures" / "expectations" / f"{adapter_name}.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text()) or {}
    deviations = data.get("deviations") or []
    out: dict[str, str] = {}
    for entry in deviations:
        if not isinstance(entry, dict) or "reason" not in entry:
            raise pytest.UsageError(
                f"{path}: each deviation needs a 'reason' and a requirement or scenario"
            )
        key = entry.get("requirement") or entry.get("scenario")
        out[str(key)] = str(entry["reason"])
    return out


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    caps = config.stash[_CAPS]
    expectations = config.stash[_EXPECT]
    adapter = getattr(config.stash[_FACTORY], "name", config.getoption("sut"))
    for item in items:
        names = {m.name for m in item.iter_markers()}
        for name in sorted(names):
            match = NEEDS.match(name)
            if match and match.group(1) not in caps:
                reason = f"the {adapter} adapter lacks the capability '{match.group(1)}'"
                item.add_marker(pytest.mark.skip(reason=reason))
        scenario_name = getattr(getattr(item, "obj", None), "__scenario__", None)
        for key, reason in expectations.items():
            if key in names or (scenario_name is not None and key == scenario_name.name):
                item.add_marker(pytest.mark.xfail(reason=f"known deviation: {reason}", strict=True))


# -- session fixtures ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def portal() -> Iterator[Portal]:
    p = Portal()
    yield p
    p.close()


@pytest.fixture(scope="session")
def sut(request: pytest.FixtureRequest, portal: Portal) -> Iterator[Adapter]:
    config = request.config
    factory = config.stash[_FACTORY]
    adapter: Adapter = factory(url=config.getoption("sut_url"))
    try:
        portal.run(adapter.start(), timeout=60)
    except (SutUnavailable, PortalTimeout, OSError, ValueError) as exc:
        portal.run(adapter.stop(), timeout=30)
        hint = "check --sut-url and that the SUT is running, or run 'callproof doctor'"
        pytest.exit(f"callproof: error: the SUT is not usable: {exc} (hint: {hint})", 4)
    yield adapter
    portal.run(adapter.stop(), timeout=30)


@pytest.fixture(scope="session")
def sut_version(portal: Portal, sut: Adapter) -> str:
    return portal.run(sut.version())


# -- per-scenario fixtures -------------------------------------------------------------------
@pytest.fixture
def journal() -> Journal:
    return Journal()


@pytest.fixture
def ids() -> ScenarioIds:
    return ScenarioIds()


@pytest.fixture
def evidence(request: pytest.FixtureRequest, journal: Journal) -> Iterator[Evidence]:
    ev = Evidence(journal, Path(request.config.getoption("evidence_dir")), request.node.nodeid)
    ev.start()  # the packet capture, in memory until the scenario fails
    yield ev
    failed = any(
        getattr(request.node, f"rep_{when}", None) is not None
        and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    ev.finish(request.node, failed=failed)


@pytest.fixture
def cleanup(
    request: pytest.FixtureRequest, portal: Portal, evidence: Evidence
) -> Iterator[Cleanup]:
    """Finalizers run after the scenario; then post-conditions: any leak fails the scenario,
    and the report counts it against H-REL-2 as well as the scenario's own requirements."""
    stack = Cleanup()
    yield stack
    problems = portal.run(postconditions.settle(stack), timeout=60)
    if problems:
        request.node.user_properties.append((outcomes.REQUIREMENTS, [postconditions.REQUIREMENT]))
    postconditions.check(problems)


@pytest.fixture
def sut_instance(
    request: pytest.FixtureRequest, portal: Portal, sut: Adapter, cleanup: Cleanup
) -> TenantSource:
    """The SUT this scenario talks to: the shared one, or, tagged ``@needs:lifecycle``, an
    instance of its own that it may crash and restart without disturbing other scenarios."""
    if request.node.get_closest_marker("needs:lifecycle") is None:
        return sut
    lifecycle = getattr(sut, "lifecycle", None)
    if not isinstance(lifecycle, Lifecycle):
        raise CapabilityError(f"the {sut.name} adapter declares 'lifecycle' but has none")
    own = portal.run(lifecycle.start_own(), timeout=60)
    cleanup.push("the scenario's own SUT", own.stop)
    return own


class CapabilityError(TypeError):
    """An adapter declares a capability it does not implement."""


@pytest.fixture
def tenant(
    request: pytest.FixtureRequest,
    portal: Portal,
    sut: Adapter,
    sut_version: str,
    sut_instance: TenantSource,
    ids: ScenarioIds,
    journal: Journal,
    cleanup: Cleanup,
) -> Tenant:
    """This scenario's own account on the SUT, with the SUT's events fed into the journal."""
    request.node.user_properties.append(("sut", {"name": sut.name, "version": sut_version}))
    t = portal.run(sut_instance.open_tenant(ids.prefix))
    cleanup.push(f"tenant {ids.prefix}", t.close)
    if t.observation is not None:
        stop = portal.run(t.observation.subscribe(journal.record_event))
        cleanup.push("SUT event stream", stop)
    return t


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_report_header(config: pytest.Config) -> str:
    python = sys.version.split()[0]
    return f"callproof {__version__}, SUT adapter: {config.getoption('sut')}, python {python}"
