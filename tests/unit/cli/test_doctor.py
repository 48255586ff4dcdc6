"""``callproof doctor``: one ✓/✗ line per check; only required checks decide the exit code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import doctor
from harness.cli import main as cli_main
from harness.cli.doctor import Check


def test_check_lines() -> None:
    assert Check("python", True, "3.11.7").line() == "✓ python: 3.11.7"
    assert Check("numpy", False, "not installed").line() == "✗ numpy: not installed"
    assert Check("sipp", False, "not found", required=False).line() == (
        "✗ sipp: not found (optional)"
    )


def test_debian_tools_say_what_installs_them() -> None:
    lines = {c.name: c for c in doctor.check_debian_tools(which=lambda name: None)}
    assert not lines["sipp"].ok and not lines["sipp"].required
    assert "needed by callproof test" in lines["sipp"].detail
    assert "apt-get install -y --no-install-recommends sip-tester" in lines["sipp"].detail
    present = {c.name: c for c in doctor.check_debian_tools(which=lambda name: f"/bin/{name}")}
    assert present["baresip"].ok and present["baresip"].detail == "/bin/baresip"


def test_receive_buffer(tmp_path: Path) -> None:
    small = tmp_path / "rmem_max"
    small.write_text("212992\n")
    check = doctor.check_rmem(small)
    assert not check.ok and not check.required
    assert "sysctl -w net.core.rmem_max=4194304" in check.detail
    small.write_text(str(8 * 1024 * 1024))
    assert doctor.check_rmem(small).ok
    assert not doctor.check_rmem(tmp_path / "absent").ok


def test_reports_writable(tmp_path: Path) -> None:
    assert doctor.check_reports_writable(tmp_path / "not" / "yet").ok


def _fake_checks(*checks: Check) -> Iterator[Check]:
    yield from checks


@pytest.mark.parametrize(
    ("checks", "code"),
    [
        ((Check("a", True, "ok"), Check("b", False, "x", required=False)), 0),
        ((Check("a", True, "ok"), Check("b", False, "x")), 1),
    ],
)
def test_exit_code_counts_required_checks(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    checks: tuple[Check, ...],
    code: int,
) -> None:
    monkeypatch.setattr(doctor, "all_checks", lambda root, reports: _fake_checks(*checks))
    assert cli_main.main(["doctor"]) == code
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [c.line() for c in checks]
