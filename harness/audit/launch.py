"""Run a sipvicious tool with its sockets pinned to loopback.

``python -m harness.audit.launch [--wait-cap S] svwar|svcrack ARGS...`` runs the tool's own
``main()`` with its own arguments and output, in this (child) process, after one change: every
socket it creates can only bind to and send to loopback. sipvicious 0.3.8 parses ``-b`` but
never hands it to its scanners, which then bind to every interface; the harness only ever
binds to loopback, so the bind address is pinned here instead.

A server may offer one Digest challenge per algorithm (RFC 8760: SHA-256 first, then MD5);
sipvicious reads only the first and knows only MD5. An attacker picks the challenge it can
answer, so the launcher makes the tool see the MD5 one when there are several: what it sends
is then a fair MD5 guess, which the server must count like any other.

``--wait-cap`` shortens the socket timeouts the tools use to wait for late answers (svcrack
waits 10 s after its last guess). On loopback every answer arrives within milliseconds, so a
cap of a second or two only saves time; it changes nothing in what the tools send.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import sys
from collections.abc import Callable
from typing import Any

TOOLS = ("svwar", "svcrack", "svmap")
LOOPBACK = "127.0.0.1"


def _is_loopback(host: object) -> bool:
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


def loopback_socket_class(wait_cap: float | None) -> type[socket.socket]:
    """A ``socket.socket`` subclass that refuses anything but loopback."""

    class LoopbackSocket(socket.socket):
        def bind(self, address: Any) -> None:
            host, *rest = address
            if host in ("", "0.0.0.0", "::"):  # "any interface" becomes loopback only
                host = LOOPBACK if self.family == socket.AF_INET else "::1"
            if not _is_loopback(host):
                raise OSError(f"refusing to bind to {host!r}: loopback only")
            super().bind((host, *rest))

        def connect(self, address: Any) -> None:
            if not _is_loopback(address[0]):
                raise OSError(f"refusing to connect to {address[0]!r}: loopback only")
            super().connect(address)

        def sendto(self, data: Any, *args: Any) -> int:
            address = args[-1]
            if not _is_loopback(address[0]):
                raise OSError(f"refusing to send to {address[0]!r}: loopback only")
            return super().sendto(data, *args)

        def settimeout(self, value: float | None) -> None:
            if wait_cap is not None and (value is None or value > wait_cap):
                value = wait_cap
            super().settimeout(value)

    return LoopbackSocket


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    wait_cap: float | None = None
    if args[:1] == ["--wait-cap"]:
        wait_cap = float(args[1])
        args = args[2:]
    if not args or args[0] not in TOOLS:
        print(f"usage: launch [--wait-cap S] {{{','.join(TOOLS)}}} ARGS...", file=sys.stderr)
        return 2
    tool, tool_args = args[0], args[1:]
    socket.socket = loopback_socket_class(wait_cap)  # type: ignore[misc]
    entry = _entry(tool)
    sys.argv = [f"sipvicious_{tool}", *tool_args]
    try:
        entry()
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def md5_challenge_first(packet: str) -> str | None:
    """The WWW-/Proxy-Authenticate value sipvicious should answer: an MD5 one if offered."""
    found = [
        value
        for _name, value in re.findall(
            r"\r\n(www-authenticate|proxy-authenticate): (.+?)(?=\r\n)", packet, re.I
        )
    ]
    if not found:
        return None
    md5 = [v for v in found if re.search(r"algorithm=\"?md5\"?(?:[,\s]|$)", v, re.I)]
    return (md5 or found)[0]


def _entry(tool: str) -> Callable[[], object]:
    if tool == "svwar":
        from sipvicious import svwar

        return svwar.main
    if tool == "svcrack":
        from sipvicious import svcrack

        svcrack.getAuthHeader = md5_challenge_first
        return svcrack.main
    from sipvicious import svmap

    return svmap.main


if __name__ == "__main__":
    raise SystemExit(main())
