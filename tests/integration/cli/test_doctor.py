"""callproof doctor's checks that run programs and bind sockets on this machine."""

from __future__ import annotations

import sys

from harness.cli import doctor


def test_python_and_dependencies_pass_here() -> None:
    assert doctor.check_python().ok
    checks = {c.name: c for c in doctor.check_dependencies()}
    assert {"pytest", "pytest-bdd", "pyyaml", "numpy"} <= set(checks)
    assert all(c.ok for c in checks.values()), [c.line() for c in checks.values() if not c.ok]
    assert checks["pyyaml"].detail[0].isdigit()


def test_loopback_ipv4_binds() -> None:
    checks = {c.name: c for c in doctor.check_loopback()}
    assert checks["UDP on 127.0.0.1"].ok and checks["UDP on 127.0.0.1"].required
    assert checks["TCP on 127.0.0.1"].ok
    assert not checks["UDP on ::1"].required


def test_a_module_that_fails_to_import_is_named_with_why_and_this_process_is_left_alone() -> None:
    failures = doctor._import_failures(["json", "no_such_module_here", "locust"])
    assert list(failures) == ["no_such_module_here"]
    assert "ModuleNotFoundError" in failures["no_such_module_here"]
    assert "locust" not in sys.modules  # imported in the child, not here
