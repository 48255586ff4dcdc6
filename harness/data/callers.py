"""Synthetic callers: a name from Faker and a mobile number valid by libphonenumber, per locale.

Everything derives from the ``random`` module, which the run's seed reseeds before every
scenario (:mod:`harness.runtime.seeding`): the same seed gives a scenario the same callers again,
so a failing run replays exactly. The numbers are end users' numbers, held per account by the
SUT: they need to be distinct within a scenario (the caller book sees to it), not across runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

import phonenumbers
from faker import Faker

#: The locales the seeds speak of, with the region libphonenumber knows them by.
REGIONS = {"fr_FR": "FR", "es_ES": "ES", "vi_VN": "VN", "en_US": "US"}
#: Leading national digits kept from libphonenumber's example mobile number, so that a random
#: tail gives a valid number at the first draw or nearly (US: the area code).
_KEEP = {"FR": 1, "ES": 1, "VN": 2, "US": 3}
MAX_DRAWS = 1000


@dataclass(frozen=True)
class SyntheticCaller:
    """A person who calls in: a locale, a full name and an E.164 mobile number."""

    locale: str
    name: str
    number: str


def mobile_number(locale: str, rng: random.Random | None = None) -> str:
    """A valid E.164 mobile number of ``locale``'s country, drawn from ``rng`` (by default
    the ``random`` module, reseeded per scenario)."""
    region = _region(locale)
    draw = rng or random.Random(random.getrandbits(64))
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        raise ValueError(f"libphonenumber has no mobile numbers for {region}")
    national = str(example.national_number)
    keep = national[: _KEEP.get(region, 1)]
    for _ in range(MAX_DRAWS):
        tail = "".join(str(draw.randrange(10)) for _ in range(len(national) - len(keep)))
        candidate = phonenumbers.parse(f"+{example.country_code}{keep}{tail}", None)
        if phonenumbers.is_valid_number(candidate):
            return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
    raise RuntimeError(f"no valid {region} mobile number in {MAX_DRAWS} draws")  # pragma: no cover


def synthetic_caller(locale: str, rng: random.Random | None = None) -> SyntheticCaller:
    """A caller of ``locale``: Faker's name for it and a valid mobile number."""
    draw = rng or random.Random(random.getrandbits(64))
    fake = _faker(locale)
    fake.seed_instance(draw.getrandbits(64))
    return SyntheticCaller(locale, fake.name(), mobile_number(locale, draw))


def _region(locale: str) -> str:
    try:
        return REGIONS[locale]
    except KeyError:
        known = ", ".join(sorted(REGIONS))
        raise ValueError(f"no phone plan for locale {locale!r} (known: {known})") from None


@cache
def _faker(locale: str) -> Faker:
    _region(locale)  # an unknown locale is refused before Faker loads it
    return Faker(locale)
