"""Steps for outbound calls placed in the agent app (seed 001, ZT-TKT-2, 7).

Thin by design: each step calls one helper of :mod:`harness.scenario.app_outbound` (or, for the
calls placed with the agent's phone, of :mod:`harness.scenario.outbound`).
"""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from harness.scenario.app_outbound import AppDialler
from harness.scenario.calls import CallFlows
from harness.scenario.outbound import Dialler


@when(parsers.parse('"{agent}" calls the customer from "{line}" in the agent app'))
def calls_in_app(app_dialler: AppDialler, agent: str, line: str) -> None:
    app_dialler.place(agent, line)


@when(parsers.parse('"{agent}" calls the customer from "{line}" with her phone'))
def calls_with_phone(dialler: Dialler, agent: str, line: str) -> None:
    dialler.place(agent, line)


@when(
    parsers.parse(
        '"{agent}" calls the customer back from "{line}" on the ticket of that call'
        " in the agent app"
    )
)
def calls_back_in_app(app_dialler: AppDialler, flows: CallFlows, agent: str, line: str) -> None:
    app_dialler.place_from_ticket_of(agent, line, flows.last)


@when(
    parsers.parse(
        '"{agent}" calls the customer back from "{line}" on the ticket of that call with her phone'
    )
)
def calls_back_with_phone(dialler: Dialler, flows: CallFlows, agent: str, line: str) -> None:
    dialler.place_from_ticket_of(agent, line, flows.last)


@when(parsers.parse('"{agent}" hangs up with her phone'))
def hangs_up_phone(dialler: Dialler, flows: CallFlows, agent: str) -> None:
    dialler.agent_hangs_up(flows.last, agent)


@when(parsers.parse('"{agent}" tries to call the customer from "{line}" in the agent app'))
def tries_in_app(app_dialler: AppDialler, agent: str, line: str) -> None:
    app_dialler.place_customer_refused(agent, line)


@when(parsers.parse('"{agent}" dials "{number}" from "{line}" in the agent app'))
def dials_in_app(app_dialler: AppDialler, agent: str, number: str, line: str) -> None:
    app_dialler.place_refused(agent, line, number)


@when(parsers.parse('"{agent}" opens ticket "{ticket_id}" in the agent app'))
def opens_ticket(app_dialler: AppDialler, agent: str, ticket_id: str) -> None:
    app_dialler.open_refused(agent, ticket_id)


@then(parsers.parse('the agent app refuses the call naming "{problem}" and nothing is dialled'))
def app_refuses_call(app_dialler: AppDialler, problem: str) -> None:
    app_dialler.expect_refused(problem)


@then(
    parsers.parse('the agent app says ticket "{ticket_id}" cannot be opened and nothing is dialled')
)
def app_refuses_ticket(app_dialler: AppDialler, ticket_id: str) -> None:
    app_dialler.expect_refused("ticket", ticket_id)
