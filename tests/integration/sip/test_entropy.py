"""The pool of secure random bytes across a fork."""

from __future__ import annotations

import os

from harness.sip import entropy


def test_a_forked_child_does_not_repeat_its_parent_bytes():
    entropy.random_hex(1)  # the pool holds unused bytes the child would otherwise copy
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next draw and leave at once
        os.write(write, entropy.random_hex(16).encode())
        os._exit(0)
    os.close(write)
    try:
        child = os.read(read, 64).decode()
    finally:
        os.close(read)
        os.waitpid(pid, 0)
    assert len(child) == 32 and child != entropy.random_hex(16)
