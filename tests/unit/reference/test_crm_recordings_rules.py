"""Rules of recordings kept in the CRM (CC-REC-2, 3, 4, 6), on a virtual clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.reference.domain import crm_recordings as rules
from harness.reference.domain.crm_recordings import MB, Outcome, Upload, UploadState
from harness.reference.domain.errors import InvalidField

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def _upload(size: int = 1000, part_bytes: int = rules.DEFAULT_PART_BYTES) -> Upload:
    return Upload("rec_1", "acc_1", "1", "CALL-1", T0, size, "0" * 64, part_bytes)


def test_the_backoff_doubles_from_one_minute_up_to_an_hour() -> None:
    minutes = [rules.retry_delay(n) / timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_retries_fall_due_on_the_schedule_of_the_virtual_clock() -> None:
    """Each try fails with the CRM's limit; the clock moves to just before and then to the
    moment the next try is due: tries come 1, 2, 4, 8 minutes apart, never sooner."""
    upload = _upload()
    now = T0
    assert upload.due(now)  # the first try goes as soon as the call ended
    gaps = []
    for _ in range(5):
        failed = upload.after(Outcome.RATE_LIMITED, now)
        assert failed.next_try_at is not None
        assert not failed.due(failed.next_try_at - timedelta(microseconds=1))
        assert failed.due(failed.next_try_at)
        gaps.append((failed.next_try_at - now) / timedelta(minutes=1))
        now, upload = failed.next_try_at, failed
    assert gaps == [1, 2, 4, 8, 16]
    assert upload.failures == 5 and upload.state is UploadState.PENDING
    assert upload.note == "the CRM's API limit was reached (429)"


@pytest.mark.parametrize(
    ("status", "receipt", "outcome"),
    [
        (201, {"id": "R1"}, Outcome.ACKNOWLEDGED),
        (200, {"id": "R1"}, Outcome.ACKNOWLEDGED),
        (202, None, Outcome.NO_ACK),
        (201, {"id": ""}, Outcome.NO_ACK),
        (201, ["R1"], Outcome.NO_ACK),
        (None, None, Outcome.NO_ACK),
        (500, {"error": "x"}, Outcome.NO_ACK),
        (429, {"error": "limit"}, Outcome.RATE_LIMITED),
        (413, None, Outcome.TOO_LARGE),
    ],
)
def test_only_a_receipt_acknowledges_an_upload(
    status: int | None, receipt: object, outcome: Outcome
) -> None:
    assert rules.outcome_of(status, receipt) is outcome


def test_an_acknowledged_recording_leaves_the_origin_once_every_part_is_in() -> None:
    upload = _upload(size=70 * MB)
    assert upload.parts == 2
    halfway = upload.after(Outcome.ACKNOWLEDGED, T0, "R1")
    assert halfway.state is UploadState.PENDING and halfway.parts_sent == ("R1",)
    assert halfway.due(T0)  # the next part goes at once
    done = halfway.after(Outcome.ACKNOWLEDGED, T0, "R2")
    assert done.state is UploadState.UPLOADED and done.parts_sent == ("R1", "R2")
    assert not done.due(T0 + timedelta(days=30)) and not done.expired(T0 + timedelta(days=30))
    with pytest.raises(ValueError, match="uploaded, not pending"):
        done.after(Outcome.ACKNOWLEDGED, T0)


def test_a_part_that_fails_is_retried_without_resending_the_parts_before_it() -> None:
    halfway = _upload(size=70 * MB).after(Outcome.ACKNOWLEDGED, T0, "R1")
    failed = halfway.after(Outcome.TOO_LARGE, T0)
    assert failed.parts_sent == ("R1",) and failed.failures == 1
    assert failed.note == "the file is too large for the CRM (413)"


def test_a_recording_never_stays_more_than_seven_days_on_the_origin() -> None:
    upload = _upload()
    week = T0 + timedelta(days=7)
    assert not upload.expired(week - timedelta(microseconds=1))
    assert upload.expired(week)
    # A retry is never scheduled past the expiry: the last one falls due at the 7 days.
    late = upload.after(Outcome.NO_ACK, week - timedelta(seconds=10))
    assert late.next_try_at == week
    expired = upload.expire()
    assert expired.state is UploadState.EXPIRED and not expired.due(week)
    assert expired.note == rules.EXPIRED_NOTE


def test_seventy_megabytes_go_as_fifty_then_twenty_and_join_back() -> None:
    data = bytes(range(256)) * (70 * MB // 256)
    assert len(data) == 70 * MB
    parts = rules.split(data)
    assert [len(p) for p in parts] == [50 * MB, 20 * MB]
    assert b"".join(parts) == data
    assert rules.part_sizes(len(data)) == [50 * MB, 20 * MB]


@pytest.mark.parametrize(
    ("size", "sizes"),
    [
        (0, [0]),
        (1, [1]),
        (50 * MB, [50 * MB]),
        (50 * MB + 1, [50 * MB, 1]),
        (120 * MB, [50 * MB, 50 * MB, 20 * MB]),
    ],
)
def test_part_sizes_at_the_default(size: int, sizes: list[int]) -> None:
    assert rules.part_sizes(size) == sizes


def test_a_small_part_size_splits_in_order() -> None:
    data = bytes(range(100)) * 50
    parts = rules.split(data, 1024)
    assert [len(p) for p in parts] == [1024] * 4 + [904]
    assert b"".join(parts) == data


@pytest.mark.parametrize("bad", [0, 1023, 50 * MB + 1, "16000", 1.5, True, None])
def test_a_bad_part_size_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(InvalidField) as refused:
        rules.validate_part_bytes(bad)
    assert refused.value.field == "part_bytes"
