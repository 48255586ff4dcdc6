"""A per-call audio watermark: which call, and which side of it, a party hears.

The signature tones (`harness.media.tones`) tell parties of one scenario apart; a load run has
thousands of calls at once, so each call's audio carries its own pseudo-random *key* instead.
The key is spelt in signature tones, one symbol every `SYMBOL_FRAMES` frames (60 ms), in a
repeating word ``mark, d1 .. d6``:

- the mark says who speaks: the customer (`CUSTOMER`), the agent (`AGENT`), or the agent who
  already hears this call's customer (`AGENT_HEARS`: the agent's confirmation travels back in
  band, so the customer learns that both directions carry this call);
- six base-7 digits (tones 3 to 9) spell the key, one of 7**6 = 117,649;
- a check digit (the digits weighted by their position, modulo 7) catches a word garbled on
  the way: a digit lost and another doubled, two digits swapped, one changed.

Every signature sits on the 50 Hz grid, so each tone's 20 ms frame repeats the same octets and
the stream's per-payload analysis cache keeps detection cheap. A receiver reads symbols from
runs of frames holding exactly one tone (a run of ``n`` frames is ``round(n / 3)`` symbols, so
equal neighbouring digits and a frame shifted by a mixer are both read right) and decodes a
word once it has seen a mark, six digits, a check digit that matches and the next mark. A word
of another call counts as heard (cross-talk) only once it has been read twice: a word read once
could still be a coincidence of a sender falling behind and skipping frames.

Keys come from (worker, sequence number) through a bijection modulo 7**6, so consecutive calls
get unrelated-looking keys and a key heard on the wrong call names the call it came from
(`origin`). With up to `MAX_WORKERS` workers a key comes back after 7,353 calls of one worker:
only calls up at the same time need distinct keys, and no call lasts that many calls long.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from harness.media import g711
from harness.media.stream import MediaStream, _Analysed
from harness.media.tones import SIGNATURES, Signature

Speaker = Literal["customer", "agent", "agent-hears"]

SYMBOL_FRAMES = 3
DIGITS = 6
BASE = 7
KEYS = BASE**DIGITS
MAX_WORKERS = 16
"""Worker indexes run from 0 to 15; (sequence, worker) pairs map onto keys one to one."""
SPAN = KEYS // MAX_WORKERS
"""Calls of one worker before its keys come back."""
_MULTIPLIER = 40_503  # coprime with 7: the map below is a bijection modulo 7**6
_OFFSET = 52_711
_INVERSE = pow(_MULTIPLIER, -1, KEYS)

MARKS: dict[Speaker, Signature] = {
    "customer": SIGNATURES[0],
    "agent": SIGNATURES[1],
    "agent-hears": SIGNATURES[2],
}
DIGIT_TONES: tuple[Signature, ...] = SIGNATURES[3 : 3 + BASE]
_SPEAKER_OF = {tone: speaker for speaker, tone in MARKS.items()}
_DIGIT_OF = {tone: digit for digit, tone in enumerate(DIGIT_TONES)}
_WORD = DIGITS + 2  # mark, digits, check digit
_KEEP_SYMBOLS = 3 * _WORD
FOREIGN_READS = 2  # reads of another call's word before it counts as heard
SHARED_FRAMES = 256
"""Distinct frames whose analysis every watermark stream of the process shares (a word has
ten tones, one payload each per codec: a new call finds its frames analysed already)."""
_shared_analysed: dict[tuple[int, bytes], _Analysed] = {}
_word_payloads: dict[tuple[int, Signature, int, float], bytes] = {}
"""Encoded frames by (payload type, tone, frame size, amplitude), shared by every stream."""


def key_for(worker: int, sequence: int) -> int:
    """The key of call ``sequence`` (0, 1, ...) of load worker ``worker``."""
    if not 0 <= worker < MAX_WORKERS:
        raise ValueError(f"worker index must be within 0..{MAX_WORKERS - 1}, got {worker}")
    if sequence < 0:
        raise ValueError("a call's sequence number is not negative")
    slot = (sequence % SPAN) * MAX_WORKERS + worker
    return (slot * _MULTIPLIER + _OFFSET) % KEYS


def origin(key: int) -> tuple[int, int]:
    """(worker, sequence modulo `SPAN`) of the call that owns ``key``."""
    if not 0 <= key < KEYS:
        raise ValueError(f"a key is within 0..{KEYS - 1}, got {key}")
    slot = ((key - _OFFSET) * _INVERSE) % KEYS
    return slot % MAX_WORKERS, slot // MAX_WORKERS


def caller_number(key: int) -> str:
    """The number a load call presents: the agent side reads the call's key from it."""
    return f"+339990{key:06d}"


def key_from_number(number: str) -> int | None:
    """The key a load call's number carries, or None for any other number."""
    digits = number.removeprefix("sip:").split("@", 1)[0]
    if len(digits) != 13 or not digits.startswith("+339990") or not digits[7:].isdigit():
        return None
    key = int(digits[7:])
    return key if key < KEYS else None


@dataclass(frozen=True, slots=True)
class Word:
    """What one watermark says: who speaks, on which call."""

    speaker: Speaker
    key: int


def symbols(word: Word) -> tuple[Signature, ...]:
    """The tones of ``word`` in order: the mark, then the digits, most significant first."""
    if not 0 <= word.key < KEYS:
        raise ValueError(f"a key is within 0..{KEYS - 1}, got {word.key}")
    digits = []
    rest = word.key
    for _ in range(DIGITS):
        rest, digit = divmod(rest, BASE)
        digits.append(digit)
    digits.reverse()
    tones = [DIGIT_TONES[d] for d in (*digits, check_digit(digits))]
    return (MARKS[word.speaker], *tones)


