"""Incoming-call tones (CC-NTF-4, 5, 9): what counts as an MP3 file, and the tone setting."""

from __future__ import annotations

import pytest

from harness.data.mp3 import silent_mp3
from harness.reference.domain.errors import Conflict, InvalidField
from harness.reference.domain.tones import RingTone, mp3_problem, update_ring_tone
from harness.reference.service import ContactCenter
from harness.reference.tones import Tones


def test_an_mp3_file_is_told_by_its_frame_sync_or_its_id3_tag() -> None:
    assert mp3_problem(silent_mp3(3)) is None
    assert mp3_problem(silent_mp3(3, id3=True)) is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "is empty"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "no ID3 tag or MPEG audio frame sync"),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00RIFF", "no ID3 tag or MPEG audio frame sync"),
        (b"ID3\x03\x00\x00\x80\x00\x00\x00", "malformed size"),
        (b"\xff\xfb\xf0\xc4" + bytes(20), "frame header is invalid"),  # bitrate index 15
        (b"\xff\xfb\x9c\xc4" + bytes(20), "frame header is invalid"),  # sample rate index 3
        (b"\xff\xe9\x90\xc4" + bytes(20), "frame header is invalid"),  # reserved layer
    ],
)
def test_a_file_that_is_no_mp3_is_named_as_such(data: bytes, words: str) -> None:
    problem = mp3_problem(data)
    assert problem is not None and words in problem


def test_the_tone_must_be_known_and_the_repeat_in_range() -> None:
    known = {"classic": "Classic", "tone_1": "Jingle"}
    assert update_ring_tone(RingTone(), {"tone": "tone_1", "repeat_s": 4}, known) == RingTone(
        "tone_1", 4
    )
    for changes, field in (
        ({"tone": "nope"}, "tone"),
        ({"repeat_s": 1}, "repeat_s"),
        ({"repeat_s": 61}, "repeat_s"),
        ({"repeat_s": True}, "repeat_s"),
    ):
        with pytest.raises(InvalidField) as refused:
            update_ring_tone(RingTone(), changes, known)
        assert refused.value.field == field


def test_the_tone_in_use_and_built_in_ones_cannot_be_deleted(center: ContactCenter) -> None:
    account = center.create_account("Acme")
    tones = Tones(center)
    jingle = tones.upload(account.id, "Jingle", silent_mp3(2))
    tones.choose(account.id, {"tone": jingle["id"]})
    with pytest.raises(Conflict):
        tones.delete(account.id, jingle["id"])
    with pytest.raises(Conflict):
        tones.delete(account.id, "classic")
    tones.choose(account.id, {"tone": "chime"})
    assert jingle in tones.library(account.id)  # still there beside the default tone
    tones.delete(account.id, jingle["id"])
    assert jingle not in tones.library(account.id)
