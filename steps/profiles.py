"""Steps for end users and callers' identity (seed 001: ZT-ID, ZT-MRG); each calls one method
of :class:`harness.scenario.profiles.CallerBook`."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.phrases import names
from harness.scenario.profiles import CallerBook

COUNTRY = r"(?P<country>French|Spanish|Vietnamese|American)"
UNKNOWN = r"(?P<line>a withheld number|a digital line)"


@given(parsers.re(r'an end user "(?P<name>[^"]+)"$'))
def an_end_user(caller_book: CallerBook, name: str) -> None:
    caller_book.add_end_user(name)


@given(parsers.re(rf'an end user "(?P<name>[^"]+)" with the {COUNTRY} number "(?P<label>[^"]+)"$'))
def an_end_user_with_a_number(caller_book: CallerBook, name: str, country: str, label: str) -> None:
    caller_book.add_end_user(name, [label], country)


@given(parsers.re(r'an end user "(?P<name>[^"]+)" with the numbers (?P<labels>".+")$'))
def an_end_user_with_numbers(caller_book: CallerBook, name: str, labels: str) -> None:
    caller_book.add_end_user(name, names(labels))


@given(parsers.re(rf'"(?P<label>[^"]+)" is a {COUNTRY} number on no profile$'))
def a_number_on_no_profile(caller_book: CallerBook, label: str, country: str) -> None:
    caller_book.number(label, country)


@given(parsers.re(r"phone validation is (?P<state>on|off)$"))
@when(parsers.re(r"the admin turns phone validation (?P<state>on|off)$"))
def phone_validation(caller_book: CallerBook, state: str) -> None:
    caller_book.set_phone_validation(state == "on")


@given(parsers.re(rf'the {COUNTRY} number "(?P<label>[^"]+)" is added to "(?P<name>[^"]+)"$'))
@when(parsers.re(rf'the {COUNTRY} number "(?P<label>[^"]+)" is added to "(?P<name>[^"]+)"$'))
def a_new_number_is_added(caller_book: CallerBook, country: str, label: str, name: str) -> None:
    caller_book.add_phone(name, label, country)


@given(parsers.parse('the number "{label}" is added to "{name}"'))
@when(parsers.parse('the number "{label}" is added to "{name}"'))
def a_number_is_added(caller_book: CallerBook, label: str, name: str) -> None:
    caller_book.add_phone(name, label)


@given(parsers.parse('the number "{label}" is removed from "{name}"'))
@when(parsers.parse('the number "{label}" is removed from "{name}"'))
def a_number_is_removed(caller_book: CallerBook, label: str, name: str) -> None:
    caller_book.remove_phone(name, label)


@when(parsers.parse('someone tries to add the number "{number}" to "{name}"'))
def tries_to_add(caller_book: CallerBook, number: str, name: str) -> None:
    caller_book.try_add_phone(name, number)


@given(parsers.parse('"{name}" is merged into "{into}"'))
@when(parsers.parse('"{name}" is merged into "{into}"'))
def merged(caller_book: CallerBook, name: str, into: str) -> None:
    caller_book.merge(name, into)


@when(parsers.parse('someone tries to merge "{name}" into "{into}"'))
def tries_to_merge(caller_book: CallerBook, name: str, into: str) -> None:
    caller_book.try_merge(name, into)


@given(parsers.parse('"{label}" called "{number}" and hung up'))
@when(parsers.parse('"{label}" calls "{number}" and hangs up'))
def calls_and_hangs_up(caller_book: CallerBook, label: str, number: str) -> None:
    caller_book.call_and_hang_up(label, number)


@when(parsers.re(rf'a caller from {UNKNOWN} calls "(?P<number>[^"]+)" and hangs up$'))
def unknown_calls(caller_book: CallerBook, line: str, number: str) -> None:
    caller_book.call_and_hang_up(line, number)


@when(parsers.parse('"{label}" calls "{number}"'))
def calls(caller_book: CallerBook, label: str, number: str) -> None:
    caller_book.dial(label, number)


# "the caller from": an agent's own '"Alice" hangs up' is another step (steps.tickets).
@when(parsers.re(rf'the caller from (?:"(?P<label>[^"]+)"|{UNKNOWN}) hangs up$'))
def hangs_up(caller_book: CallerBook, label: str | None, line: str | None) -> None:
    caller_book.hang_up(label or line or "")


@then(parsers.parse('the requester of the call is "{name}"'))
def requester_is(caller_book: CallerBook, name: str) -> None:
    caller_book.expect_requester(name)


@then(parsers.parse('the requester of the last call from "{label}" is "{name}"'))
def requester_of_last_call_is(caller_book: CallerBook, label: str, name: str) -> None:
    caller_book.expect_requester(name, label=label)


@then(
    parsers.parse(
        'the requester of the call from "{label}" is a new end user "{name}" named with the number'
    )
)
def requester_is_new(caller_book: CallerBook, label: str, name: str) -> None:
    caller_book.expect_new_requester(name, label)


@then(parsers.re(rf"each call from {UNKNOWN} has an unknown caller of its own as requester$"))
def unknown_requesters(caller_book: CallerBook, line: str) -> None:
    caller_book.expect_unknown_callers(line)


@then(
    parsers.re(
        r'"(?P<name>[^"]+)" has (?:exactly the direct lines? (?P<direct>".+?")|no direct line)'
        r'(?: and the shared number "(?P<shared>[^"]+)"| and no shared number)$'
    )
)
def has_exactly(caller_book: CallerBook, name: str, direct: str | None, shared: str | None) -> None:
    caller_book.expect_numbers(name, names(direct) if direct else [], shared)


@then(parsers.re(r'"(?P<name>[^"]+)" has no number$'))
def has_no_number(caller_book: CallerBook, name: str) -> None:
    caller_book.expect_numbers(name, [], None)


@then(parsers.parse('"{name}" is no longer linked to "{label}"'))
def not_linked(caller_book: CallerBook, name: str, label: str) -> None:
    caller_book.expect_not_holding(name, label)


@then(parsers.parse("the account has {count:d} end users"))
@then(parsers.parse("the account has {count:d} end user"))
def end_user_count(caller_book: CallerBook, count: int) -> None:
    caller_book.expect_end_user_count(count)


@then(parsers.parse('it is refused with an error saying "{words}" and nothing stored changes'))
def refused(caller_book: CallerBook, words: str) -> None:
    caller_book.expect_refused(words)
