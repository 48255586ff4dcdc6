"""The availability switch: two states only, available by default, stored per user."""

from __future__ import annotations

import pytest

from harness.reference.domain.availability import Availability, parse_availability
from harness.reference.domain.errors import InvalidField
from harness.reference.service import ContactCenter


@pytest.mark.parametrize("word", ["available", "away"])
def test_the_two_states_are_accepted(word: str) -> None:
    assert parse_availability(word).value == word


@pytest.mark.parametrize("bad", ["Away", "busy", "", None, 1, ["away"]])
def test_anything_else_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(InvalidField) as refused:
        parse_availability(bad)
    assert refused.value.field == "availability"
    assert "'available', 'away'" in refused.value.message


def test_availability_is_stored_per_user(center: ContactCenter) -> None:
    account = center.create_account("Acme")
    alice = center.create_user(account.id, "Alice", "alice@example.test")
    bob = center.create_user(account.id, "Bob", "bob@example.test")
    assert center.store.availability(account.id, alice.id) is None

    center.store.set_availability(account.id, alice.id, Availability.AWAY.value)

    assert center.store.availability(account.id, alice.id) == "away"
    assert center.store.availability(account.id, bob.id) is None
    center.store.set_availability(account.id, alice.id, Availability.AVAILABLE.value)
    assert center.store.availability(account.id, alice.id) == "available"
