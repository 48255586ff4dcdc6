"""TOTP for MFA (CC-REC-5): the SUT's check and the harness's authenticator, each against the
test vectors of RFC 6238 appendix B (SHA-1 secret "12345678901234567890")."""

from __future__ import annotations

import base64

import pytest

from harness.endpoints.authenticator import Authenticator
from harness.reference.domain import mfa

SECRET = b"12345678901234567890"
# RFC 6238 appendix B gives 8 digits; a 6-digit code is their last six (RFC 4226 section 5.3).
VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
]


@pytest.mark.parametrize(("unix_s", "eight"), VECTORS)
def test_the_reference_computes_the_rfc_codes(unix_s: int, eight: str) -> None:
    assert mfa.code_at(SECRET, unix_s) == eight[-6:]


@pytest.mark.parametrize(("unix_s", "eight"), VECTORS)
def test_the_authenticator_computes_the_rfc_codes(unix_s: int, eight: str) -> None:
    secret = base64.b32encode(SECRET).decode().rstrip("=")
    assert Authenticator(secret).code(unix_s) == eight[-6:]
    assert Authenticator(secret, digits=8).code(unix_s) == eight


def test_a_code_is_accepted_one_step_either_side_and_no_further() -> None:
    now = 1234567890.0
    code = mfa.code_at(SECRET, now)
    assert mfa.verify(SECRET, code, now)
    assert mfa.verify(SECRET, code, now + mfa.STEP_S)
    assert mfa.verify(SECRET, code, now - mfa.STEP_S)
    assert not mfa.verify(SECRET, code, now + 3 * mfa.STEP_S)


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abcdef", 123456, None])
def test_a_malformed_code_is_rejected(bad: object) -> None:
    assert not mfa.verify(SECRET, bad, 59)


def test_the_secret_goes_out_as_base32_the_authenticator_takes() -> None:
    secret = mfa.new_secret()
    assert len(secret) == mfa.SECRET_BYTES
    now = 1700000000.0
    assert Authenticator(mfa.to_base32(secret)).code(now) == mfa.code_at(secret, now)
