"""The loopback pin around sipvicious, and the options every run gets."""

from __future__ import annotations

import socket

import pytest

from harness.audit.attacker import wrong_passwords
from harness.audit.launch import loopback_socket_class, main
from harness.audit.tools import (
    ToolOutput,
    scanner_args,
)


@pytest.mark.parametrize("host", ["192.0.2.1", "10.0.0.1", "8.8.8.8"])
def test_anything_but_loopback_is_refused(host: str) -> None:
    cls = loopback_socket_class(None)
    with cls(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        with pytest.raises(OSError, match="loopback only"):
            sock.bind((host, 0))
        with pytest.raises(OSError, match="loopback only"):
            sock.sendto(b"x", (host, 5060))
        with pytest.raises(OSError, match="loopback only"):
            sock.connect((host, 80))


def test_waits_are_capped_when_asked() -> None:
    capped = loopback_socket_class(1.5)
    with capped(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(10)
        assert sock.gettimeout() == 1.5
        sock.settimeout(0.2)
        assert sock.gettimeout() == 0.2
    with loopback_socket_class(None)(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(10)
        assert sock.gettimeout() == 10


def test_the_launcher_only_runs_sipvicious_tools(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nmap", "-sU"]) == 2
    assert "usage" in capsys.readouterr().err


def test_scanner_args_pin_every_address_to_loopback() -> None:
    args = scanner_args(("127.0.0.1", 5070), 40000, max_silence=3)
    assert args[args.index("-x") + 1] == "127.0.0.1"
    assert args[args.index("-P") + 1] == "40000"
    assert args[args.index("-p") + 1] == "5070"
    assert "-A" not in args and "-R" not in args  # never look up or report anything outside
    with pytest.raises(ValueError, match="loopback"):
        scanner_args(("192.0.2.10", 5060), 40000, max_silence=3)


def test_a_transcript_names_the_command_and_both_streams() -> None:
    text = ToolOutput("svwar", ("python", "svwar"), 0, "table\n", "log\n", 1.25).transcript()
    assert text.startswith("$ python svwar\n(exit 0 after 1.2 s)")
    assert "--- stdout\ntable\n--- stderr\nlog\n" in text


def test_wrong_passwords_never_include_the_right_one() -> None:
    guesses = wrong_passwords(30, "123456")
    assert len(guesses) == len(set(guesses)) == 30
    assert "123456" not in guesses and guesses[0] == "password"
    assert len(wrong_passwords(100, "x")) == 100
    with pytest.raises(ValueError):
        wrong_passwords(0, "x")
