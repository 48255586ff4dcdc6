"""A refusal by the SUT during a step, reported for what it is.

When the SUT's API refuses an action (:class:`~harness.sut.contract.SutRefused`), what that
means depends on the step: in a When or Then step the scenario was exercising a documented
rule, so the refusal is a conformance failure of the rules the scenario is tagged with; in a
Given step the scenario was only setting the stage, so it is a set-up error and says so,
instead of counting as a verdict on the rule. Either way the report says which step, what was
refused and why, never a bare traceback.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from harness.reporting.catalogue import REQUIREMENT_ID
from harness.sut.contract import SutRefused

_REFUSED_IN = pytest.StashKey[tuple[str, str]]()


def describe(
    refusal: BaseException, step_type: str, step_text: str, requirements: list[str]
) -> str:
    """The one paragraph a failed item shows for a refusal in a step."""
    if step_type == "given":
        return (
            f"set-up error (not a verdict on any rule): the SUT refused an action while "
            f'setting up, in step "{step_text}": {refusal}'
        )
    ids = f"[{', '.join(requirements)}] " if requirements else ""
    return (
        f"{ids}the SUT refused an action the rule under test needs, in step "
        f'"{step_text}": {refusal}'
    )


class RefusalVerdicts:
    """pytest hooks that turn a refusal into the right kind of failure message."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_step_error(
        self, request: pytest.FixtureRequest, step: Any, exception: Exception
    ) -> None:
        if isinstance(exception, SutRefused):
            text = f"{str(step.keyword).strip()} {step.name}"
            request.node.stash[_REFUSED_IN] = (str(step.type), text)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, Any, Any]:
        report = yield
        where = item.stash.get(_REFUSED_IN, None)
        excinfo = call.excinfo
        if (
            report.when == "call"
            and where is not None
            and excinfo is not None
            and isinstance(excinfo.value, SutRefused)
        ):
            requirements = sorted(
                {m.name for m in item.iter_markers() if REQUIREMENT_ID.match(m.name)}
            )
            report.longrepr = describe(excinfo.value, where[0], where[1], requirements)
        return report
