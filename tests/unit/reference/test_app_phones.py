"""Agent apps as phones: who is reachable, and what a late or unknown message gets back."""

from __future__ import annotations

from typing import Any, cast

import pytest

from harness.reference.telephony.app_phones import AppCall, AppPhones
from harness.reference.telephony.webrtc import WebRtcRefused, loopback_candidates_only


def _phones() -> AppPhones:
    def guarded(_call: object, _event: object, action: Any) -> None:
        action()

    return AppPhones(guarded)


def test_a_connected_app_is_a_contact_of_its_user_until_it_goes() -> None:
    phones = _phones()
    sent: list[dict[str, Any]] = []
    first = phones.attach("acc", "usr_1", sent.append)
    second = phones.attach("acc", "usr_1", sent.append)
    assert phones.contacts("usr_1") == [first.contact, second.contact]
    assert phones.contacts("usr_2") == []
    phones.detach(first)
    assert phones.contacts("usr_1") == [second.contact]
    phones.detach(second)
    assert phones.contacts("usr_1") == []


def test_an_unknown_message_type_is_answered_with_an_error_naming_it() -> None:
    phones = _phones()
    sent: list[dict[str, Any]] = []
    session = phones.attach("acc", "usr_1", sent.append)
    phones.handle(session, {"type": "dance", "offer": "app-1"})
    assert sent == [{"type": "error", "message": "unknown message type 'dance'"}]


@pytest.mark.parametrize(
    ("kind", "words"),
    [("accept", "answered on another device or has ended"), ("reject", "the caller has hung up")],
)
def test_acting_on_a_call_that_no_longer_rings_is_refused_and_changes_nothing(
    kind: str, words: str
) -> None:
    phones = _phones()
    sent: list[dict[str, Any]] = []
    session = phones.attach("acc", "usr_1", sent.append)
    ended = AppCall(phones, session, cast(Any, None))  # its call is gone: never looked at
    ended.session.live = False
    session.offers[ended.call_id] = ended
    phones.handle(session, {"type": kind, "offer": ended.call_id})
    assert len(sent) == 1 and sent[0]["type"] == "call.refused"
    assert words in sent[0]["message"]
    assert not ended.declined and not ended.accepted
    phones.handle(session, {"type": kind, "offer": "app-never-offered"})
    assert sent[1]["type"] == "call.refused"


OFFER = (
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
    "a=candidate:1 1 udp 2122194687 127.0.0.1 39873 typ host generation 0\r\n"
    "a=candidate:2 1 udp 2122063615 192.0.2.2 37235 typ host generation 0\r\n"
    "a=candidate:3 1 udp 2122267903 ::1 56320 typ host generation 0\r\n"
    "a=candidate:4 1 udp 2122134271 abcd-1234.local 49723 typ host generation 0\r\n"
)


def test_only_loopback_candidates_of_the_browser_are_kept() -> None:
    kept = loopback_candidates_only(OFFER)
    assert "127.0.0.1 39873" in kept and "::1 56320" in kept
    assert "192.0.2.2" not in kept and ".local" not in kept
    assert kept.startswith("v=0\r\n")


def test_an_offer_without_a_loopback_candidate_is_refused_saying_why() -> None:
    no_loopback = "\r\n".join(
        line for line in OFFER.split("\r\n") if "127.0.0.1 398" not in line and "::1" not in line
    )
    with pytest.raises(WebRtcRefused, match="no loopback ICE candidate"):
        loopback_candidates_only(no_loopback)
