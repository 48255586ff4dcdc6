"""Steps for incoming calls in the agent app; each calls one method of
:class:`harness.scenario.incoming.IncomingCalls`."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.calls import CallFlows
from harness.scenario.desktop import DesktopAgents
from harness.scenario.incoming import IncomingCalls
from harness.scenario.phrases import names


@given(
    parsers.re(
        r'an agent "(?P<name>[^"]+)" with (?:an? )?(?P<device>SIP phone|browser|the desktop app)$'
    )
)
def agent_with_device(incoming_calls: IncomingCalls, name: str, device: str) -> None:
    incoming_calls.add_agent(name, device)


@then(
    parsers.parse('the agent app of "{name}" shows a ringing pop-up with the caller and the line')
)
def popup_with_caller_and_line(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.expect_popup(name, caller=True, line=True)


@then(parsers.re(r'the pop-up of "(?P<name>[^"]+)" shows the IVR branch "(?P<branch>[^"]+)"$'))
def popup_branch(incoming_calls: IncomingCalls, name: str, branch: str) -> None:
    incoming_calls.expect_ivr_branch(name, branch)


@then(parsers.re(r'the pop-up of "(?P<name>[^"]+)" shows no IVR branch$'))
def popup_no_branch(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.expect_ivr_branch(name, None)


@then(
    parsers.parse(
        'the pop-up of "{name}" offers to open the conversation, to accept in green '
        "and to reject in red"
    )
)
def popup_actions(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.expect_actions(
        name, {"Open conversation": "", "Accept": "green", "Reject": "red"}
    )


@then(parsers.re(r"the agent apps? of (?P<agents>.+) (?:does|do) not ring$"))
def apps_do_not_ring(incoming_calls: IncomingCalls, agents: str) -> None:
    for name in names(agents):
        incoming_calls.no_popup(name)


@then(parsers.re(r'the agent apps? of (?P<agents>"[^"]+"(?:(?:, | and )"[^"]+")*) rings?$'))
def apps_ring(incoming_calls: IncomingCalls, agents: str) -> None:
    for name in names(agents):
        incoming_calls.popup(name)


@when(parsers.parse('"{name}" rejects the call in the agent app'))
def rejects(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.reject(name)


@then(parsers.parse('the agent app of "{name}" says "{words}"'))
def app_says(incoming_calls: IncomingCalls, name: str, words: str) -> None:
    incoming_calls.expect_message(name, words)


@then(parsers.parse('the agent app of "{name}" offers {actions} during the call'))
def in_call_actions(incoming_calls: IncomingCalls, name: str, actions: str) -> None:
    incoming_calls.expect_in_call_actions(name, [a.strip() for a in _split(actions)])


@when(parsers.parse('"{name}" hangs up in the agent app'))
def hangs_up(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.hang_up(name)


def _split(text: str) -> list[str]:
    return text.replace(" and ", ", ").split(",")


@then(parsers.parse('"{name}" is offered the call'))
def offered_the_call(flows: CallFlows, name: str) -> None:
    flows.wait_ringing(flows.last, name)


@given(
    parsers.parse('"{agent}" is also signed in to the agent app on a second browser, "{device}"')
)
def second_device(incoming_calls: IncomingCalls, agent: str, device: str) -> None:
    incoming_calls.add_device(agent, device)


@when(parsers.parse('"{name}" mutes her microphone in the agent app'))
def mutes(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.mute(name)


@then(
    parsers.parse(
        'the customer no longer hears "{name}" within {bound:d} ms, '
        'while "{same}" still hears the customer'
    )
)
def muted(incoming_calls: IncomingCalls, name: str, bound: int, same: str) -> None:
    incoming_calls.expect_muted(name, bound)


@when(parsers.parse('"{name}" goes to the {view} view of the agent app'))
def goes_to(incoming_calls: IncomingCalls, name: str, view: str) -> None:
    incoming_calls.go_to(name, view)


@then(
    parsers.parse('the agent app of "{name}" shows the call toolbar at the {where} with {actions}')
)
def toolbar(incoming_calls: IncomingCalls, name: str, where: str, actions: str) -> None:
    incoming_calls.expect_toolbar(
        name, where.replace(" ", "-"), [a.strip() for a in _split(actions)]
    )


@when(parsers.parse('"{name}" clicks the call toolbar to return to the call'))
def back_to_call(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.back_to_call(name)


@given(parsers.parse('"{name}" has turned on browser notifications in the agent app'))
def notifications_on(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.enable_notifications(name)


@given(parsers.parse('"{name}" has another tab in front of the agent app'))
def another_tab(desktop_agents: DesktopAgents, name: str) -> None:
    desktop_agents.put_in_background(name)


@then(
    parsers.parse(
        '"{name}" gets a browser notification of the call, naming the caller and the line'
    )
)
def gets_notification(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.expect_notification(name)


@when(parsers.parse('"{name}" accepts the call from the notification'))
def accepts_from_notification(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.accept_from_notification(name)


@when(parsers.parse('"{name}" opens the conversation from the pop-up'))
def opens_conversation(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.open_conversation(name)


@then(
    parsers.parse('the conversation of "{name}" names the customer and the line, with its actions')
)
def conversation_header(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.expect_conversation(name)


@then(parsers.parse('the conversation of "{name}" lists {count:d} earlier voice call {status}'))
def conversation_history(incoming_calls: IncomingCalls, name: str, count: int, status: str) -> None:
    incoming_calls.expect_earlier_calls(name, count, status)


@when(parsers.parse('"{name}" clicks the notification just as it is withdrawn'))
def clicks_withdrawn_notification(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.click_withdrawn_notification(name)


@when(parsers.parse('"{name}" clicks the notification'))
def clicks_notification(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.click_notification(name)


@then(parsers.parse('the call is not answered by the click of "{name}"'))
def not_answered(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.expect_not_answered(name)


@given(parsers.re(r"the account is on the (?P<plan>\w+) plan (?P<ai>with|without) the AI add-on$"))
def account_plan(incoming_calls: IncomingCalls, plan: str, ai: str) -> None:
    incoming_calls.set_plan(plan, ai_addon=ai == "with")


@then(
    parsers.re(
        r'the conversation of "(?P<name>[^"]+)" (?P<verb>shows|lacks) (?:the )?(?P<part>.+)$'
    )
)
def conversation_part(incoming_calls: IncomingCalls, name: str, verb: str, part: str) -> None:
    incoming_calls.expect_conversation_part(name, part, shown=verb == "shows")


@then(parsers.parse('the notification of the call to "{name}" is withdrawn'))
def notification_withdrawn(incoming_calls: IncomingCalls, name: str) -> None:
    incoming_calls.expect_notification_withdrawn(name)
