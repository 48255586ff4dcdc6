"""The engine thread of a Locust worker: plain sockets beside gevent, its own CPU time."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# A worker process: gevent patches everything first, as Locust does on import.
_WORKER = textwrap.dedent(
    """
    from gevent import monkey

    monkey.patch_all()

    import socket

    from harness.load.bridge import engine_thread
    from harness.net import udp

    async def made_here() -> str:
        sock = udp.bind_socket("127.0.0.1", 0)
        sock.close()
        return type(sock).__module__

    thread = engine_thread()
    print(type(socket.socket(socket.AF_INET, socket.SOCK_DGRAM)).__module__)
    print(thread.run(made_here, timeout=10))
    cpu = thread.cpu_seconds()
    print(cpu is not None and cpu >= 0)
    print(thread.stop())
    """
)


def test_the_engine_threads_sockets_are_plain_ones_beside_gevents_patching() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WORKER], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    patched, engine, cpu_known, stopped = done.stdout.split()
    assert patched.startswith("gevent")  # what the rest of the worker process gets
    assert engine == "socket", f"the engine thread made a {engine} socket"
    assert cpu_known == "True" and stopped == "True"
