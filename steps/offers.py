"""Steps for the customer's SDP offer (what the SUT refuses before ringing, what it answers)
and for calls whose customer is never connected (what the call log says of them).

Thin by design: each step parses its arguments and calls one helper in ``harness.scenario.offers``.
"""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from harness.scenario.calls import CallFlows
from harness.scenario.integrity import ConnectionChecks
from harness.scenario.offers import OfferFlows


@when(parsers.parse('a customer calls "{number}" with an offer whose {part} is "{value}"'))
def customer_calls_with(offers: OfferFlows, number: str, part: str, value: str) -> None:
    offers.call_with(number, part, value)


@when(parsers.parse('a customer calls "{number}" offering {direction} audio'))
def customer_calls_offering(offers: OfferFlows, number: str, direction: str) -> None:
    offers.call_offering(number, direction)


@then(parsers.parse('the answer to the customer\'s offer says "{direction}"'))
def answer_direction(offers: OfferFlows, flows: CallFlows, direction: str) -> None:
    offers.expect_answer_direction(flows.last, direction)


@then(
    parsers.re(
        r'for (?P<seconds>\d+) seconds from the answer, "(?P<agent>[^"]+)" '
        r"(?P<agent_hears>hears|does not hear) the customer and the customer "
        r'(?P<customer_hears>hears|does not hear) "(?P=agent)"$'
    )
)
def heard_as_offered(
    offers: OfferFlows,
    flows: CallFlows,
    seconds: str,
    agent: str,
    agent_hears: str,
    customer_hears: str,
) -> None:
    offers.expect_heard_as_offered(
        flows.last,
        agent,
        agent_hears=agent_hears == "hears",
        customer_hears=customer_hears == "hears",
        window=float(seconds),
    )


@when(parsers.parse('a customer calls "{number}" with no offer in the INVITE'))
def customer_calls_with_late_offer(offers: OfferFlows, number: str) -> None:
    offers.call_with_late_offer(number)


@when(
    parsers.parse(
        'a customer calls "{number}" with a first audio stream whose {part} is "{value}" '
        "and a usable second one"
    )
)
def customer_calls_with_unusable_first(
    offers: OfferFlows, number: str, part: str, value: str
) -> None:
    offers.call_with_unusable_stream_first(number, part, value)


@then(
    parsers.parse(
        'the customer\'s call is refused with {status:d} and a Warning {code:d} naming "{mention}"'
    )
)
def refused_with_warning(
    offers: OfferFlows, flows: CallFlows, status: int, code: int, mention: str
) -> None:
    offers.expect_refused(flows.last, status, code, mention)


@then(parsers.parse('the call log has the call as refused, with a reason naming "{mention}"'))
def logged_refused(offers: OfferFlows, flows: CallFlows, mention: str) -> None:
    offers.expect_logged_refused(flows.last, mention)


@then("no phone rang")
def no_phone_rang(offers: OfferFlows, flows: CallFlows) -> None:
    offers.expect_no_phone_rang(flows.last)


@then("the answer to the customer rejects the first stream with port 0 and accepts the second")
def first_rejected_second_accepted(offers: OfferFlows, flows: CallFlows) -> None:
    offers.expect_first_rejected_second_accepted(flows.last)


# -- the call log's integrity rule (AC-ANS-2) ------------------------------------------------------
@when(parsers.parse('a customer whose phone never acknowledges an answer calls "{number}"'))
def customer_without_ack_calls(connection: ConnectionChecks, number: str) -> None:
    connection.call_without_acknowledging(number)


@when("the customer hangs up as soon as the call is answered, without acknowledging it")
def customer_hangs_up_unacknowledged(connection: ConnectionChecks, flows: CallFlows) -> None:
    connection.hang_up_once_answered(flows.last)


@then(
    parsers.parse(
        'the call is logged as Missed, with an answer attempt by "{agent}" that did not count'
    )
)
def logged_missed_with_attempt(connection: ConnectionChecks, flows: CallFlows, agent: str) -> None:
    connection.expect_not_answered(flows.last, agent)
