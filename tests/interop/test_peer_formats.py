"""What the interop helpers read from and write for the peers, checked without the peers.

These run everywhere (no ``interop`` mark): SIPp's statistics file, baresip's netstrings and
configuration, the raw G.711 file SIPp streams, and the free-port picker.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

import numpy as np
import pytest

from harness.interop import netstring
from harness.interop.baresip import BaresipConfig
from harness.interop.ports import FLOOR, TCP, UDP, ephemeral_range, free_port
from harness.interop.sipp import SippReportError, SippStats, write_g711_file
from harness.media import g711
from harness.media.tones import SIGNATURES

# The header and final row of a -trace_stat file written by SIPp 3.6.1 for one call (shortened
# to the counters the helper reads plus their neighbours; dates hold tabs, as SIPp writes them).
STATS_HEADER = (
    "StartTime;LastResetTime;CurrentTime;ElapsedTime(P);ElapsedTime(C);TargetRate;"
    "SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);"
    "ResponseTime1(P);ResponseTime1(C);CallLength(P);CallLength(C);"
)
STATS_FIRST = (
    "2026-11-22\t03:17:03.395424\t1795317423.395424;2026-11-22\t03:17:03.395424\t1795317423.3;"
    "2026-11-22\t03:17:03.395925\t1795317423.395925;00:00:00;00:00:00;10;"
    "0;0;0;0;00:00:00:000000;00:00:00:000000;00:00:00:000000;00:00:00:000000;"
)
STATS_LAST = (
    "2026-11-22\t03:17:03.395424\t1795317423.395424;2026-11-22\t03:17:06.576227\t1795317426.5;"
    "2026-11-22\t03:17:06.576359\t1795317426.576359;00:00:00;00:00:03;10;"
    "0;1;0;0;00:00:00:000000;00:00:00:020000;00:00:00:000000;00:00:03:028000;"
)


def test_sipp_stats_reads_the_cumulative_counters_of_the_last_row() -> None:
    stats = SippStats.parse("\n".join([STATS_HEADER, STATS_FIRST, STATS_LAST, ""]))
    assert (stats.successful_calls, stats.failed_calls) == (1, 0)
    assert stats.call_length_s == pytest.approx(3.028)
    assert stats.response_time_s == pytest.approx(0.020)
    assert stats.counters["ElapsedTime(C)"] == "00:00:03"


def test_sipp_stats_durations_count_hours_and_minutes() -> None:
    row = STATS_LAST.replace("00:00:03:028000", "01:02:03:500000")
    assert SippStats.parse(f"{STATS_HEADER}\n{row}").call_length_s == pytest.approx(3723.5)


@pytest.mark.parametrize(
    "text",
    [
        "",
        STATS_HEADER,  # no value row: SIPp died before its first dump
        f"{STATS_HEADER}\n0;1;2",  # a truncated row
        "SuccessfulCall(C);\n1;",  # FailedCall(C) missing
        "SuccessfulCall(C);FailedCall(C);\nx;0;",
    ],
)
def test_sipp_stats_refuses_what_sipp_does_not_write(text: str) -> None:
    with pytest.raises(SippReportError):
        SippStats.parse(text)


def test_the_stream_file_holds_raw_mu_law_code_words(tmp_path: Path) -> None:
    samples = SIGNATURES[0].samples(800)
    path = write_g711_file(tmp_path / "tone.pcmu", samples)
    data = path.read_bytes()
    assert len(data) == 800  # one byte per sample, no header
    assert data == bytes(g711.encode(g711.PCMU, samples))
    decoded = g711.decode(g711.PCMU, data)
    assert np.max(np.abs(decoded.astype(np.int32) - samples)) < 300  # mu-law step near 8000


def test_the_stream_file_refuses_a_payload_type_that_is_not_g711(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"not G\.711"):
        write_g711_file(tmp_path / "x", SIGNATURES[0].samples(10), payload_type=18)


def test_netstrings_round_trip_whatever_the_chunking() -> None:
    messages = [b'{"event":true,"type":"CALL_ESTABLISHED"}', b"", b"x" * 300]
    stream = b"".join(netstring.encode(m) for m in messages)
    assert stream.startswith(b"40:{")
    for size in (1, 2, 7, len(stream)):
        decoder = netstring.NetstringDecoder()
        got: list[bytes] = []
        for start in range(0, len(stream), size):
            got += decoder.feed(stream[start : start + size])
        assert got == messages
        assert decoder.pending == 0


def test_netstring_decoder_keeps_an_incomplete_message() -> None:
    decoder = netstring.NetstringDecoder()
    assert decoder.feed(b"5:hel") == []
    assert decoder.pending == 5
    assert decoder.feed(b"lo,3:") == [b"hello"]
    assert decoder.pending == 2


@pytest.mark.parametrize(
    "data",
    [b"5:hello;", b"x:abc,", b"-1:,", b"12345678901:", b"abcdefghijklmnop", b"99999999:"],
)
def test_netstring_decoder_refuses_malformed_input(data: bytes) -> None:
    with pytest.raises(netstring.NetstringError):
        netstring.NetstringDecoder().feed(data)


def test_baresip_config_stays_on_loopback_and_answers_by_itself(tmp_path: Path) -> None:
    config = BaresipConfig(
        audio_source=tmp_path / "tone.wav", recordings=tmp_path / "rec",
        sip_port=5070, ctrl_port=5071, modules=Path("/usr/lib/baresip/modules"),
    )  # fmt: skip
    config.write(tmp_path / "cfg")
    lines = dict(
        line.split(" ", 1)
        for line in (tmp_path / "cfg" / "config").read_text().splitlines()
        if line
    )
    assert lines["sip_listen"] == "127.0.0.1:5070"
    assert lines["ctrl_tcp_listen"] == "127.0.0.1:5071"
    assert lines["net_interface"] == "127.0.0.1"
    assert lines["audio_source"] == f"aufile,{tmp_path / 'tone.wav'}"
    assert lines["snd_path"] == str(tmp_path / "rec")
    assert "stdio.so" not in (tmp_path / "cfg" / "config").read_text()
    account = (tmp_path / "cfg" / "accounts").read_text()
    assert account.startswith("<sip:baresip@127.0.0.1>;")
    assert {"regint=0", "answermode=auto", "audio_codecs=PCMU"} <= set(account.strip().split(";"))
    assert (tmp_path / "rec").is_dir()


def test_free_port_leaves_every_needed_socket_bindable() -> None:
    needs = ((UDP, 0), (UDP, 2), (TCP, 1))
    port = free_port("127.0.0.1", needs)
    assert port % 2 == 0
    held = []
    try:
        for kind, offset in needs:
            sock = socket.socket(socket.AF_INET, kind)
            held.append(sock)
            sock.bind(("127.0.0.1", port + offset))
    finally:
        for sock in held:
            sock.close()


def test_free_port_stays_out_of_the_range_the_kernel_hands_out() -> None:
    low, _ = ephemeral_range()
    for seed in range(20):
        port = free_port("127.0.0.1", ((UDP, 0), (UDP, 3)), rng=random.Random(seed))
        assert port >= FLOOR and port + 3 < low


def test_free_port_draws_again_when_the_port_is_taken() -> None:
    first = free_port("127.0.0.1", ((UDP, 0),), rng=random.Random(42))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", first))
        again = free_port("127.0.0.1", ((UDP, 0),), rng=random.Random(42))
    assert again != first


def test_free_port_needs_the_port_itself() -> None:
    with pytest.raises(ValueError, match="offset 0"):
        free_port("127.0.0.1", ((UDP, 2),))
