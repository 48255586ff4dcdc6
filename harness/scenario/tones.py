"""The tone library (CC-NTF-4, 9): uploaded MP3 tones, previews, replacement, deletion, and the
incoming-call tone an admin chooses. Talks to the SUT through the ``notifications`` capability.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from harness.data.mp3 import silent_mp3
from harness.errors import ConformanceFailure
from harness.scenario.capabilities import need
from harness.scenario.cast import Cast
from harness.sut.contract import Notifications, SutRefused
from harness.sut.notifications_model import Tone


@dataclass
class ToneLibrary:
    """The admin's tone library, and the files the scenario uploaded."""

    cast: Cast
    files: dict[str, bytes] = field(default_factory=dict)  # tone name -> its latest file
    refusal: SutRefused | None = None
    before: list[Tone] = field(default_factory=list)

    @property
    def notifications(self) -> Notifications:
        return need(getattr(self.cast.tenant, "notifications", None), "notifications")

    def _library(self) -> list[Tone]:
        return self.cast.portal.run(self.notifications.tones())[0]

    def tone(self, name: str) -> Tone:
        """The tone of the library called ``name``."""
        found = [t for t in self._library() if t.name.lower() == name.lower()]
        if not found:
            known = ", ".join(t.name for t in self._library())
            raise ConformanceFailure((), f"a tone {name!r} in the library", f"it lists {known}")
        return found[0]

    def upload(self, name: str, frames: int = 20) -> None:
        """The admin uploads an MP3 file as the tone ``name``."""
        data = silent_mp3(frames, id3=True)
        self.cast.portal.run(self.notifications.upload_tone(name, data))
        self.files[name] = data

    def upload_bad(self, name: str, data: bytes) -> None:
        """The admin tries to upload ``data`` (no MP3) as the tone ``name``."""
        self.before = self._library()
        try:
            self.cast.portal.run(self.notifications.upload_tone(name, data))
        except SutRefused as refused:
            self.refusal = refused
            return
        raise ConformanceFailure((), f"the SUT to refuse {name!r}, which is no MP3", "it took it")

    def expect_refused(self, words: str) -> None:
        """The last upload was refused, naming ``words``; the library is unchanged."""
        if self.refusal is None or words not in str(self.refusal):
            raise ConformanceFailure(
                (), f"the upload refused naming {words!r}", f"the answer: {self.refusal}"
            )
        after = self._library()
        if after != self.before:
            raise ConformanceFailure((), "the library unchanged", f"it became {after}")

    def replace(self, name: str, frames: int) -> None:
        """The admin replaces the tone ``name``'s file with another MP3 file."""
        data = silent_mp3(frames)
        self.cast.portal.run(self.notifications.replace_tone(self.tone(name), data))
        self.files[name] = data

    def expect_preview(self, name: str) -> None:
        """Previewing ``name`` plays exactly the file the admin uploaded last."""
        played = self.cast.portal.run(self.notifications.preview_tone(self.tone(name)))
        if played != self.files[name]:
            raise ConformanceFailure(
                (),
                f"the preview of {name!r} to play the file uploaded last",
                f"it plays {len(played)} bytes, not the {len(self.files[name])} uploaded",
            )

    def choose(self, name: str, repeat_s: int | None = None) -> None:
        """The admin chooses ``name`` as the incoming-call tone."""
        self.cast.portal.run(self.notifications.choose_ring_tone(self.tone(name), repeat_s))

    def delete(self, name: str) -> None:
        """The admin deletes the tone ``name``."""
        self.cast.portal.run(self.notifications.delete_tone(self.tone(name)))

    def expect_listed(self, name: str, listed: bool = True) -> None:
        """The library lists ``name`` (or, with ``listed`` False, no longer does)."""
        names = [t.name.lower() for t in self._library()]
        if (name.lower() in names) != listed:
            raise ConformanceFailure(
                (),
                f"the library {'to list' if listed else 'no longer to list'} {name!r}",
                f"it lists {', '.join(names)}",
            )

    def expect_ring_tone(self, name: str, repeat_s: int | None = None) -> None:
        """Agents hear ``name`` for offered calls, repeated as stated."""
        library, ring = self.cast.portal.run(self.notifications.tones())
        names = {t.id: t.name for t in library}
        if names.get(ring.tone_id, "").lower() != name.lower() or ring.repeat_s != repeat_s:
            raise ConformanceFailure(
                (),
                f"the incoming-call tone {name!r} (repeat {repeat_s})",
                f"it is {names.get(ring.tone_id, ring.tone_id)!r} (repeat {ring.repeat_s})",
            )


@pytest.fixture
def tone_library(cast: Cast) -> ToneLibrary:
    """The admin's tone library."""
    return ToneLibrary(cast)
