"""Install, once and only when missing, what a subcommand needs beyond Python packages.

Debian tools come from apt (the only source allowed at run time besides pip and npm), the
Allure HTML generator from npm into ``.tools/``. Everything here is quiet when nothing is
missing, so that a second run starts at once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.cli.errors import CliError
from harness.reporting.allure import NPM_SPEC, TOOLS_DIR, allure_executable


@dataclass(frozen=True)
class DebianTool:
    """A command on PATH and the Debian package that provides it."""

    command: str
    package: str
    purpose: str


DEBIAN_TOOLS: dict[str, DebianTool] = {
    tool.command: tool
    for tool in (
        DebianTool("sipp", "sip-tester", "SIPp, an independent SIP peer for interop tests"),
        DebianTool(
            "baresip", "baresip-core", "baresip, an independent SIP phone for interop tests"
        ),
        DebianTool("kamailio", "kamailio", "Kamailio, an independent SIP proxy for interop tests"),
        DebianTool("chromium", "chromium", "the browser that agents' desktop scenarios drive"),
        DebianTool("tshark", "tshark", "packet capture for evidence"),
        DebianTool(
            "espeak-ng", "espeak-ng", "speech synthesis of the reference's IVR prompts and messages"
        ),
    )
}

#: Debian tools each subcommand needs before it starts.
NEEDS: dict[str, tuple[str, ...]] = {
    "run": ("chromium", "espeak-ng"),
    "test": ("sipp", "baresip", "kamailio", "tshark", "chromium", "espeak-ng"),
}

APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}
_LOCK_HELD = ("Could not get lock", "Unable to acquire the dpkg frontend lock", "Unable to lock")
_UNKNOWN = ("Unable to locate package", "has no installation candidate")
_TAIL = 15


@dataclass(frozen=True)
class Completed:
    """Exit code and combined output of a finished command."""

    returncode: int
    output: str


Runner = Callable[[Sequence[str], Mapping[str, str] | None, float | None], Completed]


def run_captured(
    argv: Sequence[str], env: Mapping[str, str] | None = None, timeout: float | None = None
) -> Completed:
    """Run ``argv`` with stdout and stderr captured together, stdin closed."""
    full_env = {**os.environ, **env} if env else None
    try:
        proc = subprocess.run(
            list(argv),
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        return Completed(127, str(exc))
    except subprocess.TimeoutExpired:
        return Completed(124, f"{argv[0]} did not finish within {timeout:.0f} s")
    return Completed(proc.returncode, proc.stdout or "")


def tail(text: str, lines: int = _TAIL) -> str:
    """The last ``lines`` non-empty lines of ``text``."""
    kept = [line for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def find_tool(tool: str) -> str | None:
    """``tool`` on PATH, or in the system folders a non-root PATH may lack (kamailio: /usr/sbin)."""
    path = os.environ.get("PATH", os.defpath)
    return shutil.which(tool, path=os.pathsep.join([path, "/usr/sbin", "/sbin"]))


def apt_command(packages: Sequence[str]) -> str:
    """The command line a user would type to install ``packages`` themselves."""
    return "apt-get install -y --no-install-recommends " + " ".join(packages)


@dataclass
class Apt:
    """Installs Debian packages with apt-get, as root or through ``sudo -n``."""

    run: Runner = run_captured
    which: Callable[[str], str | None] = field(default=lambda tool: find_tool(tool))
    sleep: Callable[[float], None] = time.sleep
    echo: Callable[[str], None] = print
    is_root: bool = field(default_factory=lambda: os.geteuid() == 0)
    lists_dir: Path = Path("/var/lib/apt/lists")
    lock_attempts: int = 8
    lock_wait_s: float = 15.0

    def missing(self, commands: Sequence[str]) -> list[DebianTool]:
        """The tools among ``commands`` that are not on PATH."""
        return [DEBIAN_TOOLS[c] for c in commands if self.which(c) is None]

    def ensure(self, commands: Sequence[str]) -> list[str]:
        """Install the packages of the missing ``commands``; returns the packages installed."""
        tools = self.missing(commands)
        if not tools:
            return []
        packages = list(dict.fromkeys(t.package for t in tools))
        prefix = self._prefix(tools, packages)
        self.echo(f"installing Debian packages {', '.join(packages)}…")
        if not self._have_lists():
            self._apt(prefix, ["update"], packages)
        result = self._apt(prefix, ["install", "-y", "--no-install-recommends", *packages], None)
        if result.returncode != 0 and any(marker in result.output for marker in _UNKNOWN):
            # Stale or partial package lists: refresh them once, then try again.
            self._apt(prefix, ["update"], packages)
            result = self._apt(
                prefix, ["install", "-y", "--no-install-recommends", *packages], None
            )
        if result.returncode != 0:
            self.echo(tail(result.output))
            raise CliError(
                f"could not install {', '.join(packages)} with apt-get",
                f"run '{apt_command(packages)}' as root and look at its message",
            )
        still = self.missing([t.command for t in tools])
        if still:
            raise CliError(
                f"{still[0].package} is installed but '{still[0].command}' is not on PATH",
                "check PATH, or install the package by hand",
            )
        for package in packages:
            provides = ", ".join(t.command for t in tools if t.package == package)
            self.echo(f"installed Debian package {package} (provides {provides})")
        return packages

    def _prefix(self, tools: Sequence[DebianTool], packages: Sequence[str]) -> list[str]:
        if self.is_root:
            return ["env", *(f"{k}={v}" for k, v in APT_ENV.items())]
        if self.which("sudo") is not None:
            # sudo resets the environment: pass the variable through env(1).
            return ["sudo", "-n", "env", *(f"{k}={v}" for k, v in APT_ENV.items())]
        names = ", ".join(t.command for t in tools)
        raise CliError(
            f"{names} missing and installing it needs root",
            f"run 'sudo {apt_command(packages)}'",
        )

    def _have_lists(self) -> bool:
        try:
            return any("_Packages" in p.name for p in self.lists_dir.iterdir())
        except OSError:
            return False

    def _apt(
        self, prefix: Sequence[str], arguments: Sequence[str], packages: Sequence[str] | None
    ) -> Completed:
        """Run apt-get, retrying a bounded number of times while another apt holds its lock.

        ``packages`` given: a failure raises (used for ``update``); None: the caller decides.
        """
        argv = [*prefix, "apt-get", "-o", "DPkg::Lock::Timeout=300", *arguments]
        result = self.run(argv, None, 1800.0)
        for _ in range(self.lock_attempts):
            if result.returncode == 0 or not any(m in result.output for m in _LOCK_HELD):
                break
            self.sleep(self.lock_wait_s)
            result = self.run(argv, None, 1800.0)
        if "password is required" in result.output:
            raise CliError(
                "apt-get needs root and sudo asks for a password",
                f"run 'sudo {apt_command(packages or arguments[-1:])}' once by hand",
            )
        if packages is not None and result.returncode != 0:
            self.echo(tail(result.output))
            raise CliError(
                f"'apt-get {' '.join(arguments)}' failed",
                f"run 'apt-get update && {apt_command(packages)}' as root",
            )
        return result


def ensure_debian_tools(subcommand: str, apt: Apt | None = None) -> list[str]:
    """Make sure the Debian tools ``subcommand`` needs are there; returns packages installed."""
    commands = NEEDS.get(subcommand, ())
    if not commands:
        return []
    return (apt or Apt()).ensure(commands)


def ensure_allure(
    root: Path,
    run: Runner = run_captured,
    which: Callable[[str], str | None] = shutil.which,
    echo: Callable[[str], None] = print,
) -> Path | None:
    """The Allure generator, installed with npm into ``.tools/`` when missing.

    Never fails the command: without npm, or when npm fails, it says once that the Allure
    HTML is skipped and why (``report.html`` is written in any case) and returns None.
    """
    executable = allure_executable(root)
    if executable.exists() and which("node") is not None:
        return executable
    skipped = "the Allure HTML report is skipped (reports/report.html is written anyway)"
    if which("npm") is None or which("node") is None:
        echo(f"{skipped}: npm and node are needed to install {NPM_SPEC}")
        return None
    echo(f"installing {NPM_SPEC} into {TOOLS_DIR}/ with npm…")
    result = run(
        ["npm", "install", "--prefix", str(root / TOOLS_DIR), "--no-audit", "--no-fund", NPM_SPEC],
        None,
        600.0,
    )
    if result.returncode != 0 or not executable.exists():
        echo(tail(result.output, 5))
        echo(f"{skipped}: 'npm install {NPM_SPEC}' failed")
        return None
    return executable
