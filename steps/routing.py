"""Steps for business hours, queues, IVR menus and after-hours deflection; each calls one
method of :class:`harness.scenario.routing.RoutingAdmin`."""

from __future__ import annotations

from datetime import date

from pytest_bdd import given, parsers, then, when

from harness.scenario.calls import CallFlows
from harness.scenario.ivr import IvrCalls
from harness.scenario.phrases import names
from harness.scenario.routing import RoutingAdmin

# After an IVR the customer's leg was answered long before the agent: audio is checked for
# presence both ways (within the scenario), not for latency from the customer's answer.
IVR_AUDIO_BOUND_MS = 60_000


@given(parsers.parse('the business hours of the help center are "{hours}" in "{zone}"'))
def global_hours(routing_admin: RoutingAdmin, hours: str, zone: str) -> None:
    routing_admin.set_hours("global", None, hours, zone)


@given(parsers.parse('"{day}" is a holiday of the help center'))
def global_holiday(routing_admin: RoutingAdmin, day: str) -> None:
    routing_admin.add_holiday("global", None, date.fromisoformat(day))


@given(parsers.parse('a queue "{queue}" open "{hours}" in "{zone}"'))
def queue_with_hours(routing_admin: RoutingAdmin, queue: str, hours: str, zone: str) -> None:
    routing_admin.add_queue(queue)
    routing_admin.set_hours("queue", queue, hours, zone)


@given(parsers.parse('the language "{language}" is open "{hours}" in "{zone}"'))
def language_hours(routing_admin: RoutingAdmin, language: str, hours: str, zone: str) -> None:
    routing_admin.set_hours("language", language, hours, zone)


@given(parsers.parse('the channel "{channel}" is open "{hours}" in "{zone}"'))
def channel_hours(routing_admin: RoutingAdmin, channel: str, hours: str, zone: str) -> None:
    routing_admin.set_hours("channel", channel, hours, zone)


@given(parsers.parse('the account\'s clock reads "{when}"'))
@when(parsers.parse('the account\'s clock reads "{when}"'))
def clock_reads(routing_admin: RoutingAdmin, when: str) -> None:
    routing_admin.set_clock(when)


@when(parsers.parse('the admin sets the global hours to "{hours}" in "{zone}"'))
def bad_global_hours(routing_admin: RoutingAdmin, hours: str, zone: str) -> None:
    routing_admin.try_set_hours("global", None, hours, zone)


@then(parsers.parse('the change is refused saying "{words}"'))
def refused_saying(routing_admin: RoutingAdmin, words: str) -> None:
    routing_admin.expect_refused_naming(words)


@then(parsers.re(r"calls to the help center are (?P<state>open|closed)$"))
def help_center_state(routing_admin: RoutingAdmin, state: str) -> None:
    routing_admin.expect_open(state == "open", by="global")


@then(parsers.re(r'the queue "(?P<queue>[^"]+)" is (?P<state>open|closed) by its own hours$'))
def queue_state(routing_admin: RoutingAdmin, queue: str, state: str) -> None:
    routing_admin.expect_open(state == "open", queue=queue, by=f'queue "{queue}"')


@then(
    parsers.re(
        r'calls in "(?P<language>[^"]+)" are (?P<state>open|closed) by the language\'s hours$'
    )
)
def language_state(routing_admin: RoutingAdmin, language: str, state: str) -> None:
    routing_admin.expect_open(state == "open", language=language, by=f"language {language}")


@then(parsers.re(r"SMS are (?P<state>open|closed) by the channel's hours$"))
def sms_state(routing_admin: RoutingAdmin, state: str) -> None:
    routing_admin.expect_open(state == "open", channel="sms", by="channel sms")


# -- queues and IVR menus ---------------------------------------------------------------------


@given(parsers.parse('the IVR of "{number}" is:'))
def ivr_is(routing_admin: RoutingAdmin, number: str, datatable: list[list[str]]) -> None:
    routing_admin.build_tree(number, datatable)


