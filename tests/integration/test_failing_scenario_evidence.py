"""A scenario that really fails keeps all its evidence: files, Allure attachments, report.html."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from harness.evidence.inspect import EvidenceFolder, heard_frames

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]

FEATURE = """\
Feature: A call that is checked against the wrong outcome
  @AC-ANS-2
  Scenario: An answered call is expected to be logged as Missed
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    Then the call is logged as Missed
"""

CONFTEST = """\
pytest_plugins = [
    "harness.plugin", "harness.reporting.plugin", "steps.common", "steps.calls",
]
"""


def test_a_failing_scenario_keeps_capture_audio_and_index(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest(CONFTEST)
    (pytester.path / "calls").mkdir()
    (pytester.path / "calls" / "wrong.feature").write_text(FEATURE)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    reports, allure = pytester.path / "reports", pytester.path / "allure"
    result = pytester.runpytest_subprocess(
        "calls",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "--evidence-dir",
        str(reports / "evidence"),
        "--callproof-reports",
        str(reports),
        f"--alluredir={allure}",
        timeout=180,
    )
    result.assert_outcomes(failed=1)

    kept = sorted((reports / "evidence").glob("*/evidence.json"))
    assert len(kept) == 1, f"the failing scenario kept no evidence index in {reports / 'evidence'}"
    directory = kept[0].parent
    folder = EvidenceFolder(directory)
    folder.require_files_described()
    assert folder.index.reason == "the scenario failed"
    ((call_id, sip_ids),) = folder.index.call_ids.items()
    assert call_id in folder.text("call-ids.txt")
    folder.require_call(call_id, sip_ids)
    summary = folder.require_capture(sip_ids)
    assert summary.requests[("BYE", sip_ids[0])] >= 1  # the hang-up is in the capture too
    wavs = {f.party: directory / f.name for f in folder.index.files if f.name.endswith(".wav")}
    assert set(wavs) == {"customer", "Alice"}
    for party, wav in wavs.items():
        assert sum(heard_frames(wav).values()) > 0, f"{party} heard nothing in {wav.name}"

    # Attached at the evidence fixture's teardown: in the test's container, as the ladder is.
    attachments = [
        a for path in allure.glob("*.json") for a in _attachments(json.loads(path.read_text()))
    ]
    kinds = {a["name"]: a["type"] for a in attachments}
    assert kinds["Packet capture"] == "application/vnd.tcpdump.pcap"
    heard = [name for name, kind in kinds.items() if kind == "audio/wav"]
    assert len(heard) == 2, kinds
    assert all((allure / a["source"]).stat().st_size > 0 for a in attachments)

    page = (reports / "report.html").read_text()
    for name in ("capture.pcap", "heard-by-customer-1.wav", "heard-by-Alice-1.wav"):
        assert name in page, f"report.html does not list {name}"


def _attachments(node: object) -> list[dict[str, str]]:
    """Every attachment in an Allure result or container file, at any depth (steps, afters)."""
    if isinstance(node, list):
        return [a for item in node for a in _attachments(item)]
    if not isinstance(node, dict):
        return []
    found = list(node.get("attachments", []))
    for key, value in node.items():
        if key != "attachments":
            found += _attachments(value)
    return found
