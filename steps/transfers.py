"""Steps for blind transfers of answered calls (AC-IN-7) and their time in tickets (ZT-TKT-9).

Thin by design: each step parses its arguments and calls one helper in ``harness.scenario``.
"""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from harness.scenario.app_transfers import AppTransfers
from harness.scenario.calls import CallFlows
from harness.scenario.cast import Cast
from harness.scenario.routing import RoutingAdmin
from harness.scenario.tickets import TicketDesk
from harness.scenario.transfers import STRANGER, TransferDesk


@when(parsers.parse('"{agent}" transfers the call to "{target}"'))
def transfers_call(transfers: TransferDesk, flows: CallFlows, agent: str, target: str) -> None:
    transfers.transfer(flows.last, agent, target)


@when(parsers.parse('"{agent}" tries to transfer the call to "{target}"'))
def tries_to_transfer(transfers: TransferDesk, flows: CallFlows, agent: str, target: str) -> None:
    transfers.transfer(flows.last, agent, target, expect_refusal=True)


@when(parsers.parse('"{agent}" tries to transfer the call to an agent the account does not have'))
def tries_to_transfer_to_stranger(transfers: TransferDesk, flows: CallFlows, agent: str) -> None:
    transfers.transfer(flows.last, agent, STRANGER, expect_refusal=True)


@when(
    parsers.re(
        r'"(?P<agent>[^"]+)" (?P<verb>transfers|tries to transfer) the call to the queue '
        r'"(?P<queue>[^"]+)"$'
    )
)
def transfers_to_queue(
    transfers: TransferDesk,
    routing_admin: RoutingAdmin,
    flows: CallFlows,
    agent: str,
    verb: str,
    queue: str,
) -> None:
    transfers.transfer_to_queue(
        flows.last, agent, routing_admin.queue(queue), expect_refusal=verb != "transfers"
    )


@then(
    parsers.parse(
        'the call log\'s timeline says "{agent}" transferred the call to the queue "{queue}",'
        ' answered by "{target}"'
    )
)
def timeline_queue_transfer(
    transfers: TransferDesk,
    routing_admin: RoutingAdmin,
    flows: CallFlows,
    agent: str,
    queue: str,
    target: str,
) -> None:
    transfers.expect_timeline_transfer(flows.last, agent, target, queue=routing_admin.queue(queue))


@when(parsers.parse("{seconds:d} seconds pass on the account's clock while the transfer rings"))
def time_while_transferring(transfers: TransferDesk, flows: CallFlows, seconds: int) -> None:
    transfers.ring_for(flows.last, seconds)


@then(parsers.parse('the customer no longer hears "{agent}", whose call ends, within {bound:d} ms'))
def first_agent_gone(transfers: TransferDesk, flows: CallFlows, agent: str, bound: int) -> None:
    transfers.expect_first_agent_gone(flows.last, agent, bound)


@then(
    parsers.parse(
        'the customer and "{agent}" hear each other within {bound:d} ms of the transfer\'s answer'
    )
)
def target_heard(transfers: TransferDesk, flows: CallFlows, agent: str, bound: int) -> None:
    transfers.expect_target_heard(flows.last, agent, bound)


@then(parsers.parse('the call log\'s timeline says "{agent}" transferred the call to "{target}"'))
def timeline_transfer(transfers: TransferDesk, flows: CallFlows, agent: str, target: str) -> None:
    transfers.expect_timeline_transfer(flows.last, agent, target)


@then(parsers.parse('the transfer is refused naming "{words}", and the call is unchanged'))
def transfer_refused(transfers: TransferDesk, flows: CallFlows, words: str) -> None:
    transfers.expect_refused(flows.last, words)


@then(
    parsers.parse(
        "the ticket's call lasted as long as the call log says, with {seconds:d} seconds"
        " being transferred"
    )
)
def ticket_transfer_time(desk: TicketDesk, flows: CallFlows, seconds: int) -> None:
    desk.expect_transfer_duration(flows.last, seconds)


# -- in the agent app --------------------------------------------------------------------------
@when(parsers.parse('"{agent}" transfers the call to "{target}" in the agent app'))
def transfers_in_app(
    app_transfers: AppTransfers, flows: CallFlows, agent: str, target: str
) -> None:
    app_transfers.transfer(flows.last, agent, target)


@when(parsers.parse('"{agent}" presses "{digits}" on the keypad of the agent app'))
def presses_keys(app_transfers: AppTransfers, agent: str, digits: str) -> None:
    app_transfers.press(agent, digits)


@then(parsers.parse('the customer\'s phone detects the keys "{digits}" pressed by "{agent}"'))
def customer_hears_keys(
    app_transfers: AppTransfers, flows: CallFlows, digits: str, agent: str
) -> None:
    app_transfers.expect_customer_heard_keys(flows.last, agent, digits)


@then(parsers.parse('the Transfer list of "{agent}" offers the agent "{target}"'))
def offers_agent(app_transfers: AppTransfers, cast: Cast, agent: str, target: str) -> None:
    app_transfers.expect_offered(agent, cast.agent(target).name)


@then(
    parsers.re(
        r'the Transfer list of "(?P<agent>[^"]+)" (?P<verb>offers|does not offer) '
        r'the queue "(?P<queue>[^"]+)"$'
    )
)
def offers_queue(
    app_transfers: AppTransfers, routing_admin: RoutingAdmin, agent: str, verb: str, queue: str
) -> None:
    shown = "Queue " + routing_admin.queue(queue).name
    app_transfers.expect_offered(agent, shown, offered=verb == "offers")


@then(parsers.parse('the customer\'s call ends, logged with the reason "{words}"'))
def ended_untaken(transfers: TransferDesk, flows: CallFlows, words: str) -> None:
    transfers.expect_ended_untaken(flows.last, words)
