"""Steps for business hours, queues, IVR menus and after-hours deflection; each calls one
method of :class:`harness.scenario.routing.RoutingAdmin`."""

from __future__ import annotations

from datetime import date

from pytest_bdd import given, parsers, then, when

from harness.scenario.routing import RoutingAdmin


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
