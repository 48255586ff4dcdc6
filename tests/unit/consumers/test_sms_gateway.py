"""What the harness's SMS gateway accepts from the SUT, and how it signs what it delivers."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from harness.endpoints.sms_gateway import Sms, SmsRequestError, parse_sms, signature


def test_a_well_formed_send_is_read_whole():
    sms = parse_sms(
        {"from": "+33100000000", "to": "+33612345678", "body": "Hi", "media_urls": ["https://x/a"]}
    )
    assert sms == Sms("+33100000000", "+33612345678", "Hi", ("https://x/a",))
    assert parse_sms(sms.as_json()) == sms


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ([], "body"),
        ({"from": "+331", "to": "+336", "body": "x", "colour": 1}, "colour"),
        ({"from": "+331", "to": 336, "body": "x"}, "to"),
        ({"from": "+331", "to": "0612", "body": "x"}, "to"),
        ({"from": "+331", "to": "+336", "body": " "}, "body"),
        ({"from": "+331", "to": "+336", "body": "x" * 1601}, "body"),
        ({"from": "+331", "to": "+336", "body": "x", "media_urls": [1]}, "media_urls"),
    ],
)
def test_a_bad_send_is_refused_naming_the_member(data, named):
    with pytest.raises(SmsRequestError) as refused:
        parse_sms(data)
    assert str(refused.value).startswith(f"{named}:")


def test_the_signature_is_the_hmac_of_the_body_with_the_secret():
    body = b'{"body": "x"}'
    expected = hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert signature("secret", body) == f"sha256={expected}"
    assert signature("other", body) != signature("secret", body)
