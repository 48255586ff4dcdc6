"""Prompts as real audio: text synthesised offline by espeak-ng, resampled to 8 kHz for G.711.

Rendered when first needed (not shipped as WAV files) and kept in memory by text, so a prompt
is synthesised once per process and every caller hears exactly the samples the API serves at
``GET /routing/prompts/{name}``. espeak-ng is a Debian package the harness's setup installs
(``harness/cli/setup.py``); without it a prompt cannot be rendered and the error says so.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import tempfile
import threading
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE = 8000
VOICE = "en-us"
WORDS_PER_MINUTE = 190
MAX_TEXT = 500

Samples = npt.NDArray[np.int16]


class PromptUnavailable(RuntimeError):
    """A prompt could not be synthesised (espeak-ng missing or failing)."""


def resample(samples: npt.NDArray[np.float64], rate_in: int, rate_out: int) -> Samples:
    """Band-limited resampling by the FFT: the spectrum above the new Nyquist is dropped."""
    n_out = round(len(samples) * rate_out / rate_in)
    if n_out == 0:
        return np.zeros(0, dtype=np.int16)
    spectrum = np.fft.rfft(samples)
    kept = spectrum[: n_out // 2 + 1]
    out = np.fft.irfft(kept, n_out) * (n_out / len(samples))
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


class PromptRenderer:
    """Synthesises texts with espeak-ng; one rendering per text per process."""

    def __init__(self, voice: str = VOICE, words_per_minute: int = WORDS_PER_MINUTE) -> None:
        self.voice = voice
        self.words_per_minute = words_per_minute
        self._cache: dict[str, Samples] = {}
        self._lock = threading.Lock()

    def render(self, text: str) -> Samples:
        """``text`` spoken, 8 kHz mono int16 (blocking the first time; see :meth:`arender`)."""
        text = " ".join(text.split())[:MAX_TEXT]
        with self._lock:
            cached = self._cache.get(text)
        if cached is not None:
            return cached
        samples = self._synthesise(text)
        with self._lock:
            self._cache[text] = samples
        return samples

    async def arender(self, text: str) -> Samples:
        """:meth:`render` off the event loop (espeak-ng takes some tens of milliseconds)."""
        cached = self._cache.get(" ".join(text.split())[:MAX_TEXT])
        if cached is not None:
            return cached
        return await asyncio.to_thread(self.render, text)

    def _synthesise(self, text: str) -> Samples:
        program = shutil.which("espeak-ng")
        if program is None:
            raise PromptUnavailable(
                "espeak-ng is not installed; './callproof run' installs the espeak-ng package"
            )
        with tempfile.TemporaryDirectory(prefix="callproof-prompt-") as folder:
            target = Path(folder) / "prompt.wav"
            # "--" ends the options: a text starting with "-" is still text.
            command = [program, "-v", self.voice, "-s", str(self.words_per_minute)]
            command += ["-w", str(target), "--", text]
            try:
                subprocess.run(command, check=True, capture_output=True, timeout=30)
            except (OSError, subprocess.SubprocessError) as exc:
                raise PromptUnavailable(f"espeak-ng could not render {text!r}: {exc}") from exc
            with wave.open(str(target)) as wav:
                rate = wav.getframerate()
                raw = wav.readframes(wav.getnframes())
        speech = np.frombuffer(raw, dtype="<i2").astype(np.float64)
        return resample(speech, rate, RATE)


def wav_bytes(samples: Samples, rate: int = RATE) -> bytes:
    """``samples`` as a mono 16-bit WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()
