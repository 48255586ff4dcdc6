"""The per-call watermark: keys, words sent and read back, cross-talk named."""

from __future__ import annotations

import pytest

from harness.load.watermark import (
    DIGIT_TONES,
    KEYS,
    MARKS,
    SYMBOL_FRAMES,
    WatermarkReader,
    WatermarkStream,
    Word,
    caller_number,
    check_digit,
    key_for,
    key_from_number,
    origin,
    symbols,
)
from harness.media.tones import Signature

FRAME = 0.02


def _through(sender: WatermarkStream, receiver: WatermarkStream, seconds: float) -> None:
    """Packets from ``sender`` into ``receiver`` on a virtual clock."""
    sender.start_sending(0.0)
    t = 0.0
    while t < seconds:
        for packet in sender.produce(t):
            receiver.receive(packet, t)
        t += FRAME


def test_keys_are_unique_per_worker_and_sequence_and_name_their_origin() -> None:
    keys = {key_for(w, s) for w in range(4) for s in range(2000)}
    assert len(keys) == 8000
    assert origin(key_for(3, 1234)) == (3, 1234)
    assert all(0 <= k < KEYS for k in keys)


def test_a_call_number_carries_its_key_and_other_numbers_do_not() -> None:
    assert key_from_number(caller_number(4711)) == 4711
    assert key_from_number("sip:" + caller_number(5) + "@127.0.0.1") == 5
    assert key_from_number("+33123456789") is None
    assert key_from_number("+339990999999") is None  # beyond the key space


def test_a_word_sent_is_read_back_with_its_speaker_and_key() -> None:
    word = Word("agent", key_for(1, 77))
    sender, receiver = WatermarkStream(word), WatermarkStream(Word("customer", 1))
    _through(sender, receiver, 1.0)
    assert receiver.reader.heard("agent", word.key) is not None
    assert receiver.reader.others(word.key) == []
    assert receiver.reader.first_audio_at == 0.0


def test_repeated_digits_are_read_from_the_length_of_their_run() -> None:
    word = Word("customer", 0)  # six equal digits in a row
    sender, receiver = WatermarkStream(word), WatermarkStream(Word("agent", 1))
    _through(sender, receiver, 1.0)
    assert set(receiver.reader.words) == {word}


def test_another_calls_word_is_read_as_that_call() -> None:
    mine, theirs = key_for(0, 1), key_for(1, 1)
    sender, receiver = (
        WatermarkStream(Word("agent", theirs)),
        WatermarkStream(Word("customer", mine)),
    )
    _through(sender, receiver, 0.6)  # one word read: not yet enough to call it cross-talk
    assert receiver.reader.reads == {Word("agent", theirs): 1}
    assert receiver.reader.others(mine) == []
    _through(sender, receiver, 1.2)
    assert receiver.reader.heard("agent", mine) is None
    assert receiver.reader.others(mine) == [Word("agent", theirs)]


def test_the_agent_can_switch_to_its_confirmation() -> None:
    word = Word("agent", 99)
    sender, receiver = WatermarkStream(word), WatermarkStream(Word("customer", 99))
    _through(sender, receiver, 0.6)
    sender.say(Word("agent-hears", 99))
    t = 0.6
    while t < 2.0:
        for packet in sender.produce(t):
            receiver.receive(packet, t)
        t += FRAME
    assert receiver.reader.heard("agent", 99) is not None
    assert receiver.reader.heard("agent-hears", 99) is not None


def test_silence_reads_nothing_and_two_words_at_once_count_as_mixed() -> None:
    reader = WatermarkReader()
    for i in range(60):
        assert reader.frame(frozenset(), i * FRAME) is None
    assert reader.words == {} and reader.first_audio_at is None
    a, b = symbols(Word("customer", 1)), symbols(Word("customer", 2))
    for i in range(60):
        n = len(a)
        reader.frame(frozenset({a[i // SYMBOL_FRAMES % n], b[(i // SYMBOL_FRAMES + 3) % n]}), i)
    assert reader.mixed_frames > 0


def test_a_key_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="key"):
        symbols(Word("customer", KEYS))
    with pytest.raises(ValueError, match="worker"):
        key_for(16, 0)


def _feed(reader: WatermarkReader, tones: list[Signature], frames: int = SYMBOL_FRAMES) -> None:
    for index, tone in enumerate(tones):
        for f in range(frames):
            reader.frame(frozenset({tone}), (index * frames + f) * FRAME)


def test_a_garbled_word_fails_its_check_digit_and_is_not_read() -> None:
    word = list(symbols(Word("customer", key_for(2, 40))))
    assert check_digit([0, 0, 0, 0, 0, 1]) != check_digit([0, 0, 0, 0, 1, 0])
    # A digit lost and its neighbour doubled keeps the length of a word but not its check.
    garbled = [word[0], word[1], word[1], word[3], word[4], word[5], word[6], word[7]]
    if garbled == word:
        garbled[2] = DIGIT_TONES[(DIGIT_TONES.index(word[2]) + 1) % 7]
    reader = WatermarkReader()
    _feed(reader, garbled * 3)
    assert reader.words == {}
    _feed(reader, word * 3)
    assert set(reader.words) == {Word("customer", key_for(2, 40))}


def test_a_frame_is_analysed_once_for_every_stream_of_the_process() -> None:
    first, second = WatermarkStream(Word("customer", 11)), WatermarkStream(Word("agent", 12))
    payload = first._frame_payload()
    analysed = first._analyse(first.payload_type, payload)
    assert analysed.found == {MARKS["customer"]}
    # The second call's stream finds the frame analysed already: the very same result.
    assert second._analyse(second.payload_type, payload) is analysed
    # And it sends the same octets for the same tone without encoding them again.
    assert second._frame_payload() is not payload  # its own first tone: the agent's mark
    assert WatermarkStream(Word("customer", 13))._frame_payload() is payload
