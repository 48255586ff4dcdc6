"""Running a test inside a network namespace of its own, where ``lo`` is the only interface.

For peers that bind every address (baresip 1.0): the harness binds only to loopback, so such a
peer runs, with everything it talks to, in a namespace the test creates (``unshare -n``).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

IN_NAMESPACE = "CALLPROOF_PRIVATE_NETNS"
"""Set in the inner run's environment: the test is already inside the namespace."""


def namespace_unavailable() -> str | None:
    """Why an inner run cannot be started here (a skip reason), or None."""
    if os.environ.get(IN_NAMESPACE):
        return "already inside the private network namespace"
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None:
        return "a private network namespace needs root, unshare and ip (util-linux, iproute2)"
    return None


def run_in_private_namespace(
    nodeid: str, *pytest_args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the pytest test ``nodeid`` in a new network namespace with ``lo`` up."""
    args = " ".join(shlex.quote(a) for a in (nodeid, "-q", "-p", "no:cacheprovider", *pytest_args))
    command = f"ip link set lo up && exec {sys.executable} -m pytest {args}"
    return subprocess.run(
        ["unshare", "-n", "sh", "-c", command],
        env={**os.environ, IN_NAMESPACE: "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
