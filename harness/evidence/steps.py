"""Evidence attached to the Gherkin step that produced it.

The whole scenario's ladder and media table are attached to its Allure result at the end
(:mod:`harness.evidence.collector`). A reader looking at one step wants what *that* step did:
the SIP messages exchanged while it ran (the step that places a call gets its INVITE
transaction) and the media quality measured while it ran (the step that hangs up gets the
table of the call it ended). This plugin slices the scenario's journal at each step's start
and attaches the slice when the step ends, before allure-pytest-bdd closes the step.
"""

from __future__ import annotations

from typing import Any

import allure
import pytest

from harness.endpoints.events import SipTraced
from harness.evidence.ladder import render_ladder, render_quality
from harness.runtime.journal import Journal

_START = pytest.StashKey[int]()


def _journal(request: pytest.FixtureRequest) -> Journal | None:
    """The scenario's journal if the scenario uses one (scenarios without calls have none)."""
    if "journal" not in request.fixturenames:
        return None
    journal = request.getfixturevalue("journal")
    return journal if isinstance(journal, Journal) else None


class StepEvidence:
    """pytest-bdd hooks that attach each step's share of the SIP ladder and media quality."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_before_step(self, request: pytest.FixtureRequest, step: Any) -> None:
        journal = _journal(request)
        request.node.stash[_START] = len(journal.records()) if journal is not None else 0

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_after_step(self, request: pytest.FixtureRequest, step: Any) -> None:
        self._attach(request)

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_step_error(self, request: pytest.FixtureRequest, step: Any) -> None:
        self._attach(request)

    @staticmethod
    def _attach(request: pytest.FixtureRequest) -> None:
        # tryfirst: this runs while allure-pytest-bdd still has the step open, so the
        # attachments land on the step rather than on the scenario.
        journal = _journal(request)
        if journal is None:
            return
        records = journal.records()[request.node.stash.get(_START, 0) :]
        if not records:
            return
        if any(isinstance(r.event, SipTraced) for r in records):
            ladder = render_ladder(records)
            allure.attach(ladder, "SIP ladder (this step)", allure.attachment_type.TEXT)
        quality = render_quality(records)
        if quality:
            allure.attach(quality, "Media quality (this step)", allure.attachment_type.TEXT)
