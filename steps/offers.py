"""Steps for the customer's SDP offer: what the SUT refuses before ringing, what it answers.

Thin by design: each step parses its arguments and calls one helper in ``harness.scenario.offers``.
"""

from __future__ import annotations

import pytest
from pytest_bdd import parsers, then, when

from harness.errors import ConformanceFailure
from harness.scenario.calls import CallFlows
from harness.scenario.offers import OfferFlows


@pytest.fixture
def offers(flows: CallFlows) -> OfferFlows:
    return OfferFlows(flows)


@when(parsers.parse('a customer calls "{number}" with an offer whose {part} is "{value}"'))
def customer_calls_with(offers: OfferFlows, number: str, part: str, value: str) -> None:
    offers.call_with(number, part, value)


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


@then("no phone rang")
def no_phone_rang(offers: OfferFlows, flows: CallFlows) -> None:
    offers.expect_no_phone_rang(flows.last)


@then("the answer to the customer rejects the first stream with port 0 and accepts the second")
def first_rejected_second_accepted(offers: OfferFlows, flows: CallFlows) -> None:
    streams = offers.answered_streams(flows.last)
    ports = [port for _, port, _ in streams]
    if len(streams) != 2 or ports[0] != 0 or ports[1] == 0 or streams[1][2] != "RTP/AVP":
        raise ConformanceFailure(
            ("H-SEC-3",), "m= lines: first port 0, second RTP/AVP on a port", f"{streams}"
        )
