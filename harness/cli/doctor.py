"""``callproof doctor``: check this machine and explain what is missing.

Each check prints one line, ✓ or ✗, with what it found or what to do. The exit code is 0
when every required check passes; optional ones (tools only some tests need, tuning)
are reported but do not fail.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.cli.project import project_root, shown
from harness.cli.run import reports_dir
from harness.cli.setup import DEBIAN_TOOLS, NEEDS, apt_command
from harness.reporting.allure import allure_available

DISTRIBUTION = "callproof"
#: UDP receive buffer that keeps bursts of SIP and RTP from overflowing (see ENVIRONMENT).
RMEM_WANTED = 4 * 1024 * 1024
RMEM_PATH = Path("/proc/sys/net/core/rmem_max")


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    name: str
    ok: bool
    detail: str
    required: bool = True

    def line(self) -> str:
        """``✓ name: detail`` or ``✗ name: detail``, optional failures marked as such."""
        mark = "✓" if self.ok else "✗"
        note = "" if self.ok or self.required else " (optional)"
        return f"{mark} {self.name}: {self.detail}{note}"


def check_python() -> Check:
    """The harness is written for CPython 3.11."""
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info[:2] == (3, 11)
    return Check("python", ok, version if ok else f"{version}; callproof needs 3.11")


def check_venv() -> Check:
    """Running inside the checkout's virtualenv, as ./callproof sets it up."""
    inside = sys.prefix != sys.base_prefix
    detail = sys.prefix if inside else "not in a virtualenv; ./callproof creates .venv"
    return Check("virtualenv", inside, detail)


def _requirement_names() -> list[str]:
    try:
        requires = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return []
    names = []
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        match = re.match(r"[A-Za-z0-9._-]+", requirement)
        if match:
            names.append(match.group(0))
    return names


def _import_names(distribution: str) -> list[str]:
    """Top-level modules a distribution provides (``pyyaml`` -> ``yaml``)."""
    wanted = re.sub(r"[-_.]+", "-", distribution).lower()
    found = [
        module
        for module, dists in importlib.metadata.packages_distributions().items()
        if any(re.sub(r"[-_.]+", "-", d).lower() == wanted for d in dists)
        and not module.startswith("_")
    ]
    return sorted(found) or [distribution.replace("-", "_")]


def check_dependencies() -> Iterator[Check]:
    """Every runtime dependency of the distribution is installed and imports."""
    names = _requirement_names()
    if not names:
        yield Check("python packages", False, "callproof is not installed; run ./callproof")
        return
    installed: dict[str, tuple[str, str]] = {}  # distribution -> (version, module)
    for name in names:
        try:
            installed[name] = (importlib.metadata.version(name), _import_names(name)[0])
        except importlib.metadata.PackageNotFoundError:
            yield Check(name, False, "not installed; run ./callproof to install it")
    failures = _import_failures([module for _, module in installed.values()])
    for name, (version, module) in installed.items():
        if module in failures:
            yield Check(name, False, f"{version} installed but 'import {module}' fails: "
                        f"{failures[module]}")  # fmt: skip
        else:
            yield Check(name, True, version)


# Imports run in a child interpreter: some packages change the process they are imported in
# (Locust monkey-patches threads and sockets with gevent), which would falsify the checks that
# follow and any caller that runs the doctor in-process.
_IMPORT_ALL = """
import importlib, json, sys
failures = {}
for module in sys.argv[1:]:
    try:
        importlib.import_module(module)
    except Exception as exc:
        failures[module] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failures))
"""


def _import_failures(modules: list[str]) -> dict[str, str]:
    """Each module of ``modules`` that fails to import in a fresh interpreter, with why."""
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, *modules],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    try:
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    except (IndexError, ValueError):
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {module: f"the import check itself failed: {reason}" for module in modules}


def check_debian_tools(which: Callable[[str], str | None] = shutil.which) -> Iterator[Check]:
    """Each Debian tool: present, or which package provides it and who needs it."""
    for tool in DEBIAN_TOOLS.values():
        users = [f"callproof {name}" for name, needs in NEEDS.items() if tool.command in needs]
        path = which(tool.command)
        if path is not None:
            yield Check(tool.command, True, path, required=False)
            continue
        needed = f"needed by {', '.join(users)}, which installs it; " if users else ""
        yield Check(
            tool.command,
            False,
            f"not found — {tool.purpose}; {needed}or: {apt_command([tool.package])}",
            required=False,
        )


def _bind(family: socket.AddressFamily, kind: socket.SocketKind, host: str) -> str | None:
    try:
        with socket.socket(family, kind) as sock:
            sock.bind((host, 0))
            if kind == socket.SOCK_STREAM:
                sock.listen(1)
    except OSError as exc:
        return str(exc)
    return None


def check_loopback() -> Iterator[Check]:
    """SIP, RTP and HTTP all bind to loopback; IPv6 loopback is used where it exists."""
    for family, host, required in (
        (socket.AF_INET, "127.0.0.1", True),
        (socket.AF_INET6, "::1", False),
    ):
        for kind, label in ((socket.SOCK_DGRAM, "UDP"), (socket.SOCK_STREAM, "TCP")):
            error = _bind(family, kind, host)
            detail = "bind works" if error is None else f"cannot bind: {error}"
            yield Check(f"{label} on {host}", error is None, detail, required=required)


def check_rmem(path: Path = RMEM_PATH) -> Check:
    """A small UDP receive buffer drops packets under load (SIPp bursts, many RTP streams)."""
    try:
        value = int(path.read_text().strip())
    except (OSError, ValueError):
        return Check("UDP receive buffer", False, f"cannot read {path}", required=False)
    ok = value >= RMEM_WANTED
    detail = f"rmem_max {value} bytes"
    if not ok:
        detail += f"; load runs want {RMEM_WANTED}: sysctl -w net.core.rmem_max={RMEM_WANTED}"
    return Check("UDP receive buffer", ok, detail, required=False)


def check_reports_writable(reports: Path) -> Check:
    """The run writes its reports there."""
    target = reports
    while not target.exists() and target != target.parent:
        target = target.parent
    try:
        with tempfile.TemporaryFile(dir=target):
            pass
    except OSError as exc:
        return Check("reports", False, f"{shown(reports)} is not writable: {exc}")
    return Check("reports", True, f"{shown(reports)} is writable")


def check_allure(root: Path) -> Check:
    """The Allure HTML report is optional; report.html is always written."""
    problem = allure_available(root)
    if problem is None:
        return Check("allure", True, "Allure 3 in .tools/", required=False)
    return Check(
        "allure",
        False,
        f"{problem}; callproof run installs it with npm when it can",
        required=False,
    )


def all_checks(root: Path, reports: Path) -> Iterator[Check]:
    """Every check, in the order they are printed."""
    yield check_python()
    yield check_venv()
    yield from check_dependencies()
    yield from check_debian_tools()
    yield from check_loopback()
    yield check_rmem()
    yield check_reports_writable(reports)
    yield check_allure(root)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``doctor``'s options."""
    parser.add_argument("--reports", metavar="DIR", default=None, help="reports directory to check")


def execute(args: argparse.Namespace, extra: list[str]) -> int:
    """Print every check; 0 when all required ones pass, else 1."""
    root = project_root()
    failed_required = 0
    for check in all_checks(root, reports_dir(args.reports, root)):
        print(check.line(), flush=True)
        if check.required and not check.ok:
            failed_required += 1
    if failed_required:
        print(f"{failed_required} required check(s) failed")
        return 1
    print("all required checks passed")
    return 0
