"""Fixtures: a contact center on a temporary SQLite file with a settable real-time source."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.reference.clock import AccountClock
from harness.reference.events import EventBus
from harness.reference.service import ContactCenter
from harness.reference.store import Store

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


class FakeTime:
    """Real time as the tests decide it: wall clock and monotonic seconds move together."""

    def __init__(self) -> None:
        self.elapsed = 0.0

    def wall(self) -> datetime:
        return START + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return 1000.0 + self.elapsed

    def pass_(self, seconds: float) -> None:
        self.elapsed += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "reference.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def center(store: Store, fake_time: FakeTime) -> ContactCenter:
    return ContactCenter(
        store, AccountClock(store, real=fake_time.wall), EventBus(), monotonic=fake_time.monotonic
    )
