"""The caller book's names: number labels drawn per locale, distinct, the same per seed."""

from __future__ import annotations

import phonenumbers
import pytest

from harness.runtime.seeding import reseed
from harness.scenario.profiles import COUNTRIES, CallerBook, locale_of


def book() -> CallerBook:
    return CallerBook(cast=None, flows=None)  # type: ignore[arg-type]  # names only


def test_each_label_gets_its_own_valid_number_of_its_country_once():
    reseed(1, "features/tickets/x.feature::a")
    names = book()
    numbers = {
        label: names.number(label, country)
        for label, country in (("a", "French"), ("b", "Spanish"), ("c", "Vietnamese"))
    }
    numbers["d"] = names.number("d", "American")
    assert names.number("a", "Spanish") == numbers["a"]  # a label keeps its number
    assert len(set(numbers.values())) == 4
    regions = {
        label: phonenumbers.region_code_for_number(phonenumbers.parse(n, None))
        for label, n in numbers.items()
    }
    assert regions == {"a": "FR", "b": "ES", "c": "VN", "d": "US"}
    assert names.label_of(numbers["b"]) == "b" and names.label_of("+1") == "+1"


def test_the_same_seed_gives_the_same_numbers():
    def draw() -> list[str]:
        reseed(7, "features/tickets/x.feature::b")
        names = book()
        return [names.number(label, "French") for label in ("home", "office", "mobile")]

    assert draw() == draw()


def test_an_unknown_country_or_name_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match=r"'German'.*French"):
        locale_of("German")
    with pytest.raises(KeyError, match=r"no end user named 'Zoé'.*known: none"):
        book().user_id("Zoé")
    assert set(COUNTRIES) == {"French", "Spanish", "Vietnamese", "American"}
