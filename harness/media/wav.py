"""Evidence audio as mono 16-bit PCM WAV files (what a report attaches for each party)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

DEFAULT_SAMPLE_RATE = 8000


class WavFormatError(Exception):
    """A WAV file that is not mono 16-bit PCM."""


def write_wav(
    path: str | Path, samples: npt.NDArray[np.int16], sample_rate: int = DEFAULT_SAMPLE_RATE
) -> Path:
    """Write ``samples`` as a mono 16-bit WAV file; returns the path written."""
    array = np.asarray(samples)
    if array.dtype != np.int16:
        raise TypeError(f"WAV evidence is int16 audio, got {array.dtype}")
    if array.ndim != 1:
        raise ValueError("WAV evidence is mono: a 1-D array")
    if sample_rate <= 0:
        raise ValueError("sample rate must be positive")
    # WAV stores little-endian samples whatever the machine.
    data = array.astype("<i2", copy=False).tobytes()
    target = Path(path)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(data)
    return target


def read_wav(path: str | Path) -> tuple[npt.NDArray[np.int16], int]:
    """Read a mono 16-bit WAV file: (samples, sample rate)."""
    try:
        with wave.open(str(path), "rb") as src:
            channels, width = src.getnchannels(), src.getsampwidth()
            rate = src.getframerate()
            data = src.readframes(src.getnframes())
    except (wave.Error, EOFError) as exc:
        raise WavFormatError(f"{path}: not a PCM WAV file ({exc})") from exc
    if channels != 1 or width != 2:
        raise WavFormatError(
            f"{path}: {channels} channel(s) of {8 * width} bits, expected mono 16-bit"
        )
    return np.frombuffer(data, dtype="<i2").astype(np.int16), rate
