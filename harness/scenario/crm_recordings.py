"""Call recordings kept in the CRM, not on the contact center (seed 004, CC-REC-1 to 4, 6).

The CRM is the harness's own (:mod:`harness.endpoints.crm`), a real HTTP server on loopback
that takes recording uploads on tickets and can refuse them (no acknowledgement, 429, 413).
The scenario sees each upload arrive in the journal, joins the parts the CRM kept, and checks
them against what the SUT says it recorded (size and SHA-256) and for both parties' audio.
Retries are judged on the SUT's clock: the scenario moves it to just before the next try is
due (nothing comes) and then to the moment it is due (the try comes). Talks to the SUT only
through the ``crm_recordings``, ``recordings``, ``tickets`` and ``clock`` capabilities.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from harness.endpoints.crm import Crm
from harness.endpoints.crm_uploads import CrmRecording, CrmUpload, CrmUploads
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, UnexpectedEvent, WaitTimeout
from harness.scenario.calls import LOG_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.capabilities import need
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.recordings import MIN_FRAMES, RecordingDesk, parties_heard
from harness.scenario.tickets import TicketDesk
from harness.sut.contract import Clock, CrmRecordingStorage, RetainedRecordingAccess, SutRefused
from harness.sut.crm_recordings_model import RecordingUpload
from harness.sut.events import SutEvent

CRM_TIMEOUT_S = 2.0
#: How long the scenario watches for a try that must not come yet: the SUT looks for due
#: tries several times a second, and its clock keeps running meanwhile (by less than this).
NOT_YET_S = 0.5
#: How the scenario names the CRM's faults.
FAULTS = {
    "does not acknowledge uploads": "no_ack",
    "answers uploads with 429 (API limit reached)": "rate_limited",
    "answers uploads with 413 (file too large)": "too_large",
}


@dataclass
class CrmRecordingDesk:
    """The CRM the scenario's recordings go to, and what the SUT says of each."""

    cast: Cast
    flows: CallFlows
    desk: TicketDesk
    recordings: RecordingDesk
    crm: Crm | None = None
    seen: dict[str, int] = field(default_factory=dict)  # SIP Call-ID -> journal position
    refused: dict[str, int] = field(default_factory=dict)  # SIP Call-ID -> tries refused
    # SIP Call-ID -> the SUT's last word on keeping the recording (a wait consumes it once)
    deferred: dict[str, dict[str, object]] = field(default_factory=dict)

    @property
    def storage(self) -> CrmRecordingStorage:
        found: CrmRecordingStorage | None = getattr(self.cast.tenant, "crm_recordings", None)
        return need(found, "crm_recordings")

    @property
    def clock(self) -> Clock:
        return need(self.cast.tenant.clock, "clock")

    @property
    def uploads(self) -> CrmUploads:
        if self.crm is None or self.crm.uploads is None:
            raise AssertionError("the scenario keeps no recordings in a CRM (say so first)")
        return self.crm.uploads

    # -- settings ---------------------------------------------------------------------------
    def keep_in_crm(self, part_bytes: int | None = None) -> None:
        """The account keeps its recordings in the harness's CRM, in parts of ``part_bytes``."""
        if self.crm is None:
            crm = self.cast.portal.run(Crm.start(self.cast.journal))
            self.cast.cleanup.push("CRM", crm.close)
            self.cast.cleanup.check("CRM", crm.leaks)
            self.crm = crm
        self.cast.portal.run(
            self.storage.keep_recordings_in_crm(self.crm.url, part_bytes=part_bytes)
        )

    def fault(self, words: str) -> None:
        """The CRM refuses uploads as ``words`` say (one of :data:`FAULTS`), or ``heals``."""
        if words not in FAULTS:
            raise ValueError(f"say one of {sorted(FAULTS)}, not {words!r}")
        self.uploads.fault(FAULTS[words])

    def heal(self) -> None:
        """The CRM takes uploads again."""
        self.uploads.fault("none")

    # -- reading ----------------------------------------------------------------------------
    def upload_of(self, call: PlacedCall) -> RecordingUpload:
        """What the SUT says of the call's recording on its way to the CRM."""
        recording = self.recordings.recording_of(call)
        found = self.cast.portal.run(self.storage.recording_uploads(recording.ticket_id))
        for upload in found:
            if upload.recording_id == recording.id:
                return upload
        raise ConformanceFailure(
            (), f"recording {recording.id} on its way to the CRM", f"not listed in {found}"
        )

    def _next_try(self, call: PlacedCall) -> CrmUpload:
        """Wait for the next upload of the call's recording to reach the CRM."""
        after = self.seen.get(call.sip_call_id, call.dialled_at)
        try:
            upload = self.cast.journal.wait_for(Match(CrmUpload), LOG_TIMEOUT, after=after)
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"an upload of the recording to the CRM within {LOG_TIMEOUT:g} s", "none came"
            ) from None
        self.seen[call.sip_call_id] = self.cast.journal.position
        if upload.status != 201:
            self.refused[call.sip_call_id] = self.refused.get(call.sip_call_id, 0) + 1
        return upload

    def _deferred(self, call: PlacedCall, failures: int) -> dict[str, object]:
        """The SUT's word that it keeps the recording after its ``failures``-th refusal."""
        known = self.deferred.get(call.sip_call_id)
        if known is not None and known.get("failures") == failures:
            return known
        call_id = self.flows.sut_call_id(call)
        try:
            event = self.cast.journal.wait_for(
                Match(
                    SutEvent,
                    kind="recording.upload_deferred",
                    call_id=call_id,
                    data=lambda d: d.get("failures") == failures,
                ),
                LOG_TIMEOUT,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"the SUT to keep the recording of {call_id} and retry", "it said nothing"
            ) from None
        self.deferred[call.sip_call_id] = event.data
        return event.data

    def _wait_ticket_change(
        self, call: PlacedCall, change: str, expected: str, otherwise: str
    ) -> None:
        """Wait for the SUT to report ``change`` on the ticket of ``call``."""
        try:
            self.cast.journal.wait_for(
                Match(
                    SutEvent,
                    kind="ticket.updated",
                    call_id=self.flows.sut_call_id(call),
                    data=lambda d: d.get("change") == change,
                ),
                LOG_TIMEOUT,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure((), expected, otherwise) from None

    # -- CC-REC-1, 6: the recording in the CRM --------------------------------------------
    def expect_in_crm(self, call: PlacedCall, agent: str, parts: int | None = None) -> None:
        """The CRM ticket of the call holds the recording: its parts, joined in order, are
        the recording the SUT made (size and SHA-256), with the audio of both parties."""
        call_id = self.flows.sut_call_id(call)
        self._wait_ticket_change(
            call,
            "recording.stored_in_crm",
            f"the recording of {call_id} stored in the CRM",
            "the SUT never said so",
        )
        upload = self.upload_of(call)
        if upload.state != "uploaded" or upload.crm_ticket_id is None:
            raise ConformanceFailure((), "the recording uploaded to a CRM ticket", str(upload))
        ticket = self.crm.book.tickets.get(upload.crm_ticket_id) if self.crm else None
        if ticket is None or ticket.session_id != call_id:
            raise ConformanceFailure(
                (),
                f"a CRM ticket of call {call_id}",
                f"CRM ticket {upload.crm_ticket_id}: {ticket}",
            )
        kept = [
            r for r in self.uploads.of_ticket(ticket.id) if r.recording_id == upload.recording_id
        ]
        self._expect_whole(kept, upload, parts)
        joined = b"".join(r.data for r in kept)
        heard = parties_heard(joined, self.cast)
        missing = [p for p in (CUSTOMER, agent) if heard[p] < MIN_FRAMES]
        if missing:
            raise ConformanceFailure(
                (),
                f"the joined recording to hold the audio of the customer and {agent}",
                f"missing {' and '.join(missing)} ({dict(heard)})",
            )

    def _expect_whole(
        self, kept: list[CrmRecording], upload: RecordingUpload, parts: int | None
    ) -> None:
        labels = [r.part for r in kept]
        wanted = [f"{i}/{len(kept)}" for i in range(1, len(kept) + 1)]
        if labels != wanted or (parts is not None and len(kept) != parts):
            raise ConformanceFailure(
                (), f"{parts or 'all'} parts attached in order ({wanted})", f"parts {labels}"
            )
        sizes = tuple(len(r.data) for r in kept)
        if sizes != upload.parts:
            raise ConformanceFailure((), f"parts of {upload.parts} bytes", f"parts of {sizes}")
        joined = b"".join(r.data for r in kept)
        digest = hashlib.sha256(joined).hexdigest()
        if len(joined) != upload.size or digest != upload.sha256:
            raise ConformanceFailure(
                (),
                f"the parts joined to give the recording ({upload.size} bytes, {upload.sha256})",
                f"{len(joined)} bytes, {digest}",
            )

    def expect_part_size(self, call: PlacedCall, part_bytes: int, at_least: int) -> None:
        """Every part but the last is ``part_bytes`` long, and there are ``at_least`` parts."""
        upload = self.upload_of(call)
        if len(upload.parts) < at_least or any(p != part_bytes for p in upload.parts[:-1]):
            raise ConformanceFailure(
                (), f"at least {at_least} parts of {part_bytes} bytes", f"parts {upload.parts}"
            )

    def expect_gone_from_origin(self, call: PlacedCall, user: str) -> None:
        """The SUT no longer holds the recording: its ticket marks it deleted and ``user``
        cannot play it."""
        recording = self.recordings.recording_of(call)
        cap = self.recordings.recordings
        listed = self.cast.portal.run(cap.recordings(recording.ticket_id))
        now = next((r for r in listed if r.id == recording.id), None)
        if now is None or not now.deleted:
            raise ConformanceFailure((), "the recording marked deleted in its ticket", str(now))
        try:
            self.cast.portal.run(cap.play(recording.url, user=self.cast.agent(user)))
        except SutRefused:
            return
        raise ConformanceFailure((), "the recording gone from the contact center", "it still plays")

    def expect_kept(self, call: PlacedCall) -> None:
        """The SUT still holds the recording: its ticket lists it, not deleted, and it says
        the recording is still waiting for the CRM."""
        recording = self.recordings.recording_of(call)
        listed = self.cast.portal.run(self.recordings.recordings.recordings(recording.ticket_id))
        now = next((r for r in listed if r.id == recording.id), None)
        upload = self.upload_of(call)
        if now is None or now.deleted or upload.state != "pending":
            raise ConformanceFailure(
                (), "the recording still on the contact center", f"{now}; {upload}"
            )

    # -- CC-REC-2, 3: refused uploads and their retries -----------------------------------
    def expect_refused_and_kept(self, call: PlacedCall, reason: str) -> None:
        """The CRM refused the upload; the SUT keeps the recording and says why."""
        tried = self._next_try(call)
        if tried.status == 201:
            raise ConformanceFailure((), "the CRM to refuse the upload", "it took it")
        said = self._deferred(call, 1)
        if reason.lower() not in str(said.get("reason", "")).lower():
            raise ConformanceFailure((), f"the SUT to say {reason!r}", str(said.get("reason")))
        self.expect_kept(call)

    def expect_retry_after(self, call: PlacedCall, minutes: int) -> None:
        """The next try is due ``minutes`` after the last one, on the SUT's clock: it does not
        come a second before, and comes at that time."""
        self._deferred(call, self.refused.get(call.sip_call_id, 0))
        upload = self.upload_of(call)
        if upload.next_try_at is None or upload.last_try_at is None:
            raise ConformanceFailure((), "a next try scheduled", str(upload))
        stated = upload.next_try_at - upload.last_try_at
        if stated != timedelta(minutes=minutes):
            raise ConformanceFailure(
                (), f"the next try {minutes} min after the last", f"{stated} after it"
            )
        now = self.cast.portal.run(self.clock.now())
        early = (upload.next_try_at - now).total_seconds() - 1
        if early > 0:
            self.cast.portal.run(self.clock.advance(early))
        try:
            self.cast.journal.expect_absent(Match(CrmUpload), NOT_YET_S)
        except UnexpectedEvent as came:
            raise ConformanceFailure(
                (), f"no try before {minutes} min had passed", f"one came early: {came}"
            ) from None
        self.expect_kept(call)
        self.cast.portal.run(self.clock.advance(1))
        self._next_try(call)

    # -- CC-REC-4: 7 days at most -----------------------------------------------------------
    def days_pass(self, days: float) -> None:
        """The SUT's clock moves on by ``days``."""
        self.cast.portal.run(self.clock.advance(days * 86400))

    def expect_expired(self, call: PlacedCall) -> None:
        """The recording left the origin unsent: the ticket marks it deleted, and the SUT says
        it was deleted after 7 days without reaching the CRM."""
        call_id = self.flows.sut_call_id(call)
        self._wait_ticket_change(
            call,
            "recording.expired",
            f"the recording of {call_id} deleted after 7 days",
            "it was kept",
        )
        upload = self.upload_of(call)
        if upload.state != "expired" or "7 days" not in upload.note:
            raise ConformanceFailure((), "the recording marked expired after 7 days", str(upload))
        recording = self.recordings.recording_of(call)
        listed = self.cast.portal.run(self.recordings.recordings.recordings(recording.ticket_id))
        now = next((r for r in listed if r.id == recording.id), None)
        if now is None or not now.deleted:
            raise ConformanceFailure((), "the recording marked deleted in its ticket", str(now))

    # -- CC-REC-5: who reaches a retained recording --------------------------------------
    @property
    def access(self) -> RetainedRecordingAccess:
        found: RetainedRecordingAccess | None = getattr(self.cast.tenant, "recording_access", None)
        return need(found, "recording_access")

    def _fetch(self, call: PlacedCall, user: str | None, *, mfa: bool, crm_key: bool) -> bytes:
        recording = self.recordings.recording_of(call)
        who = None if user is None else self.cast.agent(user)
        return self.cast.portal.run(
            self.access.fetch_retained(recording, user=who, mfa=mfa, crm_key=crm_key)
        )

    def expect_retained_refused(
        self, call: PlacedCall, user: str | None, *, mfa: bool, crm_key: bool
    ) -> None:
        """The retained recording is refused to ``user`` (None: the account's API key) with
        or without MFA and a CRM key, the refusal naming what is missing."""
        self.expect_kept(call)
        wanted = [w for w, given in (("MFA", mfa), ("CRM key", crm_key)) if not given]
        try:
            self._fetch(call, user, mfa=mfa, crm_key=crm_key)
        except SutRefused as refusal:
            said = str(refusal)
            if not all(w.lower() in said.lower() for w in wanted):
                raise ConformanceFailure(
                    (), f"a refusal naming {' and '.join(wanted)}", said
                ) from None
            return
        raise ConformanceFailure(
            (), f"the retained recording refused without {' and '.join(wanted)}", "it was served"
        )

    def expect_ordinary_link_refused(self, call: PlacedCall, user: str) -> None:
        """The recording's ordinary link does not serve it while it is retained."""
        recording = self.recordings.recording_of(call)
        self.expect_kept(call)
        try:
            self.cast.portal.run(
                self.recordings.recordings.play(recording.url, user=self.cast.agent(user))
            )
        except SutRefused:
            return
        raise ConformanceFailure(
            (), "the retained recording refused on its ordinary link", f"{user} played it"
        )

    def expect_retained_served(self, call: PlacedCall, user: str, agent: str) -> None:
        """With MFA and an authenticated CRM key, ``user`` gets the whole recording."""
        try:
            wav = self._fetch(call, user, mfa=True, crm_key=True)
        except SutRefused as refusal:
            raise ConformanceFailure(
                (), f"{user} with MFA and a CRM key to get the recording", f"refused: {refusal}"
            ) from None
        upload = self.upload_of(call)
        if hashlib.sha256(wav).hexdigest() != upload.sha256:
            raise ConformanceFailure(
                (), f"the recording as made ({upload.size} bytes)", f"{len(wav)} other bytes"
            )
        self.recordings.expect_parties_in(wav, agent, "the retained recording")


@pytest.fixture
def crm_recording_desk(
    cast: Cast, flows: CallFlows, desk: TicketDesk, recording_desk: RecordingDesk
) -> Iterator[CrmRecordingDesk]:
    """The scenario's recordings kept in the CRM (CC-REC)."""
    yield CrmRecordingDesk(cast, flows, desk, recording_desk)
