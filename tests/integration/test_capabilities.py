"""An adapter without a capability: its scenarios are skipped with the reason, the rest run."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_features(tmp_path: Path, adapter: str, *selection: str) -> dict[str, ET.Element]:
    """Run the features ``selection`` names (paths and pytest options) on one of the adapters of
    tests/integration/adapters.py; the test cases of its JUnit report, by name."""
    junit = tmp_path / "junit.xml"
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", *selection, "-p", "no:cacheprovider",
            "--sut", f"tests.integration.adapters:{adapter}",
            f"--junitxml={junit}", f"--evidence-dir={tmp_path / 'evidence'}",
            "--callproof-reports", str(tmp_path / "reports"), "-q",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    cases = {str(c.get("name")): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert cases, f"nothing collected from {' '.join(selection)}"
    return cases


def skip_reason(case: ET.Element) -> str:
    skipped = case.find("skipped")
    assert skipped is not None, f"{case.get('name')} was not skipped"
    return skipped.get("message") or ""


def test_scenarios_needing_faults_are_skipped_on_an_adapter_without_them(tmp_path: Path) -> None:
    cases = run_features(
        tmp_path,
        "ReferenceWithoutFaults",
        "features/calls/answered_call.feature",
        "-k",
        "twoway or out_of_sync or outofsync",
    )
    stuck = cases[
        "test_a_call_answered_by_an_outofsync_user_is_recognised_as_a_stuck_answered_call"
    ]
    assert "reference-without-faults adapter lacks the capability 'faults'" in skip_reason(stuck)
    healthy = cases["test_an_answered_call_has_twoway_audio_at_once_and_is_logged_as_answered"]
    assert healthy.find("skipped") is None and healthy.find("failure") is None


def test_ticket_scenarios_are_skipped_on_an_adapter_without_tickets(tmp_path: Path) -> None:
    cases = run_features(
        tmp_path,
        "ReferenceWithoutTickets",
        "features/tickets/tickets_from_calls.feature",
        "-k",
        "withheld or refused_and_nothing",
    )
    assert len(cases) == 2
    for case in cases.values():
        message = skip_reason(case)
        assert "reference-without-tickets adapter lacks the capability" in message
        assert message.rstrip("'").rsplit("'", 1)[-1] in ("tickets", "outbound")


def test_an_unknown_adapter_is_a_one_line_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "features", "--sut", "no.such.module:Adapter",
         "-p", "no:cacheprovider", "--callproof-reports", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 4
    assert "SUT adapter module 'no.such.module' cannot be imported" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("features", "adapter", "capability"),
    [
        ("features/security/http_authorisation.feature", "ReferenceWithoutAccess", "access"),
        ("features/reliability/crash_safety.feature", "ReferenceWithoutLifecycle", "lifecycle"),
        ("features/desktop/agent_app.feature", "ReferenceWithoutDesktop", "desktop"),
        ("features/routing/transfer_targets.feature", "ReferenceWithoutRouting", "routing"),
        (
            "features/tickets/caller_identity.feature features/tickets/unknown_callers.feature",
            "ReferenceWithoutProfiles",
            "profiles",
        ),
        ("features/routing/consumers_after_hours.feature", "ReferenceWithoutConsumer", "consumer"),
        ("features/desktop/dashboard.feature", "ReferenceWithoutDashboard", "dashboard"),
        ("features/outbound_errors/call_out_errors.feature", "ReferenceWithoutCallOut", "call_out"),
        (
            "features/consumers/reserved_flags.feature",
            "ReferenceWithoutConsumerIdentity",
            "consumer_identity",
        ),
        ("features/routing/hold_audio.feature", "ReferenceWithoutHoldAudio", "hold_audio"),
        (
            "features/recordings/crm_storage.feature",
            "ReferenceWithoutCrmRecordings",
            "crm_recordings",
        ),
        (
            "features/notifications/whisper.feature features/notifications/tones.feature",
            "ReferenceWithoutNotifications",
            "notifications",
        ),
        (
            "features/consumers/smart_actions.feature",
            "ReferenceWithoutSmartActions",
            "smart_actions",
        ),
        ("features/supervision/live_chats.feature", "ReferenceWithoutChats", "chats"),
    ],
)
def test_scenarios_needing_a_capability_are_skipped_on_an_adapter_without_it(
    tmp_path: Path, features: str, adapter: str, capability: str
) -> None:
    """Every scenario of ``features`` is collected and skipped, naming the missing capability."""
    cases = run_features(tmp_path, adapter, *features.split())
    for case in cases.values():
        assert f"lacks the capability '{capability}'" in skip_reason(case)
