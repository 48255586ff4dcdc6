"""The user agent's events are plain data: calls are named by handles, never by sessions."""

from __future__ import annotations

import dataclasses
import typing

from harness.sip import events as ev
from harness.sip import handles, session
from harness.sip.sdp import SessionDescription, make_answer, make_offer
from harness.sip.session import InviteSession

from .pair import UAS_ADDR, Pair

TARGET = f"sip:bob@{UAS_ADDR[0]}:{UAS_ADDR[1]}"
OFFER = bytes(make_offer("127.0.0.1", 4000))
ANSWER = bytes(make_answer(SessionDescription.parse(OFFER), "127.0.0.1", 4002))


def test_no_event_field_holds_a_session() -> None:
    for event_type in typing.get_args(ev.UaEvent):
        hints = typing.get_type_hints(event_type, {**vars(ev), **vars(handles), **vars(session)})
        for name, hint in hints.items():
            members = typing.get_args(hint) or (hint,)
            sessions = [m for m in members if isinstance(m, type) and issubclass(m, InviteSession)]
            assert sessions == [], f"{event_type.__name__}.{name} holds a live session"


def test_a_whole_call_reports_handles_that_find_its_sessions_and_compare_by_value() -> None:
    pair = Pair()
    call = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, pair.now)
    pair.pump()
    (callee,) = pair.callees()
    callee.answer(ANSWER, pair.now)
    pair.pump()
    call.hangup(pair.now)
    pair.pump()
    uac_calls = {e.call for e in pair.uac_events if hasattr(e, "call")}
    uas_calls = {e.call for e in pair.uas_events if hasattr(e, "call")}
    assert uac_calls == {call.handle} and uas_calls == {callee.handle}
    assert pair.uac.session(call.handle) is call and pair.uas.session(callee.handle) is callee
    assert call.handle != callee.handle and call.handle.call_id == callee.handle.call_id
    ended = next(e for e in pair.uas_events if isinstance(e, ev.CallEnded))
    assert ended == dataclasses.replace(ended) and hash(ended) == hash(dataclasses.replace(ended))
    assert (ended.by, ended.reason) == ("remote", "BYE")


def test_a_forgotten_call_is_no_longer_found_by_its_handle() -> None:
    pair = Pair()
    call = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, pair.now)
    pair.pump()
    (callee,) = pair.callees()
    callee.reject(486, pair.now)
    pair.pump()
    pair.advance(64 * pair.uac.timers.t1 + 1)
    assert pair.uac.session(call.handle) is None and pair.uas.session(callee.handle) is None
