"""Incoming-call tones (seed 004, CC-NTF-4, 5, 9): the service part the API uses.

The rules are in :mod:`harness.reference.domain.tones`. Built-in tones are generated here (a
few notes, as WAV); uploaded ones are kept as the MP3 files they were. Choosing a built-in tone
as the default leaves the uploaded ones in the library (CC-NTF-9); the tone in use cannot be
deleted until another is chosen.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Mapping
from typing import Any

import numpy as np

from .domain import tones as rules
from .domain.errors import Conflict, NotFound
from .domain.tones import BUILT_IN, RingTone
from .service import ContactCenter
from .store_notifications import NotificationTables
from .telephony.prompts import RATE, wav_bytes

#: The notes (Hz) of each built-in tone, each played for ``NOTE_S``.
_NOTES = {"classic": (880.0, 660.0), "chime": (523.25, 659.25, 783.99), "digital": (1200.0,) * 3}
NOTE_S = 0.2


@functools.cache
def built_in_audio(tone: str) -> bytes:
    """A built-in tone as a WAV file (8 kHz mono)."""
    t = np.arange(round(NOTE_S * RATE)) / RATE
    notes = [6000 * np.sin(2 * np.pi * f * t) for f in _NOTES[tone]]
    return wav_bytes(np.rint(np.concatenate(notes)).astype(np.int16))


class Tones:
    """The account's tone library and its incoming-call tone."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self.tables = NotificationTables(center.store)

    def library(self, account_id: str) -> list[dict[str, Any]]:
        """Every tone an admin can choose: the built-in ones, then the uploaded ones."""
        tones = [{"id": k, "name": v, "built_in": True} for k, v in BUILT_IN.items()]
        tones += [{"id": i, "name": n, "built_in": False} for i, n in self.tables.tones(account_id)]
        return tones

    def upload(self, account_id: str, name: object, data: bytes) -> dict[str, Any]:
        """Add an uploaded MP3 tone under ``name``; a non-MP3 file is refused naming why."""
        checked = rules.check_name(name)
        rules.check_mp3(data)
        tone_id = f"tone_{secrets.token_hex(8)}"
        self.tables.save_tone(account_id, tone_id, checked, data)
        return {"id": tone_id, "name": checked, "built_in": False}

    def replace(self, account_id: str, tone_id: str, data: bytes) -> dict[str, Any]:
        """Give an uploaded tone a new file (its name and id stay)."""
        name = self._uploaded_name(account_id, tone_id)
        rules.check_mp3(data)
        self.tables.save_tone(account_id, tone_id, name, data)
        return {"id": tone_id, "name": name, "built_in": False}

    def delete(self, account_id: str, tone_id: str) -> None:
        """Delete an uploaded tone; not the one in use, nor a built-in one."""
        self._uploaded_name(account_id, tone_id)
        if self.ring_tone(account_id).tone == tone_id:
            raise Conflict("the tone is the incoming-call tone: choose another one first")
        self.tables.delete_tone(account_id, tone_id)

    def audio(self, account_id: str, tone_id: str) -> tuple[bytes, str]:
        """A tone's file and its content type, for a preview (or for the app to play)."""
        if tone_id in BUILT_IN:
            return built_in_audio(tone_id), "audio/wav"
        data = self.tables.tone_data(account_id, tone_id)
        if data is None:
            raise NotFound("tone", tone_id, field="tone_id")
        return data, "audio/mpeg"

    def ring_tone(self, account_id: str) -> RingTone:
        """The tone agents' apps play for an offered call."""
        return self.tables.ring_tone(account_id)

    def choose(self, account_id: str, changes: Mapping[str, Any]) -> RingTone:
        """Choose the incoming-call tone and how it repeats; bad members are refused."""
        known = {t["id"]: t["name"] for t in self.library(account_id)}
        updated = rules.update_ring_tone(self.ring_tone(account_id), changes, known)
        self.tables.save_ring_tone(account_id, updated)
        return updated

    def _uploaded_name(self, account_id: str, tone_id: str) -> str:
        if tone_id in BUILT_IN:
            raise Conflict("a built-in tone cannot be changed or deleted")
        names = dict(self.tables.tones(account_id))
        if tone_id not in names:
            raise NotFound("tone", tone_id, field="tone_id")
        return names[tone_id]
