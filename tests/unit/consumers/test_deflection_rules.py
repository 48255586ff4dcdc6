"""The consumer side's after-hours rules (seed 004, CC-AH-4 to 8, 11, 13, 15, 16), pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from harness.reference.domain.consumer_deflection import (
    CALL_NOW,
    LEAVE_MESSAGE,
    ConsumerSettings,
    MobileOverride,
    QueueState,
    SdkContext,
    SdkOption,
    chat_after_hours,
    check_override_channel,
    mailto,
    parse_mobile_override,
    parse_settings,
    parse_sms_override,
    shown_options,
)
from harness.reference.domain.errors import InvalidField
from harness.reference.domain.sms import validate_gateway_url
from harness.scenario.consumers import within
from harness.sut.routing_model import WeeklyHours

ALL = ["scheduled_call", "email", "phone", "voicemail"]
SETTINGS = parse_settings(
    {
        "help_email": "help@example.test",
        "sdk_options": ALL,
        "sdk_phone": "+33140000000",
        "scheduled_calls": ["mobile"],
    },
    ConsumerSettings(),
)
SLOT = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
CLOSED = QueueState("q1", open=False, deflection_on=True, slots=(SLOT,))


def kinds(channel: str, state: QueueState = CLOSED, override: MobileOverride | None = None):
    shown = shown_options(SdkContext(channel), SETTINGS, state, override)
    return [o["kind"] for o in shown.options]


def test_within_hours_the_sdks_show_call_and_chat():
    open_now = QueueState("q1", open=True, deflection_on=True)
    assert kinds("web", open_now) == kinds("mobile", open_now) == ["call", "chat"]


def test_after_hours_only_the_selected_options_show_and_phone_and_voicemail_are_mobile_only():
    assert kinds("mobile") == ALL
    assert kinds("web") == ["scheduled_call", "email"]


def test_after_hours_with_deflection_off_the_usual_options_stay():
    off = QueueState("q1", open=False, deflection_on=False)
    assert kinds("mobile", off) == ["call", "chat"]


def test_phone_says_call_now_and_voicemail_asks_for_a_message():
    shown = shown_options(SdkContext("mobile"), SETTINGS, CLOSED, None).options
    by_kind = {o["kind"]: o for o in shown}
    assert (by_kind["phone"]["label"], by_kind["phone"]["number"]) == (CALL_NOW, "+33140000000")
    assert by_kind["voicemail"]["label"] == LEAVE_MESSAGE
    assert by_kind["scheduled_call"]["slots"] == ["2025-03-04T09:00:00Z"]


def test_the_mobile_mail_link_carries_the_address_and_what_the_app_told():
    context = SdkContext("mobile", app_version="4.2.1", device_type="Pixel 8")
    assert mailto("help@example.test", context) == (
        "mailto:help@example.test?body=App%20version%3A%204.2.1%0ADevice%3A%20Pixel%208"
    )
    assert mailto("help@example.test", SdkContext("mobile")) == "mailto:help@example.test"
    web = shown_options(SdkContext("web"), SETTINGS, CLOSED, None).options
    email = next(o for o in web if o["kind"] == "email")
    assert "mailto" not in email and "help@example.test" in email["message"]


def test_a_mobile_override_replaces_the_global_options_and_a_redirect_is_alone():
    only_email = MobileOverride(options=(SdkOption.EMAIL,))
    assert kinds("mobile", override=only_email) == ["email"]
    assert kinds("web", override=only_email) == ["scheduled_call", "email"]  # web: no override
    redirect = MobileOverride(redirect_queue_id="q24")
    assert kinds("mobile", override=redirect) == ["redirect"]


def test_a_redirect_combined_with_an_option_is_refused_naming_the_rule():
    with pytest.raises(InvalidField) as refused:
        parse_mobile_override(
            {"redirect_queue_id": "q24", "options": ["email"]},
            settings=SETTINGS,
            queue_exists=lambda *_: None,
        )
    assert refused.value.field == "redirect_queue_id"
    assert "excludes every other option" in refused.value.message


def test_scheduled_call_in_an_override_needs_scheduled_calls_on_for_mobile():
    without = parse_settings({"scheduled_calls": []}, SETTINGS)
    with pytest.raises(InvalidField, match="scheduled calls enabled for the mobile channel"):
        parse_mobile_override(
            {"options": ["scheduled_call"]}, settings=without, queue_exists=lambda *_: None
        )
    ok = parse_mobile_override(
        {"options": ["scheduled_call"]}, settings=SETTINGS, queue_exists=lambda *_: None
    )
    assert ok.options == (SdkOption.SCHEDULED_CALL,)


def test_a_web_override_does_not_exist():
    with pytest.raises(InvalidField, match="web has no per-queue after-hours override"):
        check_override_channel("web")
    assert check_override_channel("mobile") == "mobile"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"help_email": "not an address"}, "help_email"),
        ({"sdk_options": ["fax"]}, "sdk_options[0]"),
        ({"sdk_options": ["email", "email"]}, "sdk_options[1]"),
        ({"sdk_phone": "0140000000"}, "sdk_phone"),
        ({"help_email": None}, "help_email"),  # email is selected: the address is needed
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_settings_name_the_field(data, field):
    with pytest.raises(InvalidField) as refused:
        parse_settings(data, SETTINGS)
    assert refused.value.field == field


def test_chat_after_hours_deflects_to_email_or_writes_it_in_the_chat():
    deflected = chat_after_hours(parse_settings({"chat_email_deflection": True}, SETTINGS))
    assert deflected["type"] == "chat.deflected" and deflected["email"] == "help@example.test"
    in_body = chat_after_hours(SETTINGS)
    assert in_body["type"] == "chat.message" and "help@example.test" in in_body["body"]


def test_the_sms_override_needs_a_text():
    assert parse_sms_override({"message": " Closed until 9. "}).message == "Closed until 9."
    with pytest.raises(InvalidField, match="message: must not be blank"):
        parse_sms_override({"message": "  "})


@pytest.mark.parametrize(
    "url", ["http://192.0.2.1/x", "http://example.test/", "file:///etc/passwd", "http://[::2]/"]
)
def test_the_gateway_must_be_on_loopback(url):
    with pytest.raises(InvalidField):
        validate_gateway_url(url)
    assert validate_gateway_url("http://[::1]:8080/") == "http://[::1]:8080"


def test_the_harness_reads_a_slot_within_hours_in_the_hours_own_zone():
    weekly = {"mon": ["09:00-12:00", "22:00-24:00"]}
    hours = WeeklyHours("America/New_York", weekly, (date(2026, 3, 9),))
    half = timedelta(minutes=30)
    monday_9_ny = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    assert within(hours, monday_9_ny, monday_9_ny + half)
    assert not within(hours, monday_9_ny - half, monday_9_ny)  # 08:30 New York
    last = datetime(2026, 3, 3, 4, 30, tzinfo=UTC)  # Monday 23:30 New York
    assert within(hours, last, last + half)  # ends at midnight
    holiday = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # 09:00 New York on the holiday
    assert not within(hours, holiday, holiday + half)
