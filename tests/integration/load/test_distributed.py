"""The two-machine set-up, on one machine: a Locust master and a worker in two network namespaces.

The test creates two namespaces joined by a veth pair (its own addresses, nothing reaches any
other network): the master (``callproof load --master``) listens on its end of the pair; the
worker (``callproof load --worker --master-host …``) runs in the other namespace, beside the
load target, a SIPp UAS echoing the RTP on that namespace's loopback, as load generators sit
near the system they load. Every call is verified by the worker and its record reaches the
master over Locust's own connection. Bounded in time and calls; the namespaces (and with them
the veth pair) and every process are removed whatever happens.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

MASTER_ADDRESS = "10.213.77.1"
WORKER_ADDRESS = "10.213.77.2"
UAS_PORT = 5070
RUN_LIMIT = 120.0


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=20)


@pytest.fixture
def namespaces() -> Iterator[tuple[str, str]]:
    """Two namespaces joined by a veth pair, deleted afterwards; a skip saying why if impossible."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("network namespaces need root and ip (iproute2)")
    if shutil.which("sipp") is None:
        pytest.skip("the load target is SIPp (Debian: sip-tester), not installed")
    tag = secrets.token_hex(3)
    master, worker = f"cpm{tag}", f"cpw{tag}"
    created: list[str] = []
    try:
        for name in (master, worker):
            done = _ip("netns", "add", name)
            if done.returncode != 0:
                pytest.skip(f"cannot create a network namespace: {done.stderr.strip()}")
            created.append(name)
        steps = [
            ("link", "add", f"vm{tag}", "netns", master, "type", "veth",
             "peer", "name", f"vw{tag}", "netns", worker),
            ("-n", master, "addr", "add", f"{MASTER_ADDRESS}/30", "dev", f"vm{tag}"),
            ("-n", worker, "addr", "add", f"{WORKER_ADDRESS}/30", "dev", f"vw{tag}"),
            ("-n", master, "link", "set", f"vm{tag}", "up"),
            ("-n", worker, "link", "set", f"vw{tag}", "up"),
            ("-n", master, "link", "set", "lo", "up"),
            ("-n", worker, "link", "set", "lo", "up"),
        ]  # fmt: skip
        for step in steps:
            done = _ip(*step)
            if done.returncode != 0:
                pytest.skip(f"cannot set up the namespaces ({' '.join(step)}): {done.stderr}")
        yield master, worker
    finally:
        for name in created:
            _ip("netns", "del", name)


def _in(namespace: str, *argv: str) -> list[str]:
    return ["ip", "netns", "exec", namespace, *argv]


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


def test_a_worker_in_another_namespace_places_verified_calls_for_the_master(
    namespaces: tuple[str, str], tmp_path: Path
) -> None:
    master_ns, worker_ns = namespaces
    reports = tmp_path / "reports"
    port = str(5557 + secrets.randbelow(200))
    uas = subprocess.Popen(
        _in(worker_ns, "sipp", "-sn", "uas", "-rtp_echo", "-i", "127.0.0.1", "-p", str(UAS_PORT),
            "-mi", "127.0.0.1", "-mp", "6000", "-ci", "127.0.0.1", "-cp", "8889", "-nostdin",
            "-m", "200", "-timeout", f"{RUN_LIMIT:g}s"),
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    master = subprocess.Popen(
        _in(master_ns, sys.executable, "-m", "harness.cli.main", "load", "--master",
            "--master-bind", MASTER_ADDRESS, "--master-port", port, "--expect-workers", "1",
            "--target", f"sip:service@127.0.0.1:{UAS_PORT}", "--echo", "--rate", "3",
            "--duration", "4", "--ramp", "1", "--reports", str(reports)),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        _in(worker_ns, sys.executable, "-m", "harness.cli.main", "load", "--worker",
            "--master-host", MASTER_ADDRESS, "--master-port", port),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        output, _ = master.communicate(timeout=RUN_LIMIT)
        worker_output, _ = worker.communicate(timeout=30)
    finally:
        for process in (worker, master, uas):
            _stop(process)
    assert master.returncode == 0, output[-3000:] + worker_output[-2000:]
    summary = json.loads((reports / "load" / "summary.json").read_text())
    assert summary["calls"] >= 5 and summary["verified"] == summary["calls"]
    assert summary["two_way_ms"]["n"] == summary["calls"]
    workers = json.loads((reports / "load" / "workers.json").read_text())
    assert len(workers["workers_done"]) == 1 and not workers["workers_missing"]
    assert "placing calls" in worker_output
