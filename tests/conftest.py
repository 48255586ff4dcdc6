"""What every test of the harness itself must leave as it found it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def process_left_as_found(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test must not leave an event loop marked running on the main thread, nor the process
    monkey-patched by gevent (Locust patches at import): every later ``asyncio.run`` or thread in
    the same worker would then fail, far from the test that caused it."""
    yield
    problems = []
    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("threading"):
        problems.append("the process monkey-patched by gevent")
    if asyncio._get_running_loop() is not None:
        asyncio._set_running_loop(None)  # the next test starts clean; this one is named
        problems.append("an event loop running on the main thread")
    if problems:
        pytest.fail(f"{request.node.nodeid} left {' and '.join(problems)}")
