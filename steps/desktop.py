"""Steps for the agent app in a real browser; each calls one method of
:class:`harness.scenario.desktop.DesktopAgents`."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.cast import Cast
from harness.scenario.desktop import DesktopAgents

WRONG_SECRET = "not-a-token-of-this-contact-center"


@given(parsers.parse('an agent "{name}" in the account'))
def an_agent(cast: Cast, name: str) -> None:
    cast.add_agent(name)


@given(parsers.parse('"{name}" is signed in to the agent app'))
@when(parsers.parse('"{name}" signs in to the agent app'))
def signs_in(desktop_agents: DesktopAgents, name: str) -> None:
    desktop_agents.sign_in(name)


@when(parsers.parse('"{name}" signs in to the agent app with a wrong token'))
def signs_in_wrongly(desktop_agents: DesktopAgents, name: str) -> None:
    desktop_agents.sign_in(name, secret=WRONG_SECRET)


@when(parsers.parse('"{name}" sets herself {state} in the agent app'))
def sets_availability(desktop_agents: DesktopAgents, name: str, state: str) -> None:
    desktop_agents.set_availability(name, state)


@then(parsers.parse('the agent app shows "{name}" signed in under her name'))
def shows_signed_in(desktop_agents: DesktopAgents, name: str) -> None:
    desktop_agents.expect_signed_in(name)


@then(parsers.parse('the agent app of "{name}" shows her {state}'))
def shows_availability(desktop_agents: DesktopAgents, name: str, state: str) -> None:
    desktop_agents.expect_shown_availability(name, state)


@then(parsers.parse('the contact center reports "{name}" {state}'))
def reports_availability(desktop_agents: DesktopAgents, name: str, state: str) -> None:
    desktop_agents.expect_reported_availability(name, state)


@then(parsers.parse('the agent app of "{name}" refuses the sign-in saying "{words}"'))
def refuses(desktop_agents: DesktopAgents, name: str, words: str) -> None:
    desktop_agents.expect_refused(name, words)


@given(
    parsers.parse('"{name}" is signed in to the agent app with a session of {seconds:d} seconds')
)
def signed_in_for(desktop_agents: DesktopAgents, name: str, seconds: int) -> None:
    desktop_agents.sign_in_for(name, seconds)


@when(parsers.parse("{seconds:d} seconds pass on the contact center's clock"))
def time_passes(desktop_agents: DesktopAgents, seconds: int) -> None:
    desktop_agents.let_time_pass(seconds)


@then(parsers.parse('"{name}" cannot set herself {state} in the agent app, which says "{words}"'))
def availability_refused(desktop_agents: DesktopAgents, name: str, state: str, words: str) -> None:
    desktop_agents.expect_availability_refused(name, state, words)
