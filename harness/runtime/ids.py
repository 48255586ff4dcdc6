"""Unique, readable identifiers per scenario, so that parallel scenarios never collide."""

from __future__ import annotations

import itertools
import os
import secrets
from collections import defaultdict
from collections.abc import Iterator


class ScenarioIds:
    """Hands out ``<prefix>-<kind>-<n>`` names; the prefix is unique per scenario and worker."""

    def __init__(self, prefix: str | None = None) -> None:
        self.prefix = prefix or f"s{os.getpid() % 10000:04d}{secrets.token_hex(3)}"
        self._counters: dict[str, Iterator[int]] = defaultdict(lambda: itertools.count(1))

    def next(self, kind: str) -> str:
        return f"{self.prefix}-{kind}-{next(self._counters[kind])}"
