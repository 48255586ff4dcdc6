"""The loopback pin around sipvicious on real sockets."""

from __future__ import annotations

import socket

import pytest

from harness.audit.launch import loopback_socket_class
from harness.audit.tools import (
    free_udp_port,
    require_loopback,
    run_tool,
)


def test_binding_to_every_interface_becomes_loopback() -> None:
    cls = loopback_socket_class(None)
    with cls(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("", 0))
        assert sock.getsockname()[0] == "127.0.0.1"


def test_loopback_checks() -> None:
    assert require_loopback("::1") == "::1"
    for host in ("example.com", "0.0.0.0", "192.0.2.1"):
        with pytest.raises(ValueError):
            require_loopback(host)
    assert 1024 <= free_udp_port() <= 65535
    with pytest.raises(ValueError):
        run_tool("svwar", [], timeout=0)
