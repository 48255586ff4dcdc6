"""Call recordings in tickets and the notification email per ticket (ZT-TKT-12, 14, 15, 16).

The scenario downloads a recording and proves it holds each party's audio by finding each
party's signature in it (the tone every party sends all along), not just that a file exists.
The notification email comes to a mailbox the harness runs on loopback; its link is followed
as a user would. Talks to the SUT only through the ``recordings`` and ``tickets`` capabilities.
"""

from __future__ import annotations

import io
import re
import wave
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from harness.endpoints.mailbox import Mailbox, MailReceived
from harness.errors import ConformanceFailure
from harness.media.tones import SignatureDetector
from harness.runtime.journal import Match, WaitTimeout
from harness.scenario.calls import LOG_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER, CapabilityMissing, Cast
from harness.scenario.tickets import TicketDesk
from harness.sut.contract import Recordings, SutRefused
from harness.sut.events import SutEvent
from harness.sut.tickets_model import Recording

#: A party is in a recording when its signature is found in at least this many 20 ms frames
#: (a fifth of a second): a stray frame of the other party's tone cannot pass for it.
MIN_FRAMES = 10
FRAME = 160  # 20 ms at 8 kHz
NOTIFY_ADDRESS = "support-team@example.test"
_LINK = re.compile(r"https?://\S+/recordings/\S+")


def parties_heard(wav: bytes, cast: Cast) -> Counter[str]:
    """How many 20 ms frames of the recording carry each party's signature (mono or each
    channel of a multi-channel file, 8 kHz 16-bit)."""
    with wave.open(io.BytesIO(wav), "rb") as src:
        channels, width, rate = src.getnchannels(), src.getsampwidth(), src.getframerate()
        data = src.readframes(src.getnframes())
    if width != 2 or rate != 8000:
        raise ConformanceFailure(
            (), "a recording of 16-bit audio at 8 kHz", f"{width * 8}-bit at {rate} Hz"
        )
    samples: npt.NDArray[np.int16] = np.frombuffer(data, dtype="<i2").astype(np.int16)
    detector = SignatureDetector(cast.stage.all_signatures)
    found: Counter[str] = Counter()
    for channel in range(channels):
        track = samples[channel::channels]
        for start in range(0, len(track) - FRAME + 1, FRAME):
            for signature in detector.analyse(track[start : start + FRAME]):
                found[cast.stage.whose(signature)] += 1
    return found


