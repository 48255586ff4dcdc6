"""Consumers' identities and reserved flags (seed 004, CC-UNA-1, 2, CC-RSV-1 to 5), pure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.reference.consumers.identity import parse_request
from harness.reference.domain.consumer_identity import (
    check_identifier,
    flags_from_headers,
    metadata_flag,
    parse_flags,
    parse_metadata,
    profile_flags,
    visitor_first_name,
)
from harness.reference.domain.errors import InvalidField


def test_flags_are_the_three_reserved_booleans():
    assert parse_flags({"reserved_bad_actor": True, "reserved_repeat_customer": False}) == {
        "reserved_bad_actor": True,
        "reserved_repeat_customer": False,
    }
    assert parse_flags({}) == {}


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"reserved_vip": True}, "reserved.reserved_vip", "is not a reserved flag"),
        ({"reserved_bad_actor": "true"}, "reserved.reserved_bad_actor", "true or false"),
        ({"reserved_bad_actor": 1}, "reserved.reserved_bad_actor", "true or false"),
        ({"reserved_bad_actor": None}, "reserved.reserved_bad_actor", "true or false"),
        (["reserved_bad_actor"], "reserved", "object"),
    ],
)
def test_bad_flags_are_refused_naming_the_flag(data, field, words):
    with pytest.raises(InvalidField) as refused:
        parse_flags(data)
    assert refused.value.field == field
    assert words in refused.value.message


def test_sip_headers_carry_the_flags_in_any_case_and_other_headers_are_ignored():
    headers = {
        "x-reserved-verified-customer": "TRUE",
        "X-Reserved-Bad-Actor": " false ",
        "Subject": "true",
    }
    assert flags_from_headers(headers) == {
        "reserved_verified_customer": True,
        "reserved_bad_actor": False,
    }


def test_a_header_that_is_not_a_boolean_is_refused_naming_the_header():
    with pytest.raises(InvalidField) as refused:
        flags_from_headers({"X-Reserved-Repeat-Customer": "maybe"})
    assert refused.value.field == "X-Reserved-Repeat-Customer"
    assert "'maybe'" in refused.value.message


def test_profile_flags_and_their_meaning():
    shown = profile_flags(
        {
            "reserved_verified_customer": False,
            "reserved_bad_actor": True,
            "reserved_repeat_customer": True,
        }
    )
    assert [f.label for f in shown] == ["Unverified customer", "Bad actor", "Repeat customer"]
    meanings = {f.label: f.meaning.lower() for f in shown}
    assert "malicious" in meanings["Bad actor"] and "spam" in meanings["Bad actor"]
    assert "before" in meanings["Repeat customer"]
    assert [f.label for f in profile_flags({"reserved_verified_customer": True})] == [
        "Verified customer"
    ]
    # Flags that are false, or never sent, show nothing (verified: only once it was sent).
    assert profile_flags({"reserved_bad_actor": False}) == []
    assert profile_flags({}) == []


def test_the_visitor_name_reads_the_account_clock_in_the_account_zone():
    at = datetime(2026, 10, 5, 8, 15, 30, tzinfo=UTC)
    assert visitor_first_name("web", at, "Europe/Paris") == "Web User - 10/05 10:15"
    assert visitor_first_name("mobile", at, "UTC") == "Mobile User - 10/05 08:15"
    assert visitor_first_name("web", at, "America/New_York") == "Web User - 10/05 04:15"


def test_identifiers_are_short_printable_text():
    assert check_identifier("  customer-4711 ", "user_id") == "customer-4711"
    assert check_identifier(None, "user_id") is None
    for bad in ("", "   ", "x" * 129, "a\nb"):
        with pytest.raises(InvalidField) as refused:
            check_identifier(bad, "user_id")
        assert refused.value.field == "user_id"


def test_metadata_are_strings_and_the_virtual_agent_reads_a_boolean_from_them():
    assert parse_metadata({"crm_verified": "yes"}) == {"crm_verified": "yes"}
    with pytest.raises(InvalidField) as refused:
        parse_metadata({"crm_verified": True})
    assert refused.value.field == "metadata.crm_verified"
    assert metadata_flag({"k": "TRUE"}, "k") is True
    assert metadata_flag({"k": "no"}, "k") is False
    assert metadata_flag({"k": "perhaps"}, "k") is None
    assert metadata_flag({}, "k") is None


@pytest.mark.parametrize(
    ("channel", "data", "field"),
    [
        ("mobile", {"installation_id": "  "}, "installation_id"),
        ("mobile", {"visitor_id": "visitor-1", "installation_id": "i-1"}, "visitor_id"),
        ("web", {"installation_id": "i-1"}, "installation_id"),
        ("web", {"user_id": 42}, "user_id"),
        ("web", {"reserved": {"reserved_bad_actor": "no"}}, "reserved.reserved_bad_actor"),
    ],
)
def test_a_session_s_identity_fields_are_checked_naming_the_field(channel, data, field):
    with pytest.raises(InvalidField) as refused:
        parse_request(channel, data)
    assert refused.value.field == field


def test_a_logged_in_mobile_consumer_needs_no_installation_id():
    request = parse_request("mobile", {"user_id": "customer-4711"})
    assert request.user_id == "customer-4711" and request.installation_id is None
