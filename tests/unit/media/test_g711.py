"""G.711 must match the reference implementation bit for bit, for every possible input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from harness.media import g711

with warnings.catch_warnings():
    # audioop is deprecated (removed in 3.13); it serves here only as the independent reference.
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

ALL_SAMPLES = np.arange(-32768, 32768, dtype=np.int16)
ALL_CODES = bytes(range(256))


@pytest.mark.parametrize(
    ("encode", "reference"),
    [(g711.ulaw_encode, audioop.lin2ulaw), (g711.alaw_encode, audioop.lin2alaw)],
)
def test_encode_matches_audioop_for_all_65536_samples(encode, reference):
    ours = encode(ALL_SAMPLES)
    theirs = reference(ALL_SAMPLES.astype("<i2").tobytes(), 2)
    assert len(ours) == 65536
    mismatches = np.flatnonzero(np.frombuffer(ours, np.uint8) != np.frombuffer(theirs, np.uint8))
    assert mismatches.size == 0, f"first differing samples: {ALL_SAMPLES[mismatches[:5]]}"


@pytest.mark.parametrize(
    ("decode", "reference"),
    [(g711.ulaw_decode, audioop.ulaw2lin), (g711.alaw_decode, audioop.alaw2lin)],
)
def test_decode_matches_audioop_for_all_256_codes(decode, reference):
    ours = decode(ALL_CODES)
    theirs = np.frombuffer(reference(ALL_CODES, 2), dtype="<i2")
    assert ours.dtype == np.int16
    np.testing.assert_array_equal(ours, theirs)


def test_known_code_points():
    # Digital silence: mu-law 0xFF, A-law 0xD5 (even bits inverted).
    assert g711.ulaw_encode(np.zeros(2, np.int16)) == b"\xff\xff"
    assert g711.alaw_encode(np.zeros(2, np.int16)) == b"\xd5\xd5"
    assert g711.ulaw_decode(b"\x00\x80").tolist() == [-32124, 32124]
    assert g711.alaw_decode(b"\x2a\xaa").tolist() == [-32256, 32256]


def test_round_trip_error_is_within_one_quantisation_step():
    for law in (g711.PCMU, g711.PCMA):
        decoded = g711.decode(law, g711.encode(law, ALL_SAMPLES)).astype(np.int32)
        error = np.abs(decoded - ALL_SAMPLES.astype(np.int32))
        # The largest step of either law (segment 7) is 1024, so the error stays about half a
        # step for the in-range samples (mu-law's bias adds a few units)...
        assert error[np.abs(ALL_SAMPLES.astype(np.int32)) < 32000].max() <= 516
        # ...and it is proportional: small samples are reproduced closely.
        assert error[np.abs(ALL_SAMPLES.astype(np.int32)) < 64].max() <= 8


def test_encoding_requires_int16_mono():
    with pytest.raises(TypeError, match="int16"):
        g711.ulaw_encode(np.zeros(4, dtype=np.int32))
    with pytest.raises(ValueError, match="1-D"):
        g711.alaw_encode(np.zeros((2, 2), dtype=np.int16))


def test_payload_type_helpers():
    assert (g711.PCMU, g711.PCMA) == (0, 8)
    assert g711.codec_name(0) == "PCMU"
    assert g711.codec_name(8) == "PCMA"
    assert g711.is_g711(8) and not g711.is_g711(18)
    assert g711.silence(g711.PCMA, 3) == b"\xd5\xd5\xd5"
    with pytest.raises(ValueError, match=r"not G\.711"):
        g711.codec_name(9)
    with pytest.raises(ValueError, match=r"not G\.711"):
        g711.encode(101, ALL_SAMPLES[:4])
    with pytest.raises(ValueError, match=r"not G\.711"):
        g711.decode(3, b"\x00")