@given(parsers.parse('the queue "{queue}" is open "{hours}" in "{zone}"'))
def queue_hours(routing_admin: RoutingAdmin, queue: str, hours: str, zone: str) -> None:
    routing_admin.set_hours("queue", queue, hours, zone)


@when(parsers.parse('a customer calls "{number}" and the IVR answers'))
def customer_calls_ivr(ivr_calls: IvrCalls, number: str) -> None:
    ivr_calls.dial(number)


@when(parsers.parse('a customer with a hidden number calls "{number}" and the IVR answers'))
def hidden_customer_calls_ivr(ivr_calls: IvrCalls, number: str) -> None:
    ivr_calls.dial(number, hide_number=True)


@when(
    parsers.re(
        r'the customer keys "(?P<digits>[0-9*#]+)"(?: as (?P<mode>in-band tones|RFC 4733 events))?$'
    )
)
def customer_keys(ivr_calls: IvrCalls, digits: str, mode: str | None) -> None:
    ivr_calls.key(digits, "inband" if mode == "in-band tones" else "rfc4733")


@then(parsers.re(r"the customer hears (?P<prompt>the .+)$"))
def customer_hears(ivr_calls: IvrCalls, prompt: str) -> None:
    ivr_calls.expect_prompt(prompt)


@then(parsers.parse('the call log shows the IVR branch "{branch}"'))
def call_log_branch(ivr_calls: IvrCalls, branch: str) -> None:
    ivr_calls.expect_branch([b.strip() for b in branch.split(">")])


@then(parsers.parse('the customer and "{agent}" hear each other'))
def hear_each_other(flows: CallFlows, agent: str) -> None:
    flows.expect_two_way_audio(flows.last, agent, IVR_AUDIO_BOUND_MS)


# -- after-hours deflection ---------------------------------------------------------------------


@given(parsers.re(r"after-hours deflection of calls is on, to (?P<option>[^,]+)$"))
def call_deflection_on(routing_admin: RoutingAdmin, option: str) -> None:
    routing_admin.set_call_deflection(routing_admin.deflection_from_words(option))


@given(parsers.re(r'the queue "(?P<queue>[^"]+)" overrides after-hours calls with (?P<option>.+)$'))
def queue_override(routing_admin: RoutingAdmin, queue: str, option: str) -> None:
    routing_admin.set_override(queue, routing_admin.deflection_from_words(option))


@given(
    parsers.re(
        r"the (?P<message>after-hours message|voicemail greeting|voicemail prompt [a-z ]+)"
        r' is "(?P<text>[^"]*)"$'
    )
)
def message_text(routing_admin: RoutingAdmin, message: str, text: str) -> None:
    routing_admin.set_message(message, text)


@then("the contact center ends the call after the message")
def ended_after_message(ivr_calls: IvrCalls) -> None:
    ivr_calls.expect_ended_after_message()


@then(parsers.re(r'the call log shows the call deflected by the hours of "(?P<queue>[^"]+)"$'))
def deflected_by(ivr_calls: IvrCalls, queue: str) -> None:
    ivr_calls.expect_deflected_by(queue)


@given(parsers.parse('the queue "{queue}" has the agent "{agent}"'))
def queue_has_agent(routing_admin: RoutingAdmin, queue: str, agent: str) -> None:
    routing_admin.set_agents(queue, [agent])


# -- voicemail ------------------------------------------------------------------------------------


@when(parsers.parse("the customer leaves a {seconds:d}-second message and hangs up"))
def leaves_message(ivr_calls: IvrCalls, seconds: int) -> None:
    ivr_calls.leave_message(seconds)


@then(
    parsers.parse(
        'a voicemail is kept for "{queue}" holding the customer\'s {seconds:d}-second message'
    )
)
def voicemail_kept(ivr_calls: IvrCalls, queue: str, seconds: int) -> None:
    ivr_calls.expect_voicemail(queue, seconds)


