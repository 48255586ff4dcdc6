"""What the SUT says of a recording on its way to the CRM (CC-REC), as the harness reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RecordingUpload:
    """One recording of a ticket and its way to the CRM.

    ``state`` is ``pending`` (still on the origin server), ``uploaded`` (the CRM acknowledged
    every part; deleted from the origin) or ``expired`` (deleted from the origin after 7 days
    without reaching the CRM). ``size`` and ``sha256`` describe the whole recording as it was
    made; ``parts`` the size of each part it goes as, in order; ``last_try_at`` is when it was
    last sent or tried, ``next_try_at`` when the next try is due. ``note`` says why it is still on
    the origin, or what became of it.
    """

    recording_id: str
    call_id: str
    state: str
    size: int
    sha256: str
    parts: tuple[int, ...]
    crm_ticket_id: str | None
    failures: int
    next_try_at: datetime | None
    last_try_at: datetime | None
    created_at: datetime
    note: str
