"""Rules for call recordings kept in the account's CRM (CC-REC-1 to 4, 6): pure, no I/O.

A recording leaves the origin server (the reference) for the CRM ticket of its call as soon as
the call ends. It stays on the origin only while the CRM has not taken it, and the reasons are
exactly three (CC-REC-2): no acknowledgement, the CRM's API limit (429), a file too large for
the CRM (413). Each of them schedules a new try after an exponential backoff on the account's
clock (CC-REC-3): 1 minute after the first failure, then 2, 4, 8, ... minutes, at most one hour
apart. Whatever happens, a recording is deleted from the origin 7 days after it was made
(CC-REC-4). A recording larger than the part size (50 MB = 50 x 2**20 bytes unless the account
chose smaller) goes as several recordings, in order, each at most the part size (CC-REC-6).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .errors import InvalidField

MB = 2**20
DEFAULT_PART_BYTES = 50 * MB
#: The smallest part size an account may choose: a second of 8 kHz 16-bit audio is 16000 bytes.
MIN_PART_BYTES = 1024
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=1)
RETENTION = timedelta(days=7)


class UploadState(enum.StrEnum):
    """Where a recording is: waiting on the origin, in the CRM, or expired unsent."""

    PENDING = "pending"  # on the origin, to be (re)sent when due
    UPLOADED = "uploaded"  # acknowledged by the CRM, deleted from the origin
    EXPIRED = "expired"  # 7 days on the origin without reaching the CRM: deleted anyway


class Outcome(enum.StrEnum):
    """What one try to send a part to the CRM gave."""

    ACKNOWLEDGED = "acknowledged"
    NO_ACK = "no_acknowledgement"  # no answer, a refused connection, or no receipt in it
    RATE_LIMITED = "rate_limited"  # 429: the CRM's API limit was reached
    TOO_LARGE = "too_large"  # 413: the file is too large for the CRM


#: Why the recording is still on the origin, as the upload status says it.
REASONS = {
    Outcome.NO_ACK: "the CRM did not acknowledge the upload",
    Outcome.RATE_LIMITED: "the CRM's API limit was reached (429)",
    Outcome.TOO_LARGE: "the file is too large for the CRM (413)",
}
EXPIRED_NOTE = "deleted from the origin after 7 days: the CRM never took it"


def outcome_of(status: int | None, receipt: object) -> Outcome:
    """Classify the CRM's answer to an upload: ``status`` None when nothing came back.

    Only a 2xx carrying a receipt (a JSON object with the CRM's ``id`` of the recording) is
    an acknowledgement; 429 and 413 are named; anything else counts as not acknowledged.
    """
    if status == 429:
        return Outcome.RATE_LIMITED
    if status == 413:
        return Outcome.TOO_LARGE
    acknowledged = (
        status is not None
        and 200 <= status < 300
        and isinstance(receipt, dict)
        and isinstance(receipt.get("id"), str)
        and bool(receipt["id"])
    )
    return Outcome.ACKNOWLEDGED if acknowledged else Outcome.NO_ACK


def retry_delay(failures: int) -> timedelta:
    """How long after its ``failures``-th failed try the next try is due: 1, 2, 4... minutes,
    at most :data:`MAX_RETRY`."""
    if failures < 1:
        raise ValueError("failures must be at least 1")
    return min(FIRST_RETRY * 2 ** min(failures - 1, 32), MAX_RETRY)


def expires_at(created_at: datetime) -> datetime:
    """When a recording made at ``created_at`` is deleted from the origin at the latest."""
    return created_at + RETENTION


def next_try(failures: int, failed_at: datetime, created_at: datetime) -> datetime:
    """When to try again after a failure; never later than the recording's expiry."""
    return min(failed_at + retry_delay(failures), expires_at(created_at))


def split(data: bytes, part_bytes: int = DEFAULT_PART_BYTES) -> list[bytes]:
    """``data`` cut, in order, into parts of ``part_bytes`` (the last one shorter): joined
    they are ``data`` again. Data no larger than a part is one part."""
    if part_bytes < 1:
        raise ValueError("part_bytes must be positive")
    if not data:
        return [b""]
    return [data[i : i + part_bytes] for i in range(0, len(data), part_bytes)]


def part_sizes(size: int, part_bytes: int = DEFAULT_PART_BYTES) -> list[int]:
    """The sizes of the parts of a recording of ``size`` bytes (70 MB: 50 MB then 20 MB)."""
    full, rest = divmod(size, part_bytes)
    return [part_bytes] * full + ([rest] if rest or not full else [])


def validate_part_bytes(value: object) -> int:
    """The part size an account chose, or :class:`InvalidField` naming ``part_bytes``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField("part_bytes", "must be a whole number of bytes")
    if not MIN_PART_BYTES <= value <= DEFAULT_PART_BYTES:
        raise InvalidField(
            "part_bytes", f"must be from {MIN_PART_BYTES} to {DEFAULT_PART_BYTES} bytes (50 MB)"
        )
    return value


@dataclass(frozen=True)
class Upload:
    """A recording's way to the CRM: how far it got and what comes next."""

    recording_id: str
    account_id: str
    ticket_id: str
    call_id: str
    created_at: datetime
    size: int
    sha256: str
    part_bytes: int
    state: UploadState = UploadState.PENDING
    crm_ticket_id: str = ""
    parts_sent: tuple[str, ...] = ()  # the CRM's ids of the parts it acknowledged, in order
    failures: int = 0
    next_try_at: datetime | None = None  # None: due now
    last_try_at: datetime | None = None  # when a part was last sent (or tried)
    note: str = ""  # why it is still on the origin, or why it left

    @property
    def parts(self) -> int:
        """How many parts the recording goes as."""
        return len(part_sizes(self.size, self.part_bytes))

    def due(self, now: datetime) -> bool:
        """Whether a try is due at ``now``."""
        return self.state is UploadState.PENDING and (
            self.next_try_at is None or self.next_try_at <= now
        )

    def expired(self, now: datetime) -> bool:
        """Whether the recording has been on the origin for 7 days without reaching the CRM."""
        return self.state is UploadState.PENDING and now >= expires_at(self.created_at)

    def after(self, outcome: Outcome, now: datetime, crm_id: str = "") -> Upload:
        """The upload once one part was tried at ``now`` with ``outcome``."""
        if self.state is not UploadState.PENDING:
            raise ValueError(f"recording {self.recording_id} is {self.state}, not pending")
        if outcome is Outcome.ACKNOWLEDGED:
            sent = (*self.parts_sent, crm_id)
            done = len(sent) == self.parts
            return replace(
                self,
                parts_sent=sent,
                state=UploadState.UPLOADED if done else UploadState.PENDING,
                next_try_at=None,
                last_try_at=now,
                note="in the CRM; deleted from the origin" if done else "",
            )
        failures = self.failures + 1
        return replace(
            self,
            failures=failures,
            next_try_at=next_try(failures, now, self.created_at),
            last_try_at=now,
            note=REASONS[outcome],
        )

    def expire(self, note: str = EXPIRED_NOTE) -> Upload:
        """Deleted from the origin unsent (CC-REC-4), or gone from it for the reason ``note``."""
        return replace(self, state=UploadState.EXPIRED, next_try_at=None, note=note)
