"""Steps for reliability: crashing the SUT (H-REL-1) and leaks after a scenario (H-REL-2).

Thin by design: each step parses its arguments and calls one helper in ``harness.scenario``.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario import leaks
from harness.scenario.calls import CallFlows
from harness.scenario.cast import Cast
from harness.scenario.crash import CrashDrill


# -- H-REL-1: crash safety ---------------------------------------------------------------------
@given(parsers.parse("a {record} committed before the crash"))
def a_committed_record(drill: CrashDrill, record: str) -> None:
    drill.store(record)


@given(
    parsers.parse(
        'a customer\'s call to "{number}" for "{agent}" is {moment} when the contact center crashes'
    )
)
def a_call_at_the_moment(drill: CrashDrill, number: str, agent: str, moment: str) -> None:
    drill.bring_call_to(moment, number, agent)


@when("the contact center is killed and started again on the same data")
def crash_and_restart(drill: CrashDrill) -> None:
    drill.crash_and_restart()


@then(parsers.parse("the {record} committed before the crash is there, unchanged"))
def record_survived(drill: CrashDrill, record: str) -> None:
    drill.check_survived(record)


@then(
    parsers.parse("the call that was {moment} has ended with a clear status and a timeline entry")
)
def cut_call_ended(drill: CrashDrill, moment: str) -> None:
    drill.check_cut_call(moment)


@then("the SIP phones register again at once")
def phones_register_again(drill: CrashDrill) -> None:
    drill.phones_register_again()


@then(parsers.parse('a new call to "{number}" rings "{agent}" and has two-way audio'))
def new_call_works(drill: CrashDrill, number: str, agent: str) -> None:
    drill.new_call_works(number, agent)


# -- H-REL-2: leaks --------------------------------------------------------------------------------
@given("the contact center ignores the customer's hang-ups")
def contact_center_ignores_hangups(cast: Cast) -> None:
    leaks.ignore_hangups(cast)


@then("the post-conditions fail H-REL-2, naming the customer's call that never ended")
def post_conditions_name_the_leak(cast: Cast, flows: CallFlows) -> None:
    leaks.expect_customer_leak_named(cast, flows)
