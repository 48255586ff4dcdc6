"""Debian packages and the Allure generator are installed only when missing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from harness.cli.errors import CliError
from harness.cli.setup import Apt, Completed, ensure_allure, ensure_debian_tools

LOCKED = "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 42 (apt-get)"
UNKNOWN = "E: Unable to locate package sip-tester"


class FakeSystem:
    """A PATH and an apt-get that answer from scripted outputs and record every call."""

    def __init__(self, present: set[str], answers: list[Completed] | None = None) -> None:
        self.present = set(present)
        self.answers = list(answers or [])
        self.calls: list[list[str]] = []
        self.sleeps: list[float] = []
        self.lines: list[str] = []

    def which(self, name: str) -> str | None:
        return f"/usr/bin/{name}" if name in self.present else None

    def run(
        self, argv: Sequence[str], env: Mapping[str, str] | None, timeout: float | None
    ) -> Completed:
        self.calls.append(list(argv))
        answer = self.answers.pop(0) if self.answers else Completed(0, "")
        if answer.returncode == 0 and "install" in argv:
            self.present.update({"sipp", "baresip", "kamailio", "tshark", "chromium", "espeak-ng"})
        return answer

    def apt(self, tmp_path: Path, *, is_root: bool = True, lists: bool = True) -> Apt:
        lists_dir = tmp_path / "lists"
        lists_dir.mkdir(exist_ok=True)
        if lists:
            (lists_dir / "mirror_debian_dists_bookworm_main_binary-amd64_Packages.lz4").touch()
        return Apt(
            run=self.run,
            which=self.which,
            sleep=self.sleeps.append,
            echo=self.lines.append,
            is_root=is_root,
            lists_dir=lists_dir,
            lock_attempts=3,
            lock_wait_s=5.0,
        )


def test_nothing_missing_runs_nothing(tmp_path: Path) -> None:
    system = FakeSystem({"sipp", "baresip", "kamailio", "tshark", "chromium", "espeak-ng"})
    assert ensure_debian_tools("test", system.apt(tmp_path)) == []
    assert system.calls == []
    assert system.lines == []


def test_run_needs_only_the_browser_and_the_speech_synthesiser(tmp_path: Path) -> None:
    system = FakeSystem({"chromium", "espeak-ng"})
    assert ensure_debian_tools("run", system.apt(tmp_path)) == []
    assert system.calls == []


def test_missing_tools_are_installed_in_one_command(tmp_path: Path) -> None:
    system = FakeSystem({"sipp"})
    system.present.discard("sipp")
    installed = ensure_debian_tools("test", system.apt(tmp_path))
    assert installed == [
        "sip-tester",
        "baresip-core",
        "kamailio",
        "tshark",
        "chromium",
        "espeak-ng",
    ]
    assert system.calls == [
        [
            "env",
            "DEBIAN_FRONTEND=noninteractive",
            "apt-get",
            "-o",
            "DPkg::Lock::Timeout=300",
            "install",
            "-y",
            "--no-install-recommends",
            "sip-tester",
            "baresip-core",
            "kamailio",
            "tshark",
            "chromium",
            "espeak-ng",
        ]
    ]
    assert system.lines[1:] == [
        "installed Debian package sip-tester (provides sipp)",
        "installed Debian package baresip-core (provides baresip)",
        "installed Debian package kamailio (provides kamailio)",
        "installed Debian package tshark (provides tshark)",
        "installed Debian package chromium (provides chromium)",
        "installed Debian package espeak-ng (provides espeak-ng)",
    ]


def test_missing_package_lists_are_fetched_first(tmp_path: Path) -> None:
    system = FakeSystem(set())
    ensure_debian_tools("test", system.apt(tmp_path, lists=False))
    assert [c[5] for c in system.calls] == ["update", "install"]


def test_unknown_package_triggers_one_update_and_a_retry(tmp_path: Path) -> None:
    system = FakeSystem(set(), [Completed(100, UNKNOWN), Completed(0, ""), Completed(0, "")])
    ensure_debian_tools("test", system.apt(tmp_path))
    assert [c[5] for c in system.calls] == ["install", "update", "install"]


def test_held_lock_is_retried_a_bounded_number_of_times(tmp_path: Path) -> None:
    system = FakeSystem(set(), [Completed(100, LOCKED), Completed(100, LOCKED), Completed(0, "")])
    ensure_debian_tools("test", system.apt(tmp_path))
    assert len(system.calls) == 3
    assert system.sleeps == [5.0, 5.0]

    stuck = FakeSystem(set(), [Completed(100, LOCKED)] * 10)
    with pytest.raises(CliError, match="could not install sip-tester, baresip-core"):
        ensure_debian_tools("test", stuck.apt(tmp_path))
    assert len(stuck.calls) == 4  # the first try and 3 retries
    assert LOCKED in stuck.lines[-1]


def test_non_root_uses_sudo_without_a_prompt(tmp_path: Path) -> None:
    system = FakeSystem({"sudo"})
    ensure_debian_tools("test", system.apt(tmp_path, is_root=False))
    assert system.calls[0][:4] == ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]


def test_non_root_without_sudo_names_the_command(tmp_path: Path) -> None:
    system = FakeSystem(set())
    with pytest.raises(CliError) as caught:
        ensure_debian_tools("test", system.apt(tmp_path, is_root=False))
    assert caught.value.line() == (
        "callproof: error: sipp, baresip, kamailio, tshark, chromium, espeak-ng missing and "
        "installing it needs root (hint: run 'sudo apt-get install -y --no-install-recommends "
        "sip-tester baresip-core kamailio tshark chromium espeak-ng')"
    )
    assert system.calls == []


def test_sudo_asking_for_a_password_stops_with_the_command(tmp_path: Path) -> None:
    system = FakeSystem({"sudo"}, [Completed(1, "sudo: a password is required")])
    with pytest.raises(CliError, match="sudo asks for a password"):
        ensure_debian_tools("test", system.apt(tmp_path, is_root=False))


def test_failed_install_prints_the_tail_and_a_hint(tmp_path: Path) -> None:
    output = "\n".join(f"line {i}" for i in range(40)) + "\nE: Sub-process failed"
    system = FakeSystem(set(), [Completed(100, output)])
    with pytest.raises(CliError) as caught:
        ensure_debian_tools("test", system.apt(tmp_path))
    assert caught.value.hint.startswith("run 'apt-get install -y --no-install-recommends")
    printed = system.lines[-1].splitlines()
    assert printed[-1] == "E: Sub-process failed"
    assert len(printed) == 15


# -- allure ---------------------------------------------------------------------------------


def _allure_bin(root: Path) -> Path:
    return root / ".tools" / "node_modules" / ".bin" / "allure"


def test_installed_allure_is_reused(tmp_path: Path) -> None:
    _allure_bin(tmp_path).parent.mkdir(parents=True)
    _allure_bin(tmp_path).touch()
    system = FakeSystem({"node", "npm"})
    assert ensure_allure(tmp_path, system.run, system.which, system.lines.append) == _allure_bin(
        tmp_path
    )
    assert system.calls == []
    assert system.lines == []


def test_allure_is_installed_with_npm(tmp_path: Path) -> None:
    system = FakeSystem({"node", "npm"})

    def npm(argv: Sequence[str], env: Mapping[str, str] | None, timeout: float | None) -> Completed:
        system.calls.append(list(argv))
        _allure_bin(tmp_path).parent.mkdir(parents=True)
        _allure_bin(tmp_path).touch()
        return Completed(0, "added 159 packages")

    assert ensure_allure(tmp_path, npm, system.which, system.lines.append) is not None
    assert system.calls == [
        [
            "npm",
            "install",
            "--prefix",
            str(tmp_path / ".tools"),
            "--no-audit",
            "--no-fund",
            "allure@3",
        ]
    ]


def test_without_npm_allure_is_skipped_with_one_line(tmp_path: Path) -> None:
    system = FakeSystem({"node"})
    assert ensure_allure(tmp_path, system.run, system.which, system.lines.append) is None
    assert system.calls == []
    assert len(system.lines) == 1
    assert "Allure HTML report is skipped" in system.lines[0]
    assert "npm" in system.lines[0]


def test_failed_npm_does_not_fail_the_run(tmp_path: Path) -> None:
    system = FakeSystem({"node", "npm"}, [Completed(1, "npm ERR! network")])
    assert ensure_allure(tmp_path, system.run, system.which, system.lines.append) is None
    assert system.lines[-1].endswith("'npm install allure@3' failed")
    assert "npm ERR! network" in system.lines[-2]
