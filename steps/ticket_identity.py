"""Steps where tickets meet end users (seed 001: ZT-ID-1, 3, 6, 10, ZT-MRG-3, 4, 6); each
calls one method of :class:`harness.scenario.ticket_identity.TicketBook` or of the
:class:`harness.scenario.profiles.CallerBook`."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.phrases import names
from harness.scenario.profiles import CallerBook
from harness.scenario.ticket_identity import TicketBook

UNKNOWN = r"(?P<line>a withheld number|a digital line)"
#: A number label in quotes, or a caller without a number.
FROM = r'(?:"(?P<label>[^"]+)"|(?P<line>a withheld number|a digital line))'


@when(parsers.re(rf'a caller from {UNKNOWN} calls "(?P<number>[^"]+)"$'))
def unknown_dials(caller_book: CallerBook, line: str, number: str) -> None:
    caller_book.dial(line, number)


@given(parsers.re(rf'the call from {FROM} made the ticket "(?P<name>[^"]+)"$'))
@then(parsers.re(rf'the call from {FROM} makes the ticket "(?P<name>[^"]+)"$'))
def names_the_ticket(
    ticket_book: TicketBook, label: str | None, line: str | None, name: str
) -> None:
    ticket_book.name_ticket(label or line or "", name)


@when(parsers.parse('"{agent}" comments "{body}" on the ticket "{name}"'))
def comments(ticket_book: TicketBook, agent: str, body: str, name: str) -> None:
    ticket_book.comment(agent, name, body)


@when(parsers.parse('"{agent}" merges the ticket "{name}" into the ticket "{into}"'))
def merges(ticket_book: TicketBook, agent: str, name: str, into: str) -> None:
    ticket_book.merge(agent, name, into)


@when(parsers.parse('"{agent}" tries to merge the ticket "{name}" into the ticket "{into}"'))
def tries_to_merge(ticket_book: TicketBook, agent: str, name: str, into: str) -> None:
    ticket_book.try_merge(agent, name, into)


@when(parsers.parse('"{agent}" sets the requester of the ticket "{name}" to "{user}"'))
def sets_requester(ticket_book: TicketBook, agent: str, name: str, user: str) -> None:
    ticket_book.set_requester(agent, name, user)


@when(
    parsers.parse(
        '"{agent}" makes a new end user "{user}" with the number "{label}"'
        ' the requester of the ticket "{name}"'
    )
)
def new_requester(ticket_book: TicketBook, agent: str, user: str, label: str, name: str) -> None:
    ticket_book.new_requester(agent, name, user, label)


@then(parsers.parse('the ticket of the call has "{user}" as requester'))
def call_ticket_requester(ticket_book: TicketBook, user: str) -> None:
    ticket_book.expect_call_ticket_requester(user)


@then(parsers.parse('the ticket "{name}" has "{user}" as requester'))
def ticket_requester(ticket_book: TicketBook, name: str, user: str) -> None:
    ticket_book.expect_requester(name, user)


@then(
    parsers.re(rf"the ticket of the last call from {UNKNOWN} has its unknown caller as requester$")
)
def unknown_ticket_requester(ticket_book: TicketBook, line: str) -> None:
    ticket_book.expect_unknown_requester(line)


@then(parsers.parse('the top of the ticket "{name}" shows "{label}"'))
def top_shows(ticket_book: TicketBook, name: str, label: str) -> None:
    ticket_book.expect_top(name, label)


@then(parsers.re(r'the ticket "(?P<name>[^"]+)" holds the calls from (?P<labels>".+")$'))
def holds_calls(ticket_book: TicketBook, name: str, labels: str) -> None:
    ticket_book.expect_calls_of(name, names(labels))


@then(parsers.parse('the ticket "{name}" is closed and merged into the ticket "{into}"'))
def merged_into(ticket_book: TicketBook, name: str, into: str) -> None:
    ticket_book.expect_merged(name, into)


@then(parsers.parse('the ticket "{name}" holds the comment "{body}"'))
def holds_comment(ticket_book: TicketBook, name: str, body: str) -> None:
    ticket_book.expect_comment(name, body)


@then(parsers.parse('the merge is refused with an error saying "{words}" and no ticket changed'))
def merge_refused(ticket_book: TicketBook, words: str) -> None:
    ticket_book.expect_refused(words)
