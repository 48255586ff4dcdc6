"""The hold audio: its melody, and the line setting that turns it on."""

from __future__ import annotations

import numpy as np
import pytest

from harness.media.prompts import identify
from harness.media.tones import SIGNATURE_FREQUENCIES_HZ, SignatureDetector, signature_for
from harness.reference.domain.errors import InvalidField
from harness.reference.domain.talk import LineSettings, TalkSettings, update_line
from harness.reference.telephony.hold_audio import NOTES_HZ, hold_melody


def test_the_melody_is_the_same_every_time_and_cannot_be_changed() -> None:
    melody = hold_melody()
    assert melody is hold_melody()
    assert melody.dtype == np.int16 and not melody.flags.writeable
    assert 0.8 < len(melody) / 8000 < 1.6  # a round short enough to loop, long enough to know


def test_no_note_sits_near_a_party_signature() -> None:
    assert max(NOTES_HZ) < 700 < min(SIGNATURE_FREQUENCIES_HZ)
    detector = SignatureDetector([signature_for(i) for i in range(len(SIGNATURE_FREQUENCIES_HZ))])
    melody = hold_melody()
    frames = [melody[i : i + 160] for i in range(0, len(melody) - 159, 160)]
    assert not any(detector.analyse(frame) for frame in frames)


def test_the_melody_is_recognised_in_a_loop_of_itself_and_not_in_a_voice() -> None:
    melody = hold_melody()
    looped = np.concatenate([melody[5000:], melody, melody])
    assert identify(looped, {"hold": melody}, "hold").matched
    voice = signature_for(1).samples(16000)
    assert not identify(voice, {"hold": melody}, "hold").matched


def test_hold_audio_is_a_line_setting_off_by_default() -> None:
    plain = LineSettings()
    assert not plain.hold_audio
    on = update_line(plain, {"hold_audio": True})
    assert on.hold_audio and on.abandoned_call_tickets == plain.abandoned_call_tickets
    with pytest.raises(InvalidField) as refused:
        update_line(on, {"hold_audio": "yes"})
    assert refused.value.field == "hold_audio"
    stored = TalkSettings().with_line("num_1", on)
    assert TalkSettings.from_json(stored.to_json()).line("num_1").hold_audio


def test_settings_stored_before_hold_audio_existed_still_load() -> None:
    old = '{"lines": {"num_1": {"omnichannel_routing": true, "abandoned_call_tickets": false}}}'
    assert TalkSettings.from_json(old).line("num_1") == LineSettings(True, False, False)
