"""The agent app's keypad: bad keys are refused naming them, and nothing is sent."""

from __future__ import annotations

from typing import Any, cast

import pytest

from harness.reference.telephony.app_phones import AppCall, AppPhones


class _Bridge:
    def __init__(self) -> None:
        self.pressed: list[str] = []

    def press_keys(self, digits: str) -> None:
        self.pressed.append(digits)


class _Inbound:
    def __init__(self) -> None:
        self.bridged: object = None


def _call_in_progress() -> tuple[AppPhones, Any, AppCall, _Bridge, list[dict[str, Any]]]:
    def guarded(_call: object, _event: object, action: Any) -> None:
        action()

    phones = AppPhones(guarded)
    sent: list[dict[str, Any]] = []
    session = phones.attach("acc", "usr_1", sent.append)
    inbound = _Inbound()
    call = AppCall(phones, session, cast(Any, inbound))
    call.leg = cast(Any, object())
    inbound.bridged = call.leg
    bridge = _Bridge()
    call.bridge = cast(Any, bridge)
    session.offers[call.call_id] = call
    return phones, session, call, bridge, sent


def test_keys_of_the_keypad_go_into_the_call() -> None:
    phones, session, call, bridge, sent = _call_in_progress()
    phones.handle(session, {"type": "keypad", "offer": call.call_id, "digits": "12#*"})
    assert bridge.pressed == ["12#*"] and sent == []


@pytest.mark.parametrize(
    ("digits", "words"),
    [("12x", "'x' is not a key of the keypad"), ("", "non-empty"), (7, "non-empty")],
)
def test_a_bad_key_is_refused_naming_it_and_nothing_is_sent(digits: object, words: str) -> None:
    phones, session, call, bridge, sent = _call_in_progress()
    phones.handle(session, {"type": "keypad", "offer": call.call_id, "digits": digits})
    assert bridge.pressed == []
    assert len(sent) == 1 and sent[0]["type"] == "error" and words in sent[0]["message"]


def test_keys_on_a_call_this_app_is_not_connected_to_are_refused() -> None:
    phones, session, call, bridge, sent = _call_in_progress()
    cast(Any, call.inbound).bridged = object()  # someone else's leg
    phones.handle(session, {"type": "keypad", "offer": call.call_id, "digits": "1"})
    assert bridge.pressed == [] and "not connected" in sent[0]["message"]
