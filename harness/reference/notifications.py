"""Agent notifications (seed 004, CC-NTF): the service part the API and the edge use.

The rules are in :mod:`harness.reference.domain.notifications`; here they meet the store, the
account's clock and the prompt renderer. A call's wait is kept when its customer is put through
to the agent: its *wait time* runs from the call's arrival to that moment, so the whisper and the
countdown the agent heard first count in it (CC-NTF-2, 3).
"""

from __future__ import annotations

import io
import threading
import wave
from collections.abc import Mapping
from typing import Any

import numpy as np

from .clock import iso_utc, parse_iso_utc
from .domain import notifications as rules
from .domain.errors import InvalidField, NotFound
from .domain.notifications import AgentSms, QueueWhisper, WhisperSettings
from .service import ContactCenter
from .store_notifications import CallWait, NotificationTables
from .telephony.prompts import RATE, PromptRenderer, Samples, resample

MAX_AUDIO_S = 10.0  # an uploaded whisper longer than this is refused
_RENDERERS: dict[int, PromptRenderer] = {}
_RENDERERS_LOCK = threading.Lock()


def renderer(speed_wpm: int) -> PromptRenderer:
    """The prompt renderer of one speech rate (each keeps its own renderings)."""
    with _RENDERERS_LOCK:
        found = _RENDERERS.get(speed_wpm)
        if found is None:
            found = _RENDERERS[speed_wpm] = PromptRenderer(words_per_minute=speed_wpm)
        return found