@then(parsers.re(r"(?P<agents>.+) (?:is|are) notified of the voicemail$"))
def notified(ivr_calls: IvrCalls, agents: str) -> None:
    ivr_calls.expect_notified(names(agents))


@then("the voicemail is available in the CRM")
def in_crm(ivr_calls: IvrCalls) -> None:
    ivr_calls.expect_crm_record()


@given(parsers.parse('a phone "{name}" outside the contact center, with a number of its own'))
def outside_phone(routing_admin: RoutingAdmin, name: str) -> None:
    routing_admin.add_outside_phone(name)


# -- transfer targets ------------------------------------------------------------------------------


@given(parsers.parse('the leaf queues of the account, in "{zone}", are:'))
def leaf_queues(routing_admin: RoutingAdmin, zone: str, datatable: list[list[str]]) -> None:
    routing_admin.build_queues(datatable, zone)


@given(
    parsers.re(
        r"after-hours deflection of calls is on, to (?P<option>.+), "
        r"with transfers to after-hours queues (?P<allowed>allowed|not allowed)$"
    )
)
def call_deflection_with_transfers(routing_admin: RoutingAdmin, option: str, allowed: str) -> None:
    routing_admin.set_call_deflection(
        routing_admin.deflection_from_words(option), transfers=allowed == "allowed"
    )


@given(
    parsers.re(
        r"after-hours deflection of chats is (?P<state>on|off), "
        r"with transfers to after-hours queues (?P<allowed>allowed|not allowed)$"
    )
)
def chat_deflection(routing_admin: RoutingAdmin, state: str, allowed: str) -> None:
    routing_admin.set_chat_settings(deflection=state == "on", transfers=allowed == "allowed")


@then(
    parsers.re(
        r'"(?P<agent>[^"]+)" sees as (?P<family>call|chat) transfer targets exactly: '
        r"(?P<queues>.+)$"
    )
)
def sees_targets(routing_admin: RoutingAdmin, agent: str, family: str, queues: str) -> None:
    routing_admin.expect_transfer_targets(agent, f"{family}s", names(queues))


# -- bad settings ---------------------------------------------------------------------------------


@when(parsers.re(r"the admin tries to send after-hours calls to (?P<option>.+)$"))
def try_call_deflection(routing_admin: RoutingAdmin, option: str) -> None:
    routing_admin.attempt(
        lambda: routing_admin.set_call_deflection(routing_admin.deflection_from_words(option))
    )


@when(
    parsers.re(
        r'the admin tries to make the queue "(?P<queue>[^"]+)" override after-hours '
        r"(?P<channel>calls|web chats) with (?P<option>.+)$"
    )
)
def try_override(routing_admin: RoutingAdmin, queue: str, channel: str, option: str) -> None:
    deflection = routing_admin.deflection_from_words(option)
    routing_admin.attempt(
        lambda: routing_admin.set_override(
            queue, deflection, channel="ivr" if channel == "calls" else "web"
        )
    )


@when(parsers.parse('the admin tries to reach outside numbers through a carrier at "{address}"'))
def try_carrier(routing_admin: RoutingAdmin, address: str) -> None:
    host, _, port = address.rpartition(":")
    routing_admin.attempt(
        lambda: routing_admin.run(routing_admin.routing.set_carrier(host, int(port)))
    )


@when(
    parsers.parse(
        'the admin tries to add a queue "{queue}" keyed "{digit}" in the menu of "{menu}"'
    )
)
def try_queue(routing_admin: RoutingAdmin, queue: str, digit: str, menu: str) -> None:
    routing_admin.attempt(lambda: routing_admin.add_queue(queue, parent=menu, digit=digit))


@when(parsers.parse('the admin tries to set the {message} to "{text}"'))
def try_message(routing_admin: RoutingAdmin, message: str, text: str) -> None:
    routing_admin.attempt(lambda: routing_admin.set_message(message, text))


@then(parsers.parse('the voicemail keeps "{number}" as the number to call back'))
def callback_kept(ivr_calls: IvrCalls, number: str) -> None:
    ivr_calls.expect_callback(number)
