"""Steps for consumers after hours (SDKs, web chat, SMS); each calls one method of
:class:`harness.scenario.consumers.ConsumerDesk`."""

from __future__ import annotations

from datetime import date

from pytest_bdd import given, parsers, then, when

from harness.scenario.consumers import ConsumerDesk
from harness.sut.routing_model import ChannelName

CUSTOMER = "customer"


@given(parsers.parse('a consumer queue "{queue}" answered by "{first}" and "{second}"'))
def queue_of_two(consumer_desk: ConsumerDesk, queue: str, first: str, second: str) -> None:
    consumer_desk.add_queue(queue, [first, second])


@given(parsers.re(r'a consumer queue "(?P<queue>[^"]+)" answered by "(?P<agent>[^"]+)"$'))
def queue_of_one(consumer_desk: ConsumerDesk, queue: str, agent: str) -> None:
    consumer_desk.add_queue(queue, [agent])


@given(parsers.parse('the consumer queue "{queue}" is open "{hours}" in "{zone}"'))
def queue_hours(consumer_desk: ConsumerDesk, queue: str, hours: str, zone: str) -> None:
    consumer_desk.routing.set_hours("queue", queue, hours, zone)


@given(parsers.parse('the consumer queue "{queue}" is closed on the holiday "{day}"'))
def queue_holiday(consumer_desk: ConsumerDesk, queue: str, day: str) -> None:
    consumer_desk.routing.add_holiday("queue", queue, date.fromisoformat(day))


@given(parsers.parse('the help-center email address is "{address}"'))
def help_email(consumer_desk: ConsumerDesk, address: str) -> None:
    consumer_desk.configure(help_email=address)


@given("calls are deflected after hours in Settings > Call")
def call_deflection(consumer_desk: ConsumerDesk) -> None:
    consumer_desk.deflect_calls()


@given(parsers.parse('the SDKs offer "{options}" after hours, "Call now" dialling "{phone}"'))
def sdk_options_with_phone(consumer_desk: ConsumerDesk, options: str, phone: str) -> None:
    consumer_desk.offer(options, phone)


@given(parsers.parse('the SDKs offer "{options}" after hours'))
def sdk_options(consumer_desk: ConsumerDesk, options: str) -> None:
    consumer_desk.offer(options)


@given(parsers.parse('scheduled calls are on for "{channels}"'))
def scheduled_calls(consumer_desk: ConsumerDesk, channels: str) -> None:
    consumer_desk.scheduled_calls_on(channels)


@given(
    parsers.re(r"chats are deflected after hours, (?P<email>with email deflection|without email)")
)
def chat_deflection(consumer_desk: ConsumerDesk, email: str) -> None:
    consumer_desk.deflect_chats(email=email == "with email deflection")


@given(parsers.parse('the mobile override of "{queue}" redirects to the queue "{target}"'))
def override_redirect(consumer_desk: ConsumerDesk, queue: str, target: str) -> None:
    consumer_desk.mobile_override(queue, redirect=target)


@given(parsers.parse('the mobile override of "{queue}" offers "{options}"'))
def override_options(consumer_desk: ConsumerDesk, queue: str, options: str) -> None:
    consumer_desk.mobile_override(queue, options)


@given(parsers.parse('the SMS of the account go to the queue "{queue}"'))
def sms_queue(consumer_desk: ConsumerDesk, queue: str) -> None:
    consumer_desk.route_sms(queue)


@given(parsers.parse('the SMS override of "{queue}" says "{message}"'))
def sms_override(consumer_desk: ConsumerDesk, queue: str, message: str) -> None:
    consumer_desk.sms_override(queue, message)


@when(
    parsers.parse(
        'a customer opens the mobile SDK on the queue "{queue}" with app version "{version}"'
        ' on a "{device}"'
    )
)
def opens_mobile_with(consumer_desk: ConsumerDesk, queue: str, version: str, device: str) -> None:
    consumer_desk.open_app(CUSTOMER, "mobile", queue, app_version=version, device_type=device)