class Notifications:
    """The account's whisper settings, the whisper's audio, and calls' waits."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self.tables = NotificationTables(center.store)

    def whisper(self, account_id: str) -> WhisperSettings:
        """The account's whisper settings."""
        return self.tables.whisper(account_id)

    def update_whisper(self, account_id: str, changes: Mapping[str, Any]) -> WhisperSettings:
        """Change the whisper settings; a bad member is refused naming it, nothing stored."""
        updated = rules.update_whisper(self.whisper(account_id), changes)
        self.tables.save_whisper(account_id, updated)
        return updated

    async def whisper_audio(
        self, account_id: str, call_type: str, queue_name: str, queue_id: str | None = None
    ) -> Samples:
        """The whisper of a call of ``call_type`` from ``queue_name`` as it plays (the queue's
        own when it has one), even while the whisper is off."""
        stored = None if queue_id is None else self.tables.queue_whisper(account_id, queue_id)
        if stored is None:
            speed = self.whisper(account_id).speed_wpm
            return await renderer(speed).arender(rules.whisper_text(call_type, queue_name))
        whisper, _ = await self.prompts(account_id, call_type, queue_name, queue_id)
        assert whisper is not None
        return whisper

    async def countdown_audio(self, account_id: str) -> Samples:
        """The countdown, at the account's speed."""
        speed = self.whisper(account_id).speed_wpm
        return await renderer(speed).arender(rules.COUNTDOWN_TEXT)

    def connected(
        self, account_id: str, call_id: str, whisper_s: float, countdown_s: float
    ) -> None:
        """The call's customer is on the line with the agent now, after the agent heard
        ``whisper_s`` of whisper and ``countdown_s`` of countdown."""
        at = iso_utc(self.center.clock.now(account_id))
        self.tables.save_wait(account_id, CallWait(call_id, at, whisper_s, countdown_s))

    def wait(self, account_id: str, call_id: str) -> dict[str, Any]:
        """How long the call's customer waited before being put through, and of what."""
        call = self.center.get_call(account_id, call_id)  # another account's: not found
        wait = self.tables.wait(account_id, call_id)
        if wait is None:
            raise NotFound("connected call", call_id, field="call_id")
        connected = parse_iso_utc(wait.connected_at)
        return {
            "call_id": call_id,
            "wait_s": round((connected - call.started_at).total_seconds(), 3),
            "whisper_s": round(wait.whisper_s, 3),
            "countdown_s": round(wait.countdown_s, 3),
            "connected_at": wait.connected_at,
        }

    def agent_sms(self, account_id: str, user_id: str) -> AgentSms:
        """Whether the user is told of offered calls by SMS, and her profile's number."""
        self.center.get_user(account_id, user_id)  # NotFound for another account's user
        return AgentSms(*self.tables.agent_sms(account_id, user_id))

    def update_agent_sms(
        self, account_id: str, user_id: str, changes: Mapping[str, Any]
    ) -> AgentSms:
        """Change the user's SMS notification; a bad member is refused naming it."""
        updated = rules.update_agent_sms(self.agent_sms(account_id, user_id), changes)
        self.tables.save_agent_sms(account_id, user_id, updated.sms, updated.phone)
        return updated

    # --- a queue's own whisper (CC-NTF-8) -------------------------------------------------------

    def queue_whisper(self, account_id: str, queue_id: str) -> QueueWhisper | None:
        """The queue's own whisper, if it has one (else the account's applies)."""
        self.center.routing.config(account_id).queue(queue_id)  # NotFound for an unknown queue
        stored = self.tables.queue_whisper(account_id, queue_id)
        return None if stored is None else stored[0]

    def update_queue_whisper(
        self, account_id: str, queue_id: str, changes: Mapping[str, Any]
    ) -> QueueWhisper:
        """Give the queue its own whisper, or change it; a bad member is refused naming it."""
        self.center.routing.config(account_id).queue(queue_id)
        stored = self.tables.queue_whisper(account_id, queue_id)
        current, audio = stored if stored is not None else (QueueWhisper(), b"")
        updated = rules.update_queue_whisper(current, changes)
        self.tables.save_queue_whisper(account_id, queue_id, updated, audio)
        return updated

    def upload_queue_audio(self, account_id: str, queue_id: str, data: bytes) -> QueueWhisper:
        """The queue's whisper is this recording from now on (a mono 16-bit WAV file)."""
        self.center.routing.config(account_id).queue(queue_id)
        samples = wav_samples(data)
        stored = self.tables.queue_whisper(account_id, queue_id)
        current = stored[0] if stored is not None else QueueWhisper()
        updated = QueueWhisper(
            "audio", current.text, current.speed_wpm, current.countdown, has_audio=True
        )
        self.tables.save_queue_whisper(account_id, queue_id, updated, samples.tobytes())
        return updated

    async def prompts(
        self, account_id: str, call_type: str, queue_name: str, queue_id: str | None
    ) -> tuple[Samples | None, Samples | None]:
        """The whisper and the countdown a call of ``call_type`` reaching ``queue_name``
        plays to its agent (None: not played), the queue's own whisper first."""
        account = self.whisper(account_id)
        stored = None if queue_id is None else self.tables.queue_whisper(account_id, queue_id)
        if stored is None:
            speak = renderer(account.speed_wpm)
            whisper = (
                await speak.arender(rules.whisper_text(call_type, queue_name))
                if account.on
                else None
            )
            countdown = await speak.arender(rules.COUNTDOWN_TEXT) if account.countdown else None
            return whisper, countdown
        own, audio = stored
        speak = renderer(own.speed_wpm or account.speed_wpm)
        if own.message == "audio":
            whisper = np.frombuffer(audio, dtype=np.int16)
        elif own.message == "text":
            assert own.text is not None
            whisper = await speak.arender(own.text)
        else:
            whisper = await speak.arender(rules.whisper_text(call_type, queue_name))
        counting = account.countdown if own.countdown is None else own.countdown
        return whisper, (await speak.arender(rules.COUNTDOWN_TEXT) if counting else None)

    def announces(self, account_id: str, queue_id: str | None) -> bool:
        """Whether a call reaching ``queue_id`` plays anything to its agent before connecting."""
        account = self.whisper(account_id)
        if queue_id is not None and self.tables.queue_whisper(account_id, queue_id) is not None:
            return True
        return account.on or account.countdown


def wav_samples(data: bytes) -> Samples:
    """A mono 16-bit PCM WAV file's audio at 8 kHz, or InvalidField naming what is wrong."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise InvalidField("audio", "is not a WAV file (no RIFF/WAVE header)")
    try:
        with wave.open(io.BytesIO(data)) as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise InvalidField("audio", f"is not a readable WAV file: {exc}") from None
    if channels != 1 or width != 2:
        raise InvalidField(
            "audio", f"must be mono 16-bit PCM, not {channels} channel(s) of {8 * width} bits"
        )
    samples = np.frombuffer(raw, dtype="<i2")
    if len(samples) == 0:
        raise InvalidField("audio", "holds no audio")
    if len(samples) / rate > MAX_AUDIO_S:
        raise InvalidField("audio", f"must last at most {MAX_AUDIO_S:g} s")
    if rate == RATE:
        return samples.astype(np.int16)
    return resample(samples.astype(np.float64), rate, RATE)
