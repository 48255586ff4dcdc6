"""Turn pytest's per-phase reports into one :class:`ItemResult` per item.

pytest reports each item three times (setup, call, teardown); under pytest-xdist those
reports reach the controller from the workers, carrying only serialisable data: the phase
outcome, ``longrepr`` and ``user_properties``. Everything the report needs about an item is
therefore put into ``user_properties`` on the side that collected it (see
:func:`properties_for`), and read back here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from harness.reporting.model import ItemResult, Status

#: user_properties names this module understands.
REQUIREMENTS = "requirements"
REFERENCE_CHOICE = "reference_choice"
SCENARIO = "scenario"
CALL_IDS = "call_ids"
VERDICT = "verdict"
SUT = "sut"
EVIDENCE = "evidence"
UNDEFINED_STEP = "undefined_step"

_MAX_MESSAGE = 4000


class PhaseReport(Protocol):
    """The part of ``pytest.TestReport`` this module reads."""

    @property
    def nodeid(self) -> str: ...
    @property
    def when(self) -> str | None: ...
    @property
    def outcome(self) -> str: ...
    @property
    def duration(self) -> float: ...
    @property
    def longrepr(self) -> Any: ...
    @property
    def user_properties(self) -> list[tuple[str, object]]: ...
    @property
    def location(self) -> tuple[str, int | None, str]: ...


def _as_strings(value: object) -> list[str]:
    """A property value given as one string or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return [str(v) for v in value]
    return [str(value)]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def failure_message(longrepr: object) -> str:
    """The short form of a failure: the crash message, or the tail of the long text."""
    crash = getattr(longrepr, "reprcrash", None)
    message = getattr(crash, "message", None)
    text = message if isinstance(message, str) and message.strip() else str(longrepr)
    return text if len(text) <= _MAX_MESSAGE else "…" + text[-_MAX_MESSAGE:]


def skip_reason(report: PhaseReport) -> str:
    """Why an item was skipped (or the reason it is expected to fail)."""
    xfail = getattr(report, "wasxfail", None)
    if isinstance(xfail, str):
        return f"expected failure: {xfail}" if xfail else "expected failure"
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
        return reason.removeprefix("Skipped: ")
    return str(longrepr) if longrepr is not None else ""


@dataclass
class _Partial:
    status: Status | None = None
    duration: float = 0.0
    message: str | None = None
    properties: list[tuple[str, object]] = field(default_factory=list)
    location: tuple[str, int | None, str] = ("", None, "")


class OutcomeTracker:
    """Accumulates phase reports; :meth:`add` returns an item's result once it is final."""

    def __init__(self) -> None:
        self._open: dict[str, _Partial] = {}

    def add(self, report: PhaseReport) -> ItemResult | None:
        """Record one phase report; the item's result when this was its last phase."""
        partial = self._open.setdefault(report.nodeid, _Partial())
        partial.duration += report.duration or 0.0
        partial.location = report.location
        if report.user_properties:
            # Each phase's report carries the item's whole list so far: keep the latest.
            partial.properties = list(report.user_properties)
        if report.when in ("setup", "call"):
            self._phase(partial, report)
            return None
        if report.outcome == "failed" and partial.status != "failed":
            # A teardown error (or a crashed xdist worker, phase "???") fails the item.
            partial.status = "failed"
            prefix = "error in teardown: " if report.when == "teardown" else ""
            partial.message = prefix + failure_message(report.longrepr)
        del self._open[report.nodeid]
        return build_result(report.nodeid, partial.status or "skipped", partial)

    @staticmethod
    def _phase(partial: _Partial, report: PhaseReport) -> None:
        if report.outcome == "failed":
            partial.status = "failed"
            prefix = "error in setup: " if report.when == "setup" else ""
            partial.message = prefix + failure_message(report.longrepr)
        elif report.outcome == "skipped":
            partial.status = "skipped"
            partial.message = skip_reason(report)
        elif report.when == "call":
            partial.status = "passed"


def build_result(nodeid: str, status: Status, partial: _Partial) -> ItemResult:
    """Assemble the result from the phases' outcome and the item's properties."""
    requirements: list[str] = []
    call_ids: list[str] = []
    evidence: list[str] = []
    verdicts: list[str] = []
    undefined: list[str] = []
    reference_choice = False
    scenario: Mapping[str, object] = {}
    for name, value in partial.properties:
        if name == REQUIREMENTS:
            requirements.extend(_as_strings(value))
        elif name == REFERENCE_CHOICE:
            reference_choice = reference_choice or bool(value)
        elif name == SCENARIO and isinstance(value, Mapping):
            scenario = value
        elif name == CALL_IDS:
            call_ids.extend(_as_strings(value))
        elif name == EVIDENCE:
            evidence.extend(_as_strings(value))
        elif name == VERDICT and value:
            verdicts.append(str(value))
        elif name == UNDEFINED_STEP:
            undefined.append(str(value))
    feature = scenario.get("feature")
    feature_name = scenario.get("feature_name")
    name = str(scenario.get("name") or partial.location[2] or nodeid)
    return ItemResult(
        nodeid=nodeid,
        name=name,
        status=status,
        duration=partial.duration,
        feature=str(feature) if feature else None,
        feature_name=str(feature_name) if feature_name else None,
        requirements=_unique(requirements),
        reference_choice=reference_choice,
        call_ids=_unique(call_ids),
        verdict="\n".join(_unique(verdicts)) or None,
        evidence=_unique(evidence),
        message=partial.message if status != "passed" else None,
        undefined_steps=_unique(undefined),
        gherkin=scenario or None,
    )


def sut_of(properties: Sequence[tuple[str, object]]) -> tuple[str, str] | None:
    """(name, version) from the last ``("sut", {...})`` property, if any."""
    found: tuple[str, str] | None = None
    for name, value in properties:
        if name == SUT and isinstance(value, Mapping) and value.get("name"):
            found = (str(value["name"]), str(value.get("version") or "unknown"))
    return found
