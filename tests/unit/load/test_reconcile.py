"""The SUT's call log against the load generator's records."""

from __future__ import annotations

from harness.load.calls import CallRecord
from harness.load.reconcile import reconcile
from harness.sut.model import CallLogEntry


def _record(sip: str, status: int | None = 200, *, reached: bool = True) -> CallRecord:
    return CallRecord(0, 1, "call", sip, 0.0, reached=reached, status=status)


def _entry(call_id: str, *sips: str, status: str = "answered", ended: bool = True) -> CallLogEntry:
    return CallLogEntry(call_id, status, "+339990000001", "+33100000000", sip_call_ids=sips,
                        ended_at="2026-12-06T07:00:00Z" if ended else None)  # fmt: skip


def test_every_call_matched_once_is_clean() -> None:
    log = [_entry("CALL-1", "a", "a-agent"), _entry("CALL-2", "b", status="missed")]
    result = reconcile([_record("a"), _record("b", 486)], log)
    assert result.clean and result.matched == 2
    assert result.sut_call_ids == {"a": "CALL-1", "b": "CALL-2"}


def test_lost_doubled_mismatched_unknown_and_open_calls_are_each_named() -> None:
    records = [_record("lost"), _record("twice"), _record("silent"), _record("up")]
    log = [
        _entry("CALL-2", "twice"), _entry("CALL-3", "twice"),
        _entry("CALL-4", "silent", status="missed"),
        _entry("CALL-5", "nobody-placed-it"),
        _entry("CALL-6", "up", ended=False),
    ]  # fmt: skip
    result = reconcile(records, log)
    assert not result.clean
    assert result.lost == ["lost (key 1, answered)"]
    assert result.doubled == ["twice logged as CALL-2, CALL-3"]
    assert result.mismatched == [
        "CALL-4 (silent): the SUT logged missed, the generator saw it answered"
    ]
    assert result.unknown == ["CALL-5 from +339990000001 (answered)"]
    assert result.open == ["CALL-6 (answered)"]
    assert "1 lost" in result.render()


def test_calls_that_never_reached_the_sut_or_were_refused_unlogged_are_counted_not_held() -> None:
    result = reconcile([_record("timeout", None, reached=False), _record("404", 404)], [])
    assert result.clean
    assert (result.unreached, result.refused_unlogged) == (1, 1)
