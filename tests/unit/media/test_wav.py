"""Evidence WAV files."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from harness.media.tones import signature_for
from harness.media.wav import WavFormatError, read_wav, write_wav


def test_round_trip(tmp_path):
    samples = signature_for(0).samples(8000)
    path = write_wav(tmp_path / "caller.wav", samples)
    with wave.open(str(path)) as f:
        assert (f.getnchannels(), f.getsampwidth(), f.getframerate()) == (1, 2, 8000)
        assert f.getnframes() == 8000
    back, rate = read_wav(path)
    assert rate == 8000
    np.testing.assert_array_equal(back, samples)


def test_rejects_wrong_input(tmp_path):
    with pytest.raises(TypeError, match="int16"):
        write_wav(tmp_path / "x.wav", np.zeros(4, np.float32))
    with pytest.raises(ValueError, match="mono"):
        write_wav(tmp_path / "x.wav", np.zeros((4, 2), np.int16))
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(stereo), "wb") as f:
        f.setnchannels(2)
        f.setsampwidth(2)
        f.setframerate(8000)
        f.writeframes(bytes(16))
    with pytest.raises(WavFormatError, match="2 channel"):
        read_wav(stereo)
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not a wav file at all")
    with pytest.raises(WavFormatError):
        read_wav(junk)
