"""Synthetic callers: valid mobile numbers for every locale, and the same callers per seed."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from harness.data.callers import REGIONS, mobile_number, synthetic_caller
from harness.runtime.seeding import reseed


@pytest.mark.parametrize("locale", sorted(REGIONS))
def test_numbers_are_valid_e164_mobiles_of_the_locales_country(locale):
    rng = random.Random(7)
    for _ in range(200):
        number = mobile_number(locale, rng)
        parsed = phonenumbers.parse(number, None)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.region_code_for_number(parsed) == REGIONS[locale], number
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number
        assert phonenumbers.number_type(parsed) in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ), number


@pytest.mark.parametrize("locale", sorted(REGIONS))
def test_the_same_seed_and_scenario_give_the_same_callers(locale):
    def callers(seed: int, nodeid: str) -> list[object]:
        reseed(seed, nodeid)
        return [synthetic_caller(locale) for _ in range(3)]

    first = callers(42, "features/x.feature::a")
    assert callers(42, "features/x.feature::a") == first
    assert callers(43, "features/x.feature::a") != first
    assert callers(42, "features/x.feature::b") != first
    assert len({c.number for c in first}) == 3  # type: ignore[attr-defined]


def test_an_unknown_locale_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match=r"no phone plan for locale 'de_XX'.*fr_FR"):
        mobile_number("de_XX")
