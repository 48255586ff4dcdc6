"""Steps for tickets made from calls (seed 001, ZT-TKT).

Thin by design: each step parses its arguments and calls one helper of
:mod:`harness.scenario.tickets`.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.calls import CallFlows
from harness.scenario.cast import Cast
from harness.scenario.outbound import Dialler
from harness.scenario.tickets import TicketDesk


# -- the customer ---------------------------------------------------------------------------------
@given(parsers.parse('the customer calls from "{number}"'))
def customer_calls_from(desk: TicketDesk, number: str) -> None:
    desk.customer_number(number)


@given("the customer withholds her number")
def customer_withholds(desk: TicketDesk) -> None:
    desk.withhold_number()


@given("the customer's phone is reached through the carrier")
def customer_through_carrier(dialler: Dialler) -> None:
    dialler.reachable_through_carrier()


@given(parsers.parse("outbound calls ring the customer for at most {seconds:d} seconds"))
def outbound_ring_time(dialler: Dialler, seconds: int) -> None:
    dialler.ring_time_s = seconds


@given(
    parsers.re(r'the line "(?P<number>[^"]+)" makes tickets of abandoned calls: (?P<on>on|off)$')
)
def line_abandoned_setting(desk: TicketDesk, number: str, on: str) -> None:
    desk.configure_line(number, omnichannel=False, abandoned=on == "on")


@given(parsers.parse('the line "{number}" has omnichannel routing'))
def line_omnichannel(desk: TicketDesk, number: str) -> None:
    desk.configure_line(number, omnichannel=True)


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


@when(parsers.re(r'"(?P<agent>[^"]+)" calls the customer from "(?P<line>[^"]+)"$'))
def agent_calls_customer(dialler: Dialler, agent: str, line: str) -> None:
    dialler.place(agent, line)


@when(parsers.parse('"{agent}" calls the customer back from "{line}" on the ticket of that call'))
def agent_calls_back_from_ticket(dialler: Dialler, flows: CallFlows, agent: str, line: str) -> None:
    dialler.place_from_ticket_of(agent, line, flows.last)


@when(parsers.parse('"{agent}" calls the customer from "{line}" on ticket "{ticket_id}"'))
def agent_calls_from_missing_ticket(
    dialler: Dialler, agent: str, line: str, ticket_id: str
) -> None:
    dialler.place_refused(agent, line, ticket_id)


@when("the customer answers")
def customer_answers(dialler: Dialler, flows: CallFlows) -> None:
    dialler.customer_answers(flows.last)


@when("the customer declines the call")
def customer_declines(dialler: Dialler, flows: CallFlows) -> None:
    dialler.customer_rejects(flows.last)


@when("the customer lets it ring")
def customer_lets_it_ring(dialler: Dialler, flows: CallFlows) -> None:
    """Nothing to do: the customer's phone rings until the SUT gives up."""


@when(parsers.parse('"{agent}" hangs up'))
def agent_hangs_up(dialler: Dialler, flows: CallFlows, agent: str) -> None:
    dialler.agent_hangs_up(flows.last, agent)


@when(
    parsers.re(
        r'the customer abandons a call to "(?P<number>[^"]+)"'
        r" (?P<where>in the queue|in the IVR|in voicemail)$"
    )
)
def customer_abandons(desk: TicketDesk, number: str, where: str) -> None:
    desk.abandon(number, where)


@when(
    parsers.re(
        r'the admin sets the line "(?P<number>[^"]+)" to make (?P<no>no )?tickets'
        r" of abandoned calls$"
    )
)
def admin_sets_abandoned(desk: TicketDesk, number: str, no: str | None) -> None:
    desk.configure_line(number, abandoned=not no)


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


@then("the ticket holds the voicemail the customer left, and nobody answered the call")
def ticket_voicemail(desk: TicketDesk, flows: CallFlows) -> None:
    desk.expect_voicemail(flows.last)


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


@then(parsers.parse("the outbound call ends {status}"))
def outbound_ends(dialler: Dialler, flows: CallFlows, status: str) -> None:
    dialler.expect_ended(flows.last, status)


@then("no new ticket is created: the call is in the ticket of the first call")
def added_to_first_ticket(dialler: Dialler, flows: CallFlows) -> None:
    dialler.expect_added_to_ticket_of(flows.last, flows.placed[0])


@then(parsers.parse('the call is refused naming the ticket "{ticket_id}" and nothing is dialled'))
def outbound_refused(dialler: Dialler, ticket_id: str) -> None:
    dialler.expect_refused("ticket", ticket_id)


@then(
    parsers.parse(
        'the customer and "{agent}" hear each other within {bound:d} ms of the customer\'s answer'
    )
)
def outbound_two_way_audio(dialler: Dialler, flows: CallFlows, agent: str, bound: int) -> None:
    dialler.expect_two_way_after_answer(flows.last, agent, bound)


@then(
    parsers.parse(
        'the ticket holds the number of "{line}" as the calling number and the customer\'s number'
        " as the called number"
    )
)
def outbound_ticket_numbers(desk: TicketDesk, flows: CallFlows, cast: Cast, line: str) -> None:
    desk.expect_numbers(flows.last, cast.number(line).e164, cast.customer.number)


@then(parsers.parse('the ticket says "{agent}" placed the call and the customer answered it'))
def outbound_ticket_names(desk: TicketDesk, flows: CallFlows, cast: Cast, agent: str) -> None:
    desk.expect_names(flows.last, cast.agent(agent).name, cast.customer.number)


@then(
    parsers.parse(
        'the setting is refused as not available with omnichannel routing, and the line "{number}"'
        " is unchanged"
    )
)
def line_setting_refused(desk: TicketDesk, number: str) -> None:
    desk.expect_line_refused(number, "abandoned_call_tickets", "omnichannel")
