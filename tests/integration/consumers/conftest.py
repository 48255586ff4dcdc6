"""The reference's fixtures: a contact center on a temporary SQLite file."""

from tests.unit.reference.conftest import FakeTime, center, fake_time, store

__all__ = ["FakeTime", "center", "fake_time", "store"]
