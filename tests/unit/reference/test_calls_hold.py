"""Hold and resume in the call log: state machine and hold time from the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.reference.domain import calls
from harness.reference.domain.calls import CallRecord, CallState, EndedBy, TimelineKind
from harness.reference.domain.errors import IllegalTransition

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def answered() -> CallRecord:
    call = CallRecord("CALL-1", "acc", "num", "+33100000000", "+33200000000", started_at=T0)
    return calls.replace(call, state=CallState.ANSWERED, answered_at=T0, answered_by="u1")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_hold_time_adds_up_over_several_holds() -> None:
    call = calls.hold(answered(), at(10), "agent")
    assert call.state is CallState.HELD
    call = calls.resume(call, at(25), "agent")
    call = calls.hold(call, at(30), "agent")
    call = calls.resume(call, at(32.5), "agent")
    assert call.state is CallState.ANSWERED
    assert call.hold_s == 17.5
    kinds = [e.kind for e in call.timeline]
    assert kinds.count(TimelineKind.HELD) == 2 and kinds.count(TimelineKind.RESUMED) == 2


def test_an_open_hold_counts_until_the_end() -> None:
    call = calls.hold(answered(), at(10), "agent")
    call = calls.end(call, at(40), EndedBy.CALLER, "caller hung up")
    assert call.hold_s == 30.0
    assert call.status is calls.CallStatus.ANSWERED


def test_repeated_hold_and_resume_change_nothing() -> None:
    call = calls.hold(answered(), at(1), "agent")
    assert calls.hold(call, at(2), "agent") == call
    active = calls.resume(call, at(3), "agent")
    assert calls.resume(active, at(4), "agent") == active


def test_a_ringing_call_cannot_be_held() -> None:
    ringing = CallRecord("CALL-2", "acc", "num", "+33100000000", "+33200000000", started_at=T0)
    with pytest.raises(IllegalTransition):
        calls.hold(ringing, at(1), "agent")
