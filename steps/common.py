"""Steps every domain shares: the account's numbers, agents and their phones.

The fixtures these steps use (``cast``, ``flows``, ``stage``, ...) live in
:mod:`harness.scenario.fixtures`, which the harness plugin loads.
"""

from __future__ import annotations

from pytest_bdd import given, parsers

from harness.scenario.cast import Cast
from harness.scenario.phrases import names


@given(parsers.parse('a number "{number}" in the account'))
def a_number(cast: Cast, number: str) -> None:
    cast.add_number(number)


@given(parsers.re(r"agents? (?P<agents>.+) with SIP phones?$"))
def agents_with_phones(cast: Cast, agents: str) -> None:
    for name in names(agents):
        cast.add_agent_with_phone(name)
