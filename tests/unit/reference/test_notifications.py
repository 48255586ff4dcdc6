"""Agent notifications (CC-NTF): the whisper settings' rules and the stored wait of a call."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from harness.reference.domain.distribution import WidgetSpec
from harness.reference.domain.errors import InvalidField, NotFound
from harness.reference.domain.notifications import (
    AgentSms,
    QueueWhisper,
    WhisperSettings,
    update_agent_sms,
    update_queue_whisper,
    update_whisper,
    whisper_text,
)
from harness.reference.notifications import Notifications, wav_samples
from harness.reference.service import ContactCenter

from .conftest import FakeTime


def test_the_whisper_is_off_until_turned_on() -> None:
    assert WhisperSettings() == WhisperSettings(on=False, speed_wpm=190, countdown=False)


def test_a_change_keeps_what_it_does_not_name() -> None:
    current = WhisperSettings(on=True, speed_wpm=250, countdown=False)
    assert update_whisper(current, {"countdown": True}) == WhisperSettings(True, 250, True)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"on": "yes"}, "on", "true or false"),
        ({"countdown": 1}, "countdown", "true or false"),
        ({"speed_wpm": 79}, "speed_wpm", "between 80 and 450, not 79"),
        ({"speed_wpm": 451}, "speed_wpm", "between 80 and 450, not 451"),
        ({"speed_wpm": 200.5}, "speed_wpm", "whole number"),
        ({"speed_wpm": True}, "speed_wpm", "whole number"),
    ],
)
def test_a_bad_member_is_refused_naming_it(changes: dict, field: str, words: str) -> None:
    with pytest.raises(InvalidField) as refused:
        update_whisper(WhisperSettings(), changes)
    assert refused.value.field == field
    assert words in str(refused.value)


def test_the_whisper_names_the_call_type_and_the_queue() -> None:
    assert whisper_text("Phone call", "Support") == "Phone call from Support"


def test_a_refused_change_leaves_the_stored_settings_as_they_were(center: ContactCenter) -> None:
    account = center.create_account("Acme")
    part = Notifications(center)
    part.update_whisper(account.id, {"on": True, "speed_wpm": 300})
    with pytest.raises(InvalidField):
        part.update_whisper(account.id, {"countdown": True, "speed_wpm": 10})
    assert part.whisper(account.id) == WhisperSettings(True, 300, False)
    other = center.create_account("Globex")
    assert part.whisper(other.id) == WhisperSettings()  # each account has its own


def test_the_wait_runs_from_the_arrival_to_the_connection(
    center: ContactCenter, fake_time: FakeTime
) -> None:
    account = center.create_account("Acme")
    ana = center.create_user(account.id, "Ana Lopez", "ana@acme.test")
    number = center.create_number(account.id, "+33123456789", "Support")
    center.set_distribution(
        account.id, number.id, [WidgetSpec(20, "simultaneous", (("user", ana.id),))]
    )
    call_id = center.start_inbound_call("+33123456789", "+33611111111", "w-1@x").call_id
    part = Notifications(center)
    with pytest.raises(NotFound):  # not put through yet
        part.wait(account.id, call_id)
    fake_time.pass_(4.5)
    part.connected(account.id, call_id, 1.25, 2.5)
    fake_time.pass_(3.0)
    part.connected(account.id, call_id, 0.0, 0.0)  # the first connection counts
    wait = part.wait(account.id, call_id)
    assert (wait["wait_s"], wait["whisper_s"], wait["countdown_s"]) == (4.5, 1.25, 2.5)
    other = center.create_account("Globex")
    with pytest.raises(NotFound):  # another account's call is not found
        part.wait(other.id, call_id)


def test_sms_notifications_need_a_profile_number() -> None:
    with pytest.raises(InvalidField) as refused:
        update_agent_sms(AgentSms(), {"sms": True})
    assert refused.value.field == "phone"
    assert update_agent_sms(AgentSms(), {"sms": True, "phone": "+33612345678"}) == AgentSms(
        True, "+33612345678"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"phone": "0612345678"}, "phone"), ({"phone": 33612345678}, "phone"), ({"sms": "on"}, "sms")],
)
def test_a_bad_sms_setting_is_refused_naming_the_member(changes: dict, field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        update_agent_sms(AgentSms(), changes)
    assert refused.value.field == field


def test_a_refused_sms_change_keeps_the_stored_setting(center: ContactCenter) -> None:
    account = center.create_account("Acme")
    ana = center.create_user(account.id, "Ana Lopez", "ana@acme.test")
    part = Notifications(center)
    part.update_agent_sms(account.id, ana.id, {"sms": True, "phone": "+33612345678"})
    with pytest.raises(InvalidField):
        part.update_agent_sms(account.id, ana.id, {"phone": None})  # SMS on needs the number
    assert part.agent_sms(account.id, ana.id) == AgentSms(True, "+33612345678")
    other = center.create_account("Globex")
    with pytest.raises(NotFound):
        part.agent_sms(other.id, ana.id)


def test_a_queue_whisper_with_a_text_message_needs_the_text() -> None:
    with pytest.raises(InvalidField) as refused:
        update_queue_whisper(QueueWhisper(), {"message": "text"})
    assert refused.value.field == "text"
    spoken = update_queue_whisper(QueueWhisper(), {"message": "text", "text": "A premium call"})
    assert (spoken.message, spoken.text) == ("text", "A premium call")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"message": "jingle"}, "message"),
        ({"message": "audio"}, "message"),  # nothing uploaded yet
        ({"text": "   "}, "text"),
        ({"text": "x" * 501}, "text"),
        ({"speed_wpm": 20}, "speed_wpm"),
        ({"countdown": "yes"}, "countdown"),
    ],
)
def test_a_bad_queue_whisper_is_refused_naming_the_member(changes: dict, field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        update_queue_whisper(QueueWhisper(), changes)
    assert refused.value.field == field


def _wav(samples: np.ndarray, rate: int = 8000, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def test_an_uploaded_whisper_is_kept_at_8_khz() -> None:
    tone = (3000 * np.sin(np.arange(16000) / 16000 * 2 * np.pi * 440)).astype(np.int16)
    assert len(wav_samples(_wav(tone, rate=16000))) == 8000
    assert np.array_equal(wav_samples(_wav(tone[:800])), tone[:800])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"ID3\x03\x00\x00\x00\x00\x00\x00", "not a WAV file"),
        (_wav(np.zeros(800, dtype=np.int16), channels=2), "mono 16-bit"),
        (_wav(np.zeros(0, dtype=np.int16)), "no audio"),
        (_wav(np.zeros(8000 * 11, dtype=np.int16)), "at most 10 s"),
    ],
)
def test_an_unusable_upload_is_refused_naming_the_problem(data: bytes, words: str) -> None:
    with pytest.raises(InvalidField) as refused:
        wav_samples(data)
    assert refused.value.field == "audio"
    assert words in str(refused.value)
