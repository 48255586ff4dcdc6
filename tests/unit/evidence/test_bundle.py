"""Evidence written for a scenario, then found by Call ID and zipped by ``callproof evidence``."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from harness.cli.main import main
from harness.endpoints.events import AudioReceived, SipTraced
from harness.evidence.collector import Evidence
from harness.evidence.inspect import EvidenceFolder, EvidenceMissing, heard_frames
from harness.media.tones import SIGNATURES
from harness.runtime.journal import Journal

SUT_CALL_ID = "CALL-0000000042"
SIP_CALL_ID = "a84b4c76e66710@127.0.0.1"
NODEID = "features/calls/answered_call.feature::test_stuck"


def _invite() -> bytes:
    sdp = b"v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 40000 RTP/AVP 0\r\n"
    return (
        b"INVITE sip:1@127.0.0.1:5070 SIP/2.0\r\nCall-ID: " + SIP_CALL_ID.encode() + b"\r\n"
        b"CSeq: 1 INVITE\r\nContent-Length: %d\r\n\r\n" % len(sdp)
    ) + sdp


def keep_evidence(base: Path) -> Evidence:
    """A scenario's evidence with one call: its ladder, capture and the audio heard."""
    journal = Journal()
    evidence = Evidence(journal, base, NODEID)
    evidence.add_call(SUT_CALL_ID, SIP_CALL_ID)
    journal.record(
        SipTraced(
            party="customer",
            direction="sent",
            local="127.0.0.1:5080",
            peer="127.0.0.1:5070",
            first_line="INVITE sip:1@127.0.0.1:5070",
            sip_call_id=SIP_CALL_ID,
            raw=_invite(),
        )
    )
    tone = SIGNATURES[1].samples(8000)
    journal.record(
        AudioReceived(
            party="customer",
            sip_call_id=SIP_CALL_ID,
            seconds=1.0,
            sample_rate=8000,
            audio=lambda: tone,
        )
    )
    evidence.capture.record(_invite(), ("127.0.0.1", 5080), ("127.0.0.1", 5070))
    evidence.keep()
    return evidence


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    evidence = keep_evidence(folder / "evidence")
    scenario = {
        "name": "stuck",
        "nodeid": NODEID,
        "status": "failed",
        "call_ids": [SUT_CALL_ID],
        "verdict": "stuck answered call (AC-ANS-3)",
        "evidence": [str(p) for p in evidence.files],
        "message": "expected two-way audio; observed silence",
    }
    conformance = {"requirements": {"AC-ANS-3": {"scenarios": [scenario]}}}
    (folder / "conformance.json").write_text(json.dumps(conformance))
    return folder


def test_kept_evidence_lists_every_file_with_what_it_is(reports: Path) -> None:
    folder = EvidenceFolder(next((reports / "evidence").iterdir()))
    folder.require_files_described()
    names = {f.name for f in folder.index.files}
    assert {"capture.pcap", "heard-by-customer-1.wav", "sip-ladder.txt", "README.txt"} <= names
    assert folder.index.call_ids == {SUT_CALL_ID: [SIP_CALL_ID]}
    assert heard_frames(folder.directory / "heard-by-customer-1.wav")[SIGNATURES[1]] == 50


def test_a_capture_without_the_call_fails_the_check_naming_it(reports: Path) -> None:
    folder = EvidenceFolder(next((reports / "evidence").iterdir()))
    with pytest.raises(EvidenceMissing, match=r"^capture.pcap holds no INVITE of"):
        folder.require_capture(["someone-else@127.0.0.1"])


@pytest.mark.parametrize("asked", [SUT_CALL_ID, SIP_CALL_ID])
def test_the_archive_holds_the_call_s_files_and_a_readme(
    reports: Path, tmp_path: Path, asked: str
) -> None:
    output = tmp_path / "out.zip"
    assert main(["evidence", asked, "--reports", str(reports), "-o", str(output)]) == 0
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        readme = archive.read("README.txt").decode()
        scenarios = json.loads(archive.read("scenarios.json"))
    folder = next((reports / "evidence").iterdir()).name
    assert f"{folder}/capture.pcap" in names and f"{folder}/heard-by-customer-1.wav" in names
    assert "status: failed" in readme and "verdict: stuck answered call" in readme
    for name in ("capture.pcap", "heard-by-customer-1.wav", "sip-ladder.txt", "journal.txt"):
        line = next(line for line in readme.splitlines() if line.strip().startswith(name))
        assert len(line.split(name, 1)[1].strip()) > 10, f"{name} is not described: {line!r}"
    assert scenarios[folder]["call_ids"] == [SUT_CALL_ID]


def test_an_unknown_call_id_is_one_line_and_exit_2(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.zip"
    code = main(["evidence", SUT_CALL_ID, "CALL-9", "--reports", str(reports), "-o", str(output)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("callproof: error: nothing in ") and "Call ID CALL-9 (hint:" in err
    assert "\n" not in err
    assert not output.exists()


def test_an_existing_archive_is_never_overwritten(
    reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.zip"
    output.write_bytes(b"someone's archive")
    assert main(["evidence", SUT_CALL_ID, "--reports", str(reports), "-o", str(output)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert output.read_bytes() == b"someone's archive"


def test_missing_reports_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["evidence", SUT_CALL_ID, "--reports", str(tmp_path / "none")])
    assert code == 2
    assert "no reports directory at" in capsys.readouterr().err


def test_a_damaged_index_does_not_hide_a_call(reports: Path, tmp_path: Path) -> None:
    folder = next((reports / "evidence").iterdir())
    (folder / "evidence.json").write_text("{not json")
    (reports / "conformance.json").unlink()
    output = tmp_path / "out.zip"
    assert main(["evidence", SUT_CALL_ID, "--reports", str(reports), "-o", str(output)]) == 0


def test_silence_is_kept_as_an_empty_recording(tmp_path: Path) -> None:
    journal = Journal()
    evidence = Evidence(journal, tmp_path, "t")
    journal.record(
        AudioReceived(
            party="Alice",
            sip_call_id="x",
            seconds=0.0,
            sample_rate=8000,
            audio=lambda: np.zeros(0, dtype=np.int16),
        )
    )
    index = evidence.keep()
    wav = next(f for f in index.files if f.name.endswith(".wav"))
    assert "nothing (no audio arrived)" in wav.what


def test_call_ids_collected_for_support_come_with_the_capture_and_audio(tmp_path: Path) -> None:
    from harness.evidence.collector import SupportCase

    evidence = keep_evidence(tmp_path)
    bundle = evidence.collect_for_support([SupportCase(SUT_CALL_ID, [SIP_CALL_ID], "stuck")])
    listed = {Path(p).name for p in json.loads(bundle.read_text())["evidence"]}
    assert {"capture.pcap", "heard-by-customer-1.wav", "evidence.json"} <= listed
    folder = EvidenceFolder(evidence.directory)
    folder.require_files_described()
    assert folder.index.reason == "the scenario collected Call IDs for support"
