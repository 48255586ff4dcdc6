"""Recordings kept in the account's CRM (CC-REC-1 to 4, 6): the service part.

An account that chose so (``PUT /recordings/crm-storage``) sends each call's recording, once
the call ended, to the CRM it configured for the insight card (``PUT /crm/settings``):

* the call gets a ticket in the CRM (``POST {url}/contacts`` for the caller, then
  ``POST {url}/tickets``), once;
* each part of the recording goes, in order, as ``POST {url}/tickets/{id}/recordings`` with
  the WAV bytes (headers ``X-Recording-Id``, ``X-Call-Id``, ``X-Part: 1/2``); the CRM
  acknowledges with ``201 {"id": ...}``;
* once every part is acknowledged the recording is deleted from the origin (its file is
  removed, the ticket marks it deleted and says it went to the CRM).

The rules (what counts as an acknowledgement, the backoff, the 7 days) are in
:mod:`harness.reference.domain.crm_recordings`. A sweep on the reference's loop looks for new
recordings, due retries and expired ones a few times a second; due times are read on each
account's clock, so a scenario that moves the clock makes a retry due at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import aiohttp
from aiohttp import web

from .clock import iso_utc, parse_iso_utc
from .consumers.crm_writer import CrmUnavailable, CrmWriter
from .domain import crm_recordings as rules
from .domain.crm_recordings import Outcome, Upload, UploadState
from .domain.errors import Conflict
from .service import ContactCenter
from .store_crm_recordings import CrmRecordingTables

LOG = logging.getLogger("callproof.reference.crm_recordings")
#: How often the sweep looks (real seconds): a recording leaves well within a second.
SWEEP_S = 0.1


class CrmRecordingStorage:
    """Sends the accounts' recordings to their CRM and keeps the origin within the rules."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self.tables = CrmRecordingTables(center.store)
        self._busy: set[str] = set()  # recordings with a try in flight

    # --- settings -------------------------------------------------------------------------

    def configure(self, account_id: str, *, enabled: bool, part_bytes: object = None) -> None:
        """Keep the account's recordings in its CRM (or stop); a bad part size is refused
        naming ``part_bytes`` and nothing changes."""
        size = rules.DEFAULT_PART_BYTES if part_bytes is None else part_bytes
        checked = rules.validate_part_bytes(size)
        if enabled and self.center.store.crm_settings(account_id) is None:
            raise Conflict("no CRM is configured (PUT /crm/settings) to keep recordings in")
        since = self.center.clock.now(account_id) if enabled else None
        current = self.tables.settings(account_id)
        if enabled and current is not None:
            since = current[0]  # recordings made since the first choice still go
        self.tables.save_settings(account_id, since, checked)

    def settings_shape(self, account_id: str) -> dict[str, object]:
        """The account's choice as the API shows it."""
        stored = self.tables.settings(account_id)
        if stored is None:
            return {"enabled": False, "part_bytes": rules.DEFAULT_PART_BYTES}
        return {"enabled": True, "since": iso_utc(stored[0]), "part_bytes": stored[1]}

    def uploads(self, account_id: str, ticket_id: str) -> list[Upload]:
        """The uploads of the ticket's recordings (NotFound for a ticket not in the account)."""
        self.center.tickets.get(account_id, ticket_id)
        return self.tables.of_ticket(account_id, ticket_id)

    # --- the sweep ------------------------------------------------------------------------

    async def run(self) -> None:
        """Sweep until cancelled."""
        while True:
            try:
                await self.sweep()
            except Exception:  # a bug in one sweep must not stop the next ones
                LOG.exception("recording upload sweep failed")
            await asyncio.sleep(SWEEP_S)

    async def sweep(self) -> None:
        """Take new recordings in, expire the old ones, and try those that are due."""
        for (
            rec_id,
            account_id,
            ticket_id,
            call_id,
            file,
            created,
            part_bytes,
        ) in self.tables.new_recordings():
            try:
                data = (self._dir / file).read_bytes()
            except OSError as error:  # nothing to send: say so once rather than every sweep
                LOG.warning("recording %s: its file cannot be read: %s", rec_id, error)
                data = b""
            self.tables.save(
                Upload(
                    recording_id=rec_id,
                    account_id=account_id,
                    ticket_id=ticket_id,
                    call_id=call_id,
                    created_at=parse_iso_utc(created),
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    part_bytes=part_bytes,
                )
            )
        tries = []
        for upload in self.tables.pending():
            if upload.recording_id in self._busy:
                continue
            now = self.center.clock.now(upload.account_id)
            if upload.expired(now):
                self._leave_origin(upload.expire(), now, "recording.expired")
            elif upload.due(now):
                self._busy.add(upload.recording_id)
                tries.append(self._try(upload))
        if tries:
            await asyncio.gather(*tries)

    @property
    def _dir(self) -> Path:
        return self.center.tickets.recordings_dir

    async def _try(self, upload: Upload) -> None:
        try:
            await self._send(upload)
        finally:
            self._busy.discard(upload.recording_id)

    async def _send(self, upload: Upload) -> None:
        stored = self.center.store.crm_settings(upload.account_id)
        recording = self.center.store.recording(upload.account_id, upload.recording_id)
        if recording is None or recording.deleted_at is not None:
            # Deleted from its ticket by a user meanwhile: nothing is left to send.
            self.tables.save(upload.expire("deleted from its ticket before it reached the CRM"))
            return
        if stored is None:
            self._failed(upload, Outcome.NO_ACK)
            return
        url, timeout_s = stored
        if not upload.crm_ticket_id:
            try:
                upload = await self._crm_ticket(upload, CrmWriter(url, timeout_s))
            except CrmUnavailable as error:
                LOG.info("recording %s: no CRM ticket: %s", upload.recording_id, error)
                self._failed(upload, Outcome.NO_ACK)
                return
            self.tables.save(upload)
        try:
            whole = (self._dir / recording.file).read_bytes()
        except OSError as error:
            LOG.warning("recording %s: its file cannot be read: %s", upload.recording_id, error)
            now = self.center.clock.now(upload.account_id)
            self._leave_origin(
                upload.expire("its file was lost on the origin"), now, "recording.lost"
            )
            return
        parts = rules.split(whole, upload.part_bytes)
        timeout = aiohttp.ClientTimeout(total=timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for index in range(len(upload.parts_sent), len(parts)):
                outcome, crm_id = await _post_part(session, url, upload, index, parts)
                now = self.center.clock.now(upload.account_id)
                if outcome is not Outcome.ACKNOWLEDGED:
                    self._failed(upload, outcome)
                    return
                upload = upload.after(outcome, now, crm_id)
                if upload.state is UploadState.UPLOADED:
                    self._leave_origin(upload, now, "recording.stored_in_crm")
                else:
                    self.tables.save(upload)

    async def _crm_ticket(self, upload: Upload, writer: CrmWriter) -> Upload:
        ticket = self.center.tickets.get(upload.account_id, upload.ticket_id)
        caller = ticket.calls[0].from_number if ticket.calls else "unknown caller"
        contact_id = await writer.create_contact(
            {"first_name": caller, "unique_id": caller, "channel": "voice"}
        )
        crm_ticket = await writer.create_ticket(
            {
                "contact_id": contact_id,
                "subject": ticket.subject,
                "channel": "voice",
                "session_id": upload.call_id,
            }
        )
        return replace(upload, crm_ticket_id=crm_ticket)

    def _failed(self, upload: Upload, outcome: Outcome) -> None:
        now = self.center.clock.now(upload.account_id)
        failed = upload.after(outcome, now)
        self.tables.save(failed)
        self.center.bus.publish(
            upload.account_id,
            {
                "type": "recording.upload_deferred",
                "at": iso_utc(now),
                "ticket_id": upload.ticket_id,
                "call_id": upload.call_id,
                "recording_id": upload.recording_id,
                "reason": failed.note,
                "failures": failed.failures,
                "next_try_at": None if failed.next_try_at is None else iso_utc(failed.next_try_at),
            },
        )
        LOG.info(
            "recording %s stays on the origin: %s; next try at %s",
            upload.recording_id,
            failed.note,
            failed.next_try_at,
        )

    def _leave_origin(self, upload: Upload, now: datetime, change: str) -> None:
        """The recording's file goes; its ticket marks it deleted and says why."""
        recording = self.center.store.recording(upload.account_id, upload.recording_id)
        with self.center.store.transaction():
            self.tables.save(upload)
            self.center.store.mark_recording_deleted(upload.account_id, upload.recording_id, now)
        if recording is not None:
            (self._dir / recording.file).unlink(missing_ok=True)
        self.center.bus.publish(
            upload.account_id,
            {
                "type": "ticket.updated",
                "at": iso_utc(now),
                "ticket_id": upload.ticket_id,
                "call_id": upload.call_id,
                "change": change,
                "recording_id": upload.recording_id,
            },
        )


async def _post_part(
    session: aiohttp.ClientSession, url: str, upload: Upload, index: int, parts: list[bytes]
) -> tuple[Outcome, str]:
    headers = {
        "Content-Type": "audio/wav",
        "X-Recording-Id": upload.recording_id,
        "X-Call-Id": upload.call_id,
        "X-Part": f"{index + 1}/{len(parts)}",
    }
    target = f"{url.rstrip('/')}/tickets/{upload.crm_ticket_id}/recordings"
    try:
        async with session.post(target, data=parts[index], headers=headers) as resp:
            try:
                receipt: object = await resp.json(content_type=None)
            except ValueError:
                receipt = None
            outcome = rules.outcome_of(resp.status, receipt)
    except (TimeoutError, aiohttp.ClientError) as error:
        LOG.info("recording %s part %d: %s", upload.recording_id, index + 1, error)
        return Outcome.NO_ACK, ""
    crm_id = str(receipt["id"]) if isinstance(receipt, dict) and "id" in receipt else ""
    return outcome, crm_id


STORAGE = web.AppKey("crm_recording_storage", CrmRecordingStorage)


def install(app: web.Application, center: ContactCenter) -> None:
    """Run the storage's sweep for as long as ``app`` runs."""
    storage = CrmRecordingStorage(center)
    app[STORAGE] = storage

    async def sweeping(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(storage.run())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(sweeping)
