"""A refusal by the SUT is a set-up error in a Given step and a rule's failure elsewhere."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

FEATURE = """\
Feature: Remedies
  @AC-ANS-7
  Scenario: Refused while setting up
    Given a team the SUT refuses to create
    When the admin re-adds Alice

  @AC-ANS-7
  Scenario: Refused while exercising the rule
    Given a team
    When the admin re-adds Alice, which the SUT refuses

  @AC-ANS-7
  Scenario: A plain assertion stays as it is
    Given a team
    Then something else fails
"""

STEPS = """\
from pytest_bdd import given, scenarios, then, when

from harness.sut.contract import SutRefused

scenarios("remedies.feature")

@given("a team the SUT refuses to create")
def refused_team():
    raise SutRefused("POST /teams -> 409: a team with this name exists")


@given("a team")
def team():
    pass


@when("the admin re-adds Alice")
def readd():
    pass


@when("the admin re-adds Alice, which the SUT refuses")
def readd_refused():
    raise SutRefused("POST /teams/t1/members -> 409: already a member")


@then("something else fails")
def fails():
    assert 1 == 2, "plain"
"""


def test_refusals_are_reported_by_the_kind_of_step(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", remedies=FEATURE)
    pytester.makeconftest(
        "from harness.runtime.refusals import RefusalVerdicts\n\n\n"
        "def pytest_configure(config):\n"
        "    config.pluginmanager.register(RefusalVerdicts())\n"
    )
    pytester.makepyfile(test_remedies=STEPS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rf")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "*set-up error (not a verdict on any rule): the SUT refused an action while setting "
            'up, in step "Given a team the SUT refuses to create": POST /teams -> 409*',
        ]
    )
    result.stdout.fnmatch_lines(
        [
            '*[[]AC-ANS-7] the SUT refused an action the rule under test needs, in step "When the '
            'admin re-adds Alice, which the SUT refuses": POST /teams/t1/members -> 409*',
        ]
    )
    result.stdout.fnmatch_lines(["*AssertionError: plain*"])
