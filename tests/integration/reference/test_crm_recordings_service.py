"""Recordings kept in the CRM (CC-REC-1 to 4, 6): the reference's storage against the
harness's CRM over real HTTP on loopback, with the account's clock moved by the test."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from harness.endpoints.crm import Crm
from harness.endpoints.crm_uploads import CrmUpload
from harness.reference.crm_recordings import CrmRecordingStorage
from harness.reference.domain import mfa
from harness.reference.domain.crm_recordings import Upload, UploadState
from harness.reference.domain.errors import Conflict, InvalidField, NotFound
from harness.reference.recording_access import AccessRefused, RecordingAccess
from harness.reference.service import ContactCenter
from harness.runtime.journal import Journal
from tests.unit.reference.conftest import FakeTime

PART = 16000  # one second of 8 kHz 16-bit audio


@dataclass
class Setup:
    center: ContactCenter
    storage: CrmRecordingStorage
    crm: Crm
    journal: Journal
    account_id: str
    loop: asyncio.AbstractEventLoop

    def sweep(self) -> None:
        self.loop.run_until_complete(self.storage.sweep())

    def tries(self) -> list[CrmUpload]:
        return self.journal.events(CrmUpload)

    def upload(self) -> Upload:
        (ticket,) = self.center.tickets.list(self.account_id)
        (upload,) = self.storage.uploads(self.account_id, ticket.id)
        return upload


@pytest.fixture
def setup(center: ContactCenter, fake_time: FakeTime) -> Iterator[Setup]:
    loop = asyncio.new_event_loop()
    journal = Journal()
    crm = loop.run_until_complete(Crm.start(journal))
    account = center.create_account("Acme")
    center.store.set_crm_settings(account.id, crm.url, 2.0)
    storage = CrmRecordingStorage(center)
    storage.configure(account.id, enabled=True, part_bytes=PART)
    ana = center.create_user(account.id, "Ana Diaz", "ana@example.test")
    number = center.create_number(account.id, "+33999000111", "Support")
    center.add_ring_to(account.id, number.id, 0, "user", ana.id)
    plan = center.start_inbound_call(number.e164, "+33145678901", "sip-1")
    center.agent_ringing(plan.call_id, ana.id)
    assert center.answer_attempt(plan.call_id, ana.id).registered
    fake_time.pass_(3)
    center.call_ended(plan.call_id, "caller", "caller hung up")
    # 2.5 s of a 440 Hz tone: 40 kB of WAV, three parts of 16000 bytes at most.
    t = np.arange(20000) / 8000
    samples = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    center.tickets.call_finished(account.id, plan.call_id, samples)
    yield Setup(center, storage, crm, journal, account.id, loop)
    loop.run_until_complete(crm.close())
    loop.close()


def _origin(setup: Setup) -> tuple[bytes | None, bool]:
    (ticket,) = setup.center.tickets.list(setup.account_id)
    (recording,) = setup.center.tickets.recordings(setup.account_id, ticket.id)
    path = setup.center.tickets.recordings_dir / recording.file
    return (path.read_bytes() if path.exists() else None), recording.deleted_at is not None


def test_the_recording_goes_to_the_crm_ticket_in_parts_then_leaves_the_origin(
    setup: Setup,
) -> None:
    whole, deleted = _origin(setup)
    assert whole is not None and not deleted
    setup.sweep()
    upload = setup.upload()
    assert upload.state is UploadState.UPLOADED
    assert upload.sha256 == hashlib.sha256(whole).hexdigest()
    (crm_ticket,) = setup.crm.book.tickets.values()
    assert crm_ticket.session_id == upload.call_id
    parts = setup.crm.uploads.of_ticket(crm_ticket.id)  # type: ignore[union-attr]
    assert [p.part for p in parts] == ["1/3", "2/3", "3/3"]
    assert [len(p.data) for p in parts] == [PART, PART, len(whole) - 2 * PART]
    assert b"".join(p.data for p in parts) == whole
    assert _origin(setup) == (None, True)


@pytest.mark.parametrize(
    ("fault", "status", "note"),
    [
        ("no_ack", 202, "the CRM did not acknowledge the upload"),
        ("rate_limited", 429, "the CRM's API limit was reached (429)"),
        ("too_large", 413, "the file is too large for the CRM (413)"),
    ],
)
def test_a_refused_upload_stays_on_the_origin_and_is_retried_with_backoff(
    setup: Setup, fake_time: FakeTime, fault: str, status: int, note: str
) -> None:
    assert setup.crm.uploads is not None
    setup.crm.uploads.fault(fault)
    whole, _ = _origin(setup)
    setup.sweep()
    assert len(setup.tries()) == 1
    first = setup.upload()
    assert (first.state, first.failures, first.note) == (UploadState.PENDING, 1, note)
    assert _origin(setup) == (whole, False)
    setup.sweep()  # not due yet: nothing is sent
    fake_time.pass_(59)
    setup.sweep()
    assert len(setup.tries()) == 1
    fake_time.pass_(1)  # one minute after the first failure
    setup.sweep()
    assert len(setup.tries()) == 2
    second = setup.upload()
    assert second.failures == 2
    assert first.next_try_at is not None and second.next_try_at is not None
    assert second.next_try_at - first.next_try_at == timedelta(minutes=2)
    setup.crm.uploads.fault("none")
    fake_time.pass_(119)
    setup.sweep()
    assert len(setup.tries()) == 2 and _origin(setup) == (whole, False)
    fake_time.pass_(1)
    setup.sweep()
    assert setup.upload().state is UploadState.UPLOADED
    assert [t.status for t in setup.tries()] == [status, status, 201, 201, 201]
    assert _origin(setup) == (None, True)


def test_a_recording_the_crm_never_takes_is_deleted_after_seven_days(
    setup: Setup, fake_time: FakeTime
) -> None:
    assert setup.crm.uploads is not None
    setup.crm.uploads.fault("rate_limited")
    setup.sweep()
    fake_time.pass_(timedelta(days=7).total_seconds() - 1)
    setup.sweep()
    assert setup.upload().state is UploadState.PENDING
    assert _origin(setup)[0] is not None
    fake_time.pass_(1)
    setup.sweep()
    upload = setup.upload()
    assert upload.state is UploadState.EXPIRED
    assert upload.note == "deleted from the origin after 7 days: the CRM never took it"
    assert _origin(setup) == (None, True)


def test_a_retained_recording_needs_a_token_that_passed_mfa_and_a_key_of_the_account(
    setup: Setup,
) -> None:
    """CC-REC-5, the reference's guard: each missing or wrong part is refused, named."""
    assert setup.crm.uploads is not None
    setup.crm.uploads.fault("rate_limited")
    setup.sweep()
    access = RecordingAccess(setup.center)
    acc = setup.account_id
    upload = setup.upload()
    (ana,) = setup.center.list_users(acc)
    with pytest.raises(AccessRefused, match="not enrolled"):
        access.verify(acc, ana.id, "token-a", "123456")
    shown = access.enrol(acc, ana.id)
    secret = base64.b32decode(shown + "=" * (-len(shown) % 8))
    with pytest.raises(AccessRefused, match="rejected"):
        access.verify(acc, ana.id, "token-a", "12345")
    access.verify(acc, ana.id, "token-a", mfa.code_at(secret, time.time()))
    _, key = access.issue_crm_key(acc)
    other = setup.center.create_account("Other")
    _, other_key = access.issue_crm_key(other.id)

    def fetch(user_id: str | None, token: str, crm_key: str | None) -> object:
        return access.retained_file(
            acc, upload.recording_id, user_id=user_id, token=token, crm_key=crm_key
        )

    with pytest.raises(AccessRefused, match="only with MFA"):
        fetch(ana.id, "token-b", key)  # another token of hers never passed MFA
    with pytest.raises(AccessRefused, match="only with MFA"):
        fetch(None, "token-a", key)  # the account's key is no user
    with pytest.raises(AccessRefused, match="only with an authenticated CRM key"):
        fetch(ana.id, "token-a", "made-up")
    with pytest.raises(AccessRefused, match="only with an authenticated CRM key"):
        fetch(ana.id, "token-a", other_key)  # another account's key
    with pytest.raises(AccessRefused, match="only with an authenticated CRM key"):
        fetch(ana.id, "token-a", None)
    served = fetch(ana.id, "token-a", key)
    assert isinstance(served, Path) and served.read_bytes() == _origin(setup)[0]
    setup.crm.uploads.fault("none")
    setup.center.clock.advance(acc, 60)
    setup.sweep()  # uploaded: nothing is retained any more
    with pytest.raises(NotFound):
        fetch(ana.id, "token-a", key)


def test_a_bad_choice_is_refused_naming_it_and_changes_nothing(center: ContactCenter) -> None:
    storage = CrmRecordingStorage(center)
    account = center.create_account("Acme")
    with pytest.raises(Conflict, match="no CRM is configured"):
        storage.configure(account.id, enabled=True)
    assert storage.settings_shape(account.id) == {"enabled": False, "part_bytes": 50 * 2**20}
    center.store.set_crm_settings(account.id, "http://127.0.0.1:9/crm", 1.0)
    storage.configure(account.id, enabled=True, part_bytes=16000)
    before = storage.settings_shape(account.id)
    with pytest.raises(InvalidField) as refused:
        storage.configure(account.id, enabled=True, part_bytes=60 * 2**20)
    assert refused.value.field == "part_bytes"
    assert storage.settings_shape(account.id) == before
