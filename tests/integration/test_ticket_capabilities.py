"""An adapter without tickets: the ticket scenarios are skipped naming the capability."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ticket_scenarios_are_skipped_on_an_adapter_without_tickets(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "features/tickets/tickets_from_calls.feature",
            "-k", "withheld or refused_and_nothing", "-p", "no:cacheprovider",
            "--sut", "tests.integration.adapters:ReferenceWithoutTickets",
            f"--junitxml={junit}", f"--evidence-dir={tmp_path / 'evidence'}",
            "--callproof-reports", str(tmp_path / "reports"), "-q",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    assert len(cases) == 2
    for case in cases:
        skipped = case.find("skipped")
        assert skipped is not None, case.get("name")
        message = skipped.get("message") or ""
        assert "reference-without-tickets adapter lacks the capability" in message
        assert message.rstrip("'").rsplit("'", 1)[-1] in ("tickets", "outbound")