@dataclass
class RecordingDesk:
    """The scenario's recordings, its mailbox, and what a refusal left."""

    cast: Cast
    flows: CallFlows
    desk: TicketDesk
    mailbox: Mailbox | None = None
    refusal: SutRefused | None = None
    before_refusal: list[Recording] | None = None
    by_call: dict[str, Recording] = field(default_factory=dict)  # SIP Call-ID -> recording

    @property
    def recordings(self) -> Recordings:
        found = self.cast.tenant.recordings
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'recordings'")
        return found

    # -- settings ---------------------------------------------------------------------------
    def configure(self, *, recording: bool | None = None, playable: bool | None = None) -> None:
        self.cast.portal.run(self.recordings.configure(recording=recording, playable=playable))

    def notifications_to_mailbox(self) -> None:
        """The SUT sends ticket notifications to a mailbox the harness runs on loopback."""
        cast = self.cast
        mailbox = cast.portal.run(Mailbox.open(cast.journal))
        cast.cleanup.push("mailbox", mailbox.close)
        self.mailbox = mailbox
        cast.portal.run(self.recordings.notify_by_email(*mailbox.address, NOTIFY_ADDRESS))

    # -- reading recordings ------------------------------------------------------------------
    def recording_of(self, call: PlacedCall) -> Recording:
        """The call's recording, once the SUT has put it in the call's ticket."""
        if call.sip_call_id in self.by_call:
            return self.by_call[call.sip_call_id]
        ticket = self.desk.by_call.get(call.sip_call_id) or self.desk.ticket_made(call)
        call_id = self.flows.sut_call_id(call)
        try:
            added = self.cast.journal.wait_for(
                Match(
                    SutEvent,
                    kind="ticket.updated",
                    data=lambda d: (
                        d.get("call_id") == call_id and d.get("change") == "recording.added"
                    ),
                ),
                LOG_TIMEOUT,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"a recording of call {call_id} in ticket {ticket.id}", "none was added"
            ) from None
        wanted = added.data.get("recording_id")
        found = self.cast.portal.run(self.recordings.recordings(ticket.id))
        for recording in found:
            if recording.id == wanted or (wanted is None and recording.call_id == call_id):
                self.by_call[call.sip_call_id] = recording
                return recording
        raise ConformanceFailure(
            (), f"recording {wanted} listed in ticket {ticket.id}", "not listed"
        )

    def expect_parties_in(self, wav: bytes, agent: str, where: str) -> None:
        """Both the customer's and ``agent``'s audio are in the recording."""
        heard = parties_heard(wav, self.cast)
        missing = [p for p in (CUSTOMER, agent) if heard[p] < MIN_FRAMES]
        if missing:
            seen = ", ".join(f"{p}: {n} frames" for p, n in heard.most_common()) or "nobody"
            raise ConformanceFailure(
                (),
                f"{where} to hold the audio of the customer and {agent}",
                f"missing {' and '.join(missing)} (found {seen})",
            )

    def expect_both_recorded(self, call: PlacedCall, agent: str, listener: str) -> None:
        """The call's recording, played by ``listener``, holds both parties' audio."""
        recording = self.recording_of(call)
        wav = self._play(recording.url, listener, "the recording")
        self.expect_parties_in(wav, agent, f"recording {recording.id}")

    def _play(self, url: str, user: str, what: str) -> bytes:
        try:
            return self.cast.portal.run(self.recordings.play(url, user=self.cast.agent(user)))
        except SutRefused as refusal:
            raise ConformanceFailure((), f"{user} to play {what}", f"refused: {refusal}") from None

    def expect_play_refused(self, call: PlacedCall, users: list[str]) -> None:
        """No user can play the call's recording: each is refused, the reason saying so."""
        recording = self.recording_of(call)
        for user in users:
            try:
                self.cast.portal.run(
                    self.recordings.play(recording.url, user=self.cast.agent(user))
                )
            except SutRefused as refusal:
                if "recording" not in str(refusal).lower():
                    raise ConformanceFailure(
                        (), "a refusal saying recordings may not be played", str(refusal)
                    ) from None
                continue
            raise ConformanceFailure((), f"{user} refused the recording", "it played")

    # -- the notification email ----------------------------------------------------------------
    def notification(self, call: PlacedCall) -> MailReceived:
        """The notification email of the call's ticket, as the mailbox received it."""
        ticket = self.desk.by_call.get(call.sip_call_id) or self.desk.ticket_made(call)
        try:
            return self.cast.journal.wait_for(
                Match(MailReceived, subject=lambda s: f"#{ticket.id}" in s),
                LOG_TIMEOUT,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"a notification email for ticket {ticket.id}", "no email arrived"
            ) from None

    def mail_link(self, call: PlacedCall) -> str:
        mail = self.notification(call)
        found = _LINK.findall(mail.body)
        if not found:
            raise ConformanceFailure((), "a link to the recording in the email", mail.body[:300])
        return str(found[0])

    def expect_mail_link_plays(self, call: PlacedCall, agent: str, user: str) -> None:
        """The email's link, followed by ``user``, plays the recording of both parties."""
        wav = self._play(self.mail_link(call), user, "the email's link")
        self.expect_parties_in(wav, agent, "the recording the email's link plays")

    def expect_mail_link_refused(self, call: PlacedCall, user: str) -> None:
        """The email's link, followed by ``user``, is refused (playing is forbidden)."""
        link = self.mail_link(call)
        try:
            self.cast.portal.run(self.recordings.play(link, user=self.cast.agent(user)))
        except SutRefused:
            return
        raise ConformanceFailure((), "the email's link refused", "it played the recording")

    # -- deleting ------------------------------------------------------------------------------
    def delete(self, call: PlacedCall, user: str) -> None:
        """``user`` deletes the call's recording from its ticket; a refusal is kept."""
        recording = self.recording_of(call)
        self.before_refusal = self.cast.portal.run(self.recordings.recordings(recording.ticket_id))
        self.refusal = None
        try:
            self.cast.portal.run(
                self.recordings.delete(
                    recording.ticket_id, recording.id, user=self.cast.agent(user)
                )
            )
        except SutRefused as refusal:
            self.refusal = refusal

    def expect_deleted(self, call: PlacedCall, user: str) -> None:
        """The recording is gone from the ticket: marked deleted, and its link plays nothing."""
        if self.refusal is not None:
            raise ConformanceFailure((), "the recording deleted", f"refused: {self.refusal}")
        recording = self.recording_of(call)
        now = self.cast.portal.run(self.recordings.recordings(recording.ticket_id))
        listed = next((r for r in now if r.id == recording.id), None)
        if listed is not None and not listed.deleted:
            raise ConformanceFailure((), "the recording deleted from the ticket", "still listed")
        try:
            self.cast.portal.run(self.recordings.play(recording.url, user=self.cast.agent(user)))
        except SutRefused:
            return
        raise ConformanceFailure((), "a deleted recording not to play", "it played")

    def expect_refused_unchanged(self, call: PlacedCall, *named: str) -> None:
        """The last deletion was refused, its reason naming ``named``; nothing changed."""
        wanted = f"a refusal naming {' and '.join(named)}"
        if self.refusal is None:
            raise ConformanceFailure((), wanted, "the deletion was accepted")
        said = str(self.refusal).lower()
        if not all(word.lower() in said for word in named):
            raise ConformanceFailure((), wanted, f"the refusal said: {self.refusal}")
        recording = self.recording_of(call)
        after = self.cast.portal.run(self.recordings.recordings(recording.ticket_id))
        if after != self.before_refusal:
            raise ConformanceFailure(
                (), "the ticket's recordings unchanged", f"{self.before_refusal} -> {after}"
            )
