"""Steps for what an agent's browser does to the calls she places in the agent app (seed 002,
SG-ERR-1, 6, 14).

Thin by design: each step parses its arguments and calls one helper of
:mod:`harness.scenario.browser_errors`.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.browser_errors import AgentBrowsers


@given(parsers.parse('"{agent}" has not allowed the microphone in her browser'))
def microphone_not_allowed(agent_browsers: AgentBrowsers, agent: str) -> None:
    agent_browsers.refuse_microphone(agent)


@given(
    parsers.parse(
        '"{agent}" has automatic page translation on in her browser, which translates'
        ' "{phrase}" as "{translation}"'
    )
)
def translation_on_with(
    agent_browsers: AgentBrowsers, agent: str, phrase: str, translation: str
) -> None:
    agent_browsers.translate(agent, {phrase: translation})


@when(parsers.parse('"{agent}" allows the microphone following the permission guide'))
def allows_microphone(agent_browsers: AgentBrowsers, agent: str) -> None:
    agent_browsers.allow_microphone(agent)


@when(parsers.parse('"{agent}" turns automatic page translation off'))
def translation_off(agent_browsers: AgentBrowsers, agent: str) -> None:
    agent_browsers.stop_translating(agent)


@then(
    parsers.parse(
        'the agent app shows {code} telling her to "{fix}", and nothing is dialled or stored'
    )
)
def app_shows_error(agent_browsers: AgentBrowsers, code: str, fix: str) -> None:
    agent_browsers.expect_refused(code, fix)
