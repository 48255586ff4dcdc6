"""The reference reports exactly the timeline kinds the adapter contract promises."""

from __future__ import annotations

from harness.reference.domain import calls
from harness.sut import model


def test_the_reference_and_the_contract_share_the_timeline_kinds() -> None:
    assert {k.name: k.value for k in calls.TimelineKind} == {
        k.name: k.value for k in model.TimelineKind
    }
