"""Steps for tickets made from calls (seed 001, ZT-TKT).

Thin by design: each step parses its arguments and calls one helper of
:mod:`harness.scenario.tickets`.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.calls import CallFlows
from harness.scenario.cast import Cast
from harness.scenario.tickets import TicketDesk


# -- the customer ---------------------------------------------------------------------------------
@given(parsers.parse('the customer calls from "{number}"'))
def customer_calls_from(desk: TicketDesk, number: str) -> None:
    desk.customer_number(number)


@given("the customer withholds her number")
def customer_withholds(desk: TicketDesk) -> None:
    desk.withhold_number()


# -- actions ---------------------------------------------------------------------------------------
@when(parsers.parse("{seconds:d} seconds pass on the account's clock while the call is on hold"))
def time_on_hold(desk: TicketDesk, flows: CallFlows, seconds: int) -> None:
    desk.hold_for(flows.last, seconds)


@when(parsers.parse('"{agent}" comments "{body}" on the ticket during the call'))
def comments_during_call(desk: TicketDesk, flows: CallFlows, agent: str, body: str) -> None:
    desk.comment(flows.last, agent, body)


@when(parsers.parse('"{agent}" sets the ticket\'s {name} to "{value}" during the call'))
def sets_property(desk: TicketDesk, flows: CallFlows, agent: str, name: str, value: str) -> None:
    desk.set_property(flows.last, agent, name, value)


# -- outcomes --------------------------------------------------------------------------------------
@then("a ticket is created for the call")
def ticket_created(desk: TicketDesk, flows: CallFlows) -> None:
    desk.ticket_made(flows.last)


@then("no ticket is created for the call yet")
@then("no ticket is created for the call")
def no_ticket(desk: TicketDesk, flows: CallFlows) -> None:
    desk.expect_no_ticket(flows.last)


@then(
    parsers.parse(
        'the ticket holds the customer\'s number as the calling number and the number of "{number}"'
        " as the called number"
    )
)
def ticket_numbers(desk: TicketDesk, flows: CallFlows, cast: Cast, number: str) -> None:
    desk.expect_numbers(flows.last, cast.customer.number, cast.number(number).e164)


@then(parsers.parse('the ticket says the customer placed the call and "{agent}" answered it'))
def ticket_names(desk: TicketDesk, flows: CallFlows, cast: Cast, agent: str) -> None:
    desk.expect_names(flows.last, cast.customer.number, cast.agent(agent).name)


@then(parsers.parse('the ticket holds the caller\'s location "{location}"'))
def ticket_location(desk: TicketDesk, flows: CallFlows, location: str) -> None:
    desk.expect_location(flows.last, location)


@then("the ticket holds no caller location")
def ticket_no_location(desk: TicketDesk, flows: CallFlows) -> None:
    desk.expect_location(flows.last, None)


@then("the ticket's call started when the customer called")
def ticket_start(desk: TicketDesk, flows: CallFlows) -> None:
    desk.expect_started_with_call(flows.last)


@then(
    parsers.parse(
        "the ticket's call lasted as long as the call log says, with {seconds:d} seconds on hold"
    )
)
def ticket_duration(desk: TicketDesk, flows: CallFlows, seconds: int) -> None:
    desk.expect_duration(flows.last, seconds)


@then(parsers.parse('the ticket has the comment "{body}" by "{agent}", made during the call'))
def ticket_comment(desk: TicketDesk, flows: CallFlows, body: str, agent: str) -> None:
    desk.expect_comment(flows.last, body, agent)


@then(parsers.parse('the ticket\'s {name} is "{value}"'))
def ticket_property(desk: TicketDesk, flows: CallFlows, name: str, value: str) -> None:
    desk.expect_property(flows.last, name, value)


@then(parsers.parse('the change is refused naming "{field}" and the ticket is unchanged'))
def change_refused(desk: TicketDesk, flows: CallFlows, field: str) -> None:
    desk.expect_refused_unchanged(flows.last, field)
