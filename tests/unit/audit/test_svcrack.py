"""Reading svcrack's output: the guesses, what each got, and any password found."""

from __future__ import annotations

import pytest

from harness.audit.svcrack import crack, parse_svcrack
from tests.unit.audit.recordings import recorded


def test_every_guess_and_its_answer_are_counted() -> None:
    report = parse_svcrack(*recorded("svcrack-locked"))
    assert report.guesses == tuple(f"wrong{i}" for i in range(1, 16))
    assert report.answers == ("SIP/2.0 403 Forbidden",) * 15
    assert report.exhausted and report.stop is None
    assert report.cracked == ()
    assert report.local_port == 55381


def test_a_cracked_password_is_read_from_the_log_and_the_table() -> None:
    report = parse_svcrack(*recorded("svcrack-cracked"))
    assert report.passwords == {"bruno-garcia.d2dd4bba": "1pvbk1bS2N9p3XeJaZsOyv32"}
    assert report.guesses == ("nope", "1pvbk1bS2N9p3XeJaZsOyv32")
    assert report.answers == ("SIP/2.0 403 Forbidden", "SIP/2.0 200 OK")
    assert not report.exhausted
    stdout, _ = recorded("svcrack-cracked")
    assert parse_svcrack(stdout, "").passwords == report.passwords


def test_the_right_password_after_the_lockout_is_refused_like_the_rest() -> None:
    report = parse_svcrack(*recorded("svcrack-right-password-too-late"))
    assert len(report.guesses) == 12
    assert report.guesses[-1] == "1pvbk1bS2N9p3XeJaZsOyv32"
    assert report.answers[-1] == "SIP/2.0 403 Forbidden"
    assert report.passwords == {}


def test_an_unlocked_registrar_lets_the_eleventh_guess_in() -> None:
    report = parse_svcrack(*recorded("svcrack-no-lockout"))
    assert len(report.guesses) == 12
    assert report.answers[-1] == "SIP/2.0 200 OK"
    assert len(report.passwords) == 1


@pytest.mark.parametrize("passwords", [[], ["a", ""], ["x\ny"]])
def test_crack_refuses_bad_password_lists(passwords: list[str]) -> None:
    with pytest.raises(ValueError):
        crack(("127.0.0.1", 5060), "alice", passwords)