def check_digit(digits: list[int]) -> int:
    """Position-weighted sum modulo 7: a changed digit or two swapped neighbours change it."""
    return sum((index + 1) * digit for index, digit in enumerate(digits)) % BASE


@dataclass
class WatermarkReader:
    """Reads watermark words from the signatures found in successive 20 ms frames (sans-IO)."""

    first_audio_at: float | None = None
    """Arrival of the first frame holding any signature."""
    words: dict[Word, float] = field(default_factory=dict)
    """Every word read, with when it was first read completely."""
    reads: dict[Word, int] = field(default_factory=dict)
    """How many times each word was read."""
    mixed_frames: int = 0
    """Frames holding two tones or more for a whole symbol: two calls' audio mixed."""
    _symbols: list[Signature] = field(default_factory=list)
    _tone: Signature | None = None
    _run: int = 0
    _multi_run: int = 0

    def frame(self, found: AbstractSet[Signature], at: float) -> Word | None:
        """One frame with the signatures found in it; returns a word completed by it, if any."""
        if found and self.first_audio_at is None:
            self.first_audio_at = at
        tone = next(iter(found)) if len(found) == 1 else None
        # A frame shifted across a symbol boundary holds two tones; a whole symbol's worth of
        # such frames in a row is two watermarks at once.
        self._multi_run = self._multi_run + 1 if len(found) > 1 else 0
        if self._multi_run >= SYMBOL_FRAMES:
            self.mixed_frames += 1
        if tone == self._tone:
            self._run += 1
            return None
        completed = self._close_run(at)
        self._tone, self._run = tone, 1
        return completed

    def _close_run(self, at: float) -> Word | None:
        if self._tone is None:
            if self._run >= SYMBOL_FRAMES:  # a gap of silence or mixing breaks the word
                self._symbols.clear()
            return None
        count = round(self._run / SYMBOL_FRAMES)
        self._symbols.extend([self._tone] * count)
        del self._symbols[:-_KEEP_SYMBOLS]
        return self._decode(at) if count and self._tone in _SPEAKER_OF else None

    def _decode(self, at: float) -> Word | None:
        """A word ends where a mark follows a mark, six digits and their check digit."""
        tail = self._symbols[-(_WORD + 1) :]
        if len(tail) < _WORD + 1 or tail[0] not in _SPEAKER_OF:
            return None
        digits = []
        for tone in tail[1:-1]:
            digit = _DIGIT_OF.get(tone)
            if digit is None:
                return None
            digits.append(digit)
        if check_digit(digits[:-1]) != digits[-1]:
            return None
        key = 0
        for digit in digits[:-1]:
            key = key * BASE + digit
        word = Word(_SPEAKER_OF[tail[0]], key)
        self.words.setdefault(word, at)
        self.reads[word] = self.reads.get(word, 0) + 1
        return word

    def heard(self, speaker: Speaker, key: int) -> float | None:
        """When the word (speaker, key) was first read, or None."""
        return self.words.get(Word(speaker, key))

    def others(self, key: int) -> list[Word]:
        """Words of any call but ``key`` read at least `FOREIGN_READS` times so far."""
        return [w for w, n in self.reads.items() if w.key != key and n >= FOREIGN_READS]


class WatermarkStream(MediaStream):
    """A media stream that sends a watermark word and reads the words it receives."""

    def __init__(self, word: Word) -> None:
        super().__init__(listen_for=SIGNATURES, detect_inband_dtmf=False)
        self.word = word
        self._tones = symbols(word)
        self.reader = WatermarkReader()
        self.on_word: Callable[[Word, float], None] | None = None
        """Called with every word completed, and when its last symbol arrived."""

    def say(self, word: Word) -> None:
        """Send ``word`` from the next frame on (the agent's confirmation, say)."""
        self.word = word
        self._tones = symbols(word)

    def _frame_payload(self) -> bytes:
        # Every tone completes whole cycles in a frame, so one payload per tone is enough,
        # and the same for every call of the process.
        frame = self._sample_index // self.samples_per_frame
        tone = self._tones[(frame // SYMBOL_FRAMES) % len(self._tones)]
        key = (self.payload_type, tone, self.samples_per_frame, self.amplitude)
        payload = _word_payloads.get(key)
        if payload is None:
            samples = tone.samples(self.samples_per_frame, 0, self.amplitude, self.clock_rate)
            payload = g711.encode(self.payload_type, np.asarray(samples))
            _word_payloads[key] = payload
        return payload

    def _analyse(self, payload_type: int, payload: bytes) -> _Analysed:
        # Every watermark stream listens for the same tones with the same detector settings,
        # so what a frame's octets hold is the same for all of them: analysed once per
        # process, not once per call (each call would otherwise analyse its ten tones anew).
        key = (payload_type, payload)
        analysed = _shared_analysed.get(key)
        if analysed is None:
            analysed = super()._analyse(payload_type, payload)
            if len(_shared_analysed) >= SHARED_FRAMES:
                del _shared_analysed[next(iter(_shared_analysed))]  # the oldest
            _shared_analysed[key] = analysed
        return analysed

    def _hear(
        self,
        found: AbstractSet[Signature],
        tones: object,
        now: float,
        events: list,
        lost: int = 0,
    ) -> None:
        # Only the watermark is read here: the signature hearing (heard/lost events per tone)
        # would flap with every symbol and is not needed.
        word = self.reader.frame(found, now)
        if word is not None and self.on_word is not None:
            self.on_word(word, now)
