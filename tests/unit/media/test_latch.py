"""Symmetric RTP latching and the registry of open sockets, without sockets."""

from __future__ import annotations

import threading

import pytest

from harness.media.latch import OpenRegistry, RemoteAddress


def test_without_latching_the_sdp_address_stays():
    remote = RemoteAddress(latching=False)
    assert remote.address is None
    remote.observe(("127.0.0.1", 5000))
    assert remote.address is None
    remote.set("127.0.0.1", 4000)
    remote.observe(("127.0.0.1", 5000))
    assert remote.address == ("127.0.0.1", 4000)


def test_latching_follows_the_first_packet_after_each_set():
    remote = RemoteAddress(latching=True)
    remote.set("127.0.0.1", 4000)
    remote.observe(("127.0.0.1", 5000))
    assert remote.address == ("127.0.0.1", 5000)
    remote.observe(("127.0.0.1", 6000))  # a stray packet cannot redirect the stream
    assert remote.address == ("127.0.0.1", 5000)
    remote.set("::1", 4002)  # a re-INVITE moved the media: latch again
    assert remote.address == ("::1", 4002)
    remote.observe(("::1", 7000))
    assert remote.address == ("::1", 7000)


def test_remote_must_be_an_ip_literal_and_a_port():
    remote = RemoteAddress(latching=False)
    with pytest.raises(ValueError):
        remote.set("media.example", 4000)
    with pytest.raises(ValueError, match="port"):
        remote.set("127.0.0.1", 0)


def test_registry_describes_open_items_from_any_thread():
    registry = OpenRegistry()
    items = [f"socket-{i}" for i in range(3)]
    for item in items:
        registry.add(item)
    seen: list[list[str]] = []
    worker = threading.Thread(target=lambda: seen.append(registry.describe()))
    worker.start()
    worker.join(timeout=5)
    assert seen == [["'socket-0'", "'socket-1'", "'socket-2'"]]
    registry.discard("socket-1")
    registry.discard("never added")
    assert registry.describe() == ["'socket-0'", "'socket-2'"]
