"""Steps for unauthenticated consumers and reserved customer flags; each calls one method of
:class:`harness.scenario.consumer_identity.ConsumerIdentityDesk`."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.consumer_identity import ConsumerIdentityDesk

SDK = r"(?P<sdk>web SDK|mobile app)"


# -- CRM and identities (CC-UNA) --
@given("the account writes its consumers' contacts and tickets into the harness's CRM")
def crm(identity_desk: ConsumerIdentityDesk) -> None:
    identity_desk.connect_crm()


@when(
    parsers.re(
        rf'"(?P<name>[^"]+)" starts a chat on the {SDK} of "(?P<queue>[^"]+)" without logging in$'
    )
)
def anonymous_chat(identity_desk: ConsumerIdentityDesk, name: str, sdk: str, queue: str) -> None:
    identity_desk.start_chat(name, sdk, queue, {})


@when(
    parsers.parse(
        '"{name}" starts a chat on the mobile app of "{queue}" without logging in,'
        ' from the installation "{install}"'
    )
)
def mobile_chat(identity_desk: ConsumerIdentityDesk, name: str, queue: str, install: str) -> None:
    identity_desk.start_chat(name, "mobile app", queue, {"installation_id": install})


@when(
    parsers.parse(
        '"{name}" comes back to the web SDK of "{queue}" with her unique ID and starts a chat'
    )
)
def returning_visitor(identity_desk: ConsumerIdentityDesk, name: str, queue: str) -> None:
    visitor = identity_desk.unique_id(name)
    identity_desk.start_chat(name, "web SDK", queue, {"visitor_id": visitor})


@when(parsers.parse('a visitor starts a chat on the web SDK page of "{queue}" in her browser'))
@when(
    parsers.parse(
        'the visitor comes back to the web SDK page of "{queue}" in the same browser and starts'
        " a chat"
    )
)
def page_chat(identity_desk: ConsumerIdentityDesk, queue: str) -> None:
    identity_desk.chat_on_page(queue)


@then(parsers.parse('the CRM\'s only contact is "{first_name}", with {count:d} tickets'))
def only_contact(identity_desk: ConsumerIdentityDesk, first_name: str, count: int) -> None:
    identity_desk.expect_only_contact(first_name, count)


@when(parsers.parse('"{name}" starts another chat in the same session'))
def another_chat(identity_desk: ConsumerIdentityDesk, name: str) -> None:
    identity_desk.chat(name)


@when(parsers.parse('"{name}" logs in as "{user_id}"'))
def logs_in(identity_desk: ConsumerIdentityDesk, name: str, user_id: str) -> None:
    identity_desk.log_in(name, user_id)


@when(parsers.re(rf'a consumer tries to open the {SDK} of "(?P<queue>[^"]+)" with (?P<what>.+)$'))
def try_open(identity_desk: ConsumerIdentityDesk, sdk: str, queue: str, what: str) -> None:
    identity = (
        {"installation_id": " "}
        if what == "a blank installation ID"
        else {"visitor_id": what.split('"')[1]}
    )
    identity_desk.try_open(sdk, queue, identity)


@then(parsers.parse('"{name}" has a temporary unique ID given by the contact center'))
def temporary_id(identity_desk: ConsumerIdentityDesk, name: str) -> None:
    identity_desk.expect_temporary_id(name)


@then(parsers.parse('the CRM has a contact "{first_name}" with the unique ID of "{name}"'))
def contact_named(identity_desk: ConsumerIdentityDesk, first_name: str, name: str) -> None:
    identity_desk.expect_contact(name, first_name)


@then(parsers.parse('the contact of "{name}" carries the mobile SDK ID "{install}"'))
def contact_sdk_id(identity_desk: ConsumerIdentityDesk, name: str, install: str) -> None:
    identity_desk.expect_mobile_sdk_id(name, install)


@then(parsers.re(r'the contact of "(?P<name>[^"]+)" has (?P<count>\d+) tickets?$'))
def contact_tickets(identity_desk: ConsumerIdentityDesk, name: str, count: str) -> None:
    identity_desk.expect_tickets(name, int(count))


@then(parsers.re(r"the CRM has (?P<count>\d+) contacts?$"))
def contact_count(identity_desk: ConsumerIdentityDesk, count: str) -> None:
    identity_desk.expect_contact_count(int(count))


@then(parsers.parse('"{first}" and "{second}" have different unique IDs'))
def different_ids(identity_desk: ConsumerIdentityDesk, first: str, second: str) -> None:
    identity_desk.expect_different_ids(first, second)


@then(parsers.parse('"{name}" kept her unique ID'))
def same_id(identity_desk: ConsumerIdentityDesk, name: str) -> None:
    identity_desk.expect_same_id(name)


@then(parsers.parse('"{name}" has a new unique ID'))
def new_id(identity_desk: ConsumerIdentityDesk, name: str) -> None:
    identity_desk.expect_new_id(name)


@then(
    parsers.parse(
        'the tickets from before the login belong to the contact of "{user_id}" in the CRM'
    )
)
def merged(identity_desk: ConsumerIdentityDesk, user_id: str) -> None:
    identity_desk.expect_merged(user_id)


@then(parsers.parse('it is refused, naming "{words}"'))
def refused(identity_desk: ConsumerIdentityDesk, words: str) -> None:
    identity_desk.expect_refused(words)


# -- reserved flags (CC-RSV) --
@given(
    parsers.re(
        rf'"(?P<name>[^"]+)" opened the {SDK} of "(?P<queue>[^"]+)" with the reserved data'
        r' "(?P<data>[^"]*)"$'
    )
)
@when(
    parsers.re(
        rf'"(?P<name>[^"]+)" opens the {SDK} of "(?P<queue>[^"]+)" with the reserved data'
        r' "(?P<data>[^"]*)"$'
    )
)
def open_with_flags(
    identity_desk: ConsumerIdentityDesk, name: str, sdk: str, queue: str, data: str
) -> None:
    identity_desk.open_with_flags(name, sdk, queue, data)


@when(parsers.parse('the app of "{name}" sends the reserved data "{data}"'))
def app_sends(identity_desk: ConsumerIdentityDesk, name: str, data: str) -> None:
    identity_desk.app_sends(name, data)


@when(parsers.parse('the Apps API sends the reserved data "{data}" for the session of "{name}"'))
def api_sends(identity_desk: ConsumerIdentityDesk, data: str, name: str) -> None:
    identity_desk.api_sends(name, data)


@then(parsers.parse('the Apps API gives the session of "{name}" the profile flags "{wanted}"'))
def session_flags(identity_desk: ConsumerIdentityDesk, name: str, wanted: str) -> None:
    identity_desk.expect_session_flags(name, wanted)


@given(
    parsers.parse(
        'the virtual agent of "{queue}" passes "verified customer" from the session metadata'
        ' "{key}"'
    )
)
def virtual_agent(identity_desk: ConsumerIdentityDesk, queue: str, key: str) -> None:
    identity_desk.virtual_agent(queue, key)


@when(
    parsers.parse(
        '"{name}" opens the mobile app of "{queue}" with the session metadata "{key}" set to'
        ' "{value}" and starts a chat'
    )
)
def chat_with_metadata(
    identity_desk: ConsumerIdentityDesk, name: str, queue: str, key: str, value: str
) -> None:
    identity_desk.open_with_metadata(name, queue, {key: value})
    identity_desk.chat(name)


@when(
    parsers.re(
        r'(?P<sender>the app|the Apps API) tries to send the reserved data "(?P<data>[^"]*)"'
        r" for (?:the session of|the (?P<whose>ended|unknown) session instead of that of)"
        r' "(?P<name>[^"]+)"$'
    )
)
def try_send(
    identity_desk: ConsumerIdentityDesk, sender: str, data: str, whose: str | None, name: str
) -> None:
    identity_desk.try_send(sender, data, whose or "her", name)


@then(parsers.parse('the reserved data of "{name}" are as they were'))
def flags_unchanged(identity_desk: ConsumerIdentityDesk, name: str) -> None:
    identity_desk.expect_flags_unchanged(name)


# -- calls (CC-RSV-2, 3, 5) --
@when(parsers.parse('a customer calls "{number}" with the reserved data "{data}" in SIP headers'))
def call_with_flags(identity_desk: ConsumerIdentityDesk, number: str, data: str) -> None:
    identity_desk.call_with(number, data)


@then(parsers.parse('the pop-up of "{name}" shows the user profile flags "{wanted}"'))
def popup_flags(identity_desk: ConsumerIdentityDesk, name: str, wanted: str) -> None:
    identity_desk.expect_popup_flags(name, wanted)


@then(parsers.parse('the pop-up of "{name}" shows the flag "{label}", meaning "{words}"'))
def popup_meaning(identity_desk: ConsumerIdentityDesk, name: str, label: str, words: str) -> None:
    identity_desk.expect_popup_meaning(name, label, words)


@then(parsers.parse('the call view of "{name}" shows the user profile flags "{wanted}"'))
def call_view_flags(identity_desk: ConsumerIdentityDesk, name: str, wanted: str) -> None:
    identity_desk.expect_call_view_flags(name, wanted)


@then(parsers.parse('the Apps API gives the call the profile flags "{wanted}" during the call'))
def call_flags(identity_desk: ConsumerIdentityDesk, wanted: str) -> None:
    identity_desk.expect_call_flags(wanted)


@when(parsers.parse('the Apps API sends the reserved data "{data}" for the call'))
def api_sends_for_call(identity_desk: ConsumerIdentityDesk, data: str) -> None:
    identity_desk.api_sends_for_call(data)


@then(parsers.parse('the call is refused, with a warning naming the header of "{flag}"'))
def call_refused(identity_desk: ConsumerIdentityDesk, flag: str) -> None:
    identity_desk.expect_call_refused(flag)