@when(
    parsers.re(
        r'a customer opens the (?P<channel>mobile|web) SDK on the queue "(?P<queue>[^"]+)"'
        r'(?:\s*in "(?P<language>[^"]+)")?$'
    )
)
def opens_sdk(consumer_desk: ConsumerDesk, channel: str, queue: str, language: str | None) -> None:
    consumer_desk.open_app(CUSTOMER, channel, queue, language=language)


@when(parsers.parse('a customer keeps the mobile app open on the queue "{queue}"'))
def keeps_open(consumer_desk: ConsumerDesk, queue: str) -> None:
    consumer_desk.keep_open(CUSTOMER, "mobile", queue)


@when(
    parsers.parse('the admin changes the SDK options to "{options}", "Call now" dialling "{phone}"')
)
def changes_options(consumer_desk: ConsumerDesk, options: str, phone: str) -> None:
    consumer_desk.offer(options, phone)


@when(parsers.parse('a customer opens the web SDK page on the queue "{queue}"'))
def opens_web_page(consumer_desk: ConsumerDesk, queue: str) -> None:
    consumer_desk.open_web_page(CUSTOMER, queue)


@when(parsers.parse('a customer starts a web chat on the queue "{queue}"'))
def starts_chat(consumer_desk: ConsumerDesk, queue: str) -> None:
    consumer_desk.open_app(CUSTOMER, "web", queue)
    consumer_desk.start_chat(CUSTOMER)


@when(parsers.parse('the customer books the slot "{slot}"'))
def books_slot(consumer_desk: ConsumerDesk, slot: str) -> None:
    consumer_desk.book(CUSTOMER, slot)


@when("the customer books the first slot offered")
def books_first(consumer_desk: ConsumerDesk) -> None:
    consumer_desk.book(CUSTOMER)


@when("the customer books the first slot offered on the page")
def books_on_page(consumer_desk: ConsumerDesk) -> None:
    consumer_desk.book_on_page(CUSTOMER)


@when(parsers.parse('the customer leaves the voicemail "{message}"'))
def leaves_voicemail(consumer_desk: ConsumerDesk, message: str) -> None:
    consumer_desk.leave_voicemail(CUSTOMER, message)


@when(parsers.parse('the admin sets a {channel} override on the queue "{queue}"'))
def sets_override(consumer_desk: ConsumerDesk, channel: ChannelName, queue: str) -> None:
    consumer_desk.set_sample_override(queue, channel)


@when(
    parsers.parse('the admin adds the option "{option}" to the redirect of "{queue}" to "{target}"')
)
def adds_to_redirect(consumer_desk: ConsumerDesk, option: str, queue: str, target: str) -> None:
    consumer_desk.try_override(queue, "mobile", option, redirect=target)


@when(parsers.parse('the admin adds the option "{option}" to the mobile override of "{queue}"'))
def adds_to_override(consumer_desk: ConsumerDesk, option: str, queue: str) -> None:
    consumer_desk.try_override(queue, "mobile", consumer_desk.with_option(queue, option))


@given("the SMS gateway refuses every message")
def gateway_refuses(consumer_desk: ConsumerDesk) -> None:
    consumer_desk.gateway_fault("refuse")


@given("the SMS gateway drops every connection")
def gateway_drops(consumer_desk: ConsumerDesk) -> None:
    consumer_desk.gateway_fault("drop")


@when(parsers.parse('a customer texts "{body}"'))
def texts_in(consumer_desk: ConsumerDesk, body: str) -> None:
    consumer_desk.text_in(CUSTOMER, body)


@then(parsers.parse('the SDK shows "{shown}"'))
def sdk_shows(consumer_desk: ConsumerDesk, shown: str) -> None:
    consumer_desk.expect_shown(CUSTOMER, shown)


@then(parsers.parse('the open app shows "{shown}"'))
def open_app_shows(consumer_desk: ConsumerDesk, shown: str) -> None:
    consumer_desk.expect_latest_options(CUSTOMER, shown)


@then(parsers.parse('the open app shows "{shown}" within {seconds:d} seconds, without asking'))
def open_app_pushed(consumer_desk: ConsumerDesk, shown: str, seconds: int) -> None:
    consumer_desk.expect_pushed(CUSTOMER, shown, float(seconds))


@then(
    parsers.parse(
        'every scheduled-call slot lies within the hours of "{queue}", the first at "{first}"'
    )
)
def slots_within(consumer_desk: ConsumerDesk, queue: str, first: str) -> None:
    consumer_desk.expect_slots_within(CUSTOMER, queue, first)


@then(parsers.parse('the booking is refused naming "{field}", and nothing is booked'))
def booking_refused(consumer_desk: ConsumerDesk, field: str) -> None:
    consumer_desk.expect_booking_refused(field)


@then(
    parsers.parse(
        'the page confirms the call, and the contact center keeps it within the hours of "{queue}"'
    )
)
def page_booking_kept(consumer_desk: ConsumerDesk, queue: str) -> None:
    consumer_desk.expect_page_booking_kept(CUSTOMER, queue)


@then("the contact center keeps the customer's scheduled call")
def booking_kept(consumer_desk: ConsumerDesk) -> None:
    consumer_desk.expect_booked(CUSTOMER)


@then(
    parsers.parse(
        'the email option opens the mail app to "{address}" with "{first}" and "{second}"'
        " in the body"
    )
)
def mailto(consumer_desk: ConsumerDesk, address: str, first: str, second: str) -> None:
    consumer_desk.expect_mailto(CUSTOMER, address, [first, second])


@then(parsers.parse('the page asks the customer to write to "{address}"'))
def web_email(consumer_desk: ConsumerDesk, address: str) -> None:
    consumer_desk.expect_web_email_message(CUSTOMER, address)


@then(parsers.parse('the phone option says "{label}" and dials "{number}"'))
def phone_option(consumer_desk: ConsumerDesk, label: str, number: str) -> None:
    consumer_desk.expect_option(CUSTOMER, "phone", label=label, number=number)


@then(parsers.parse('the voicemail option says "{label}"'))
def voicemail_option(consumer_desk: ConsumerDesk, label: str) -> None:
    consumer_desk.expect_option(CUSTOMER, "voicemail", label=label)


@then(parsers.parse('the voicemail is for "{first}" and "{second}"'))
def voicemail_for(consumer_desk: ConsumerDesk, first: str, second: str) -> None:
    consumer_desk.expect_voicemail_for([first, second])


@then(parsers.parse('the chat answers with {kind} saying "{words}"'))
def chat_answer(consumer_desk: ConsumerDesk, kind: str, words: str) -> None:
    consumer_desk.expect_chat_answer(CUSTOMER, kind, words)


@then(parsers.parse('the page\'s chat shows "{words}"'))
def web_chat(consumer_desk: ConsumerDesk, words: str) -> None:
    consumer_desk.expect_web_chat_line(CUSTOMER, words)


@then("the override is kept")
def override_kept(consumer_desk: ConsumerDesk) -> None:
    consumer_desk.expect_sample_override_kept()


@then(parsers.parse('the override is refused saying "{words}"'))
@then(parsers.parse('the override change is refused saying "{words}"'))
def override_refused(consumer_desk: ConsumerDesk, words: str) -> None:
    consumer_desk.expect_refused_naming(words)


@then(
    parsers.parse(
        'the contact center logs its after-hours SMS to the customer as failed saying "{reason}"'
    )
)
def sms_failed(consumer_desk: ConsumerDesk, reason: str) -> None:
    consumer_desk.expect_sms_failed(reason)


@then(parsers.parse('the customer gets the SMS "{text}"'))
def sms_reply(consumer_desk: ConsumerDesk, text: str) -> None:
    consumer_desk.expect_sms_reply(text)


@then(parsers.parse("the customer gets no SMS within {seconds:d} second"))
def no_sms_reply(consumer_desk: ConsumerDesk, seconds: int) -> None:
    consumer_desk.expect_no_sms_reply(float(seconds))
