"""The run's seed: every item's random data derives from it and from the item's node ID.

A run draws one seed (or takes ``--seed``); before each item, Python's ``random`` and
Faker are reseeded from ``(seed, node ID)``. The same seed therefore gives every scenario the
same numbers and names again, whatever the order of the items and however xdist spreads them
over workers, which is what makes a reported failure reproducible.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import sys

#: Seeds are drawn below this bound so that they stay short enough to type.
SEED_BOUND = 2**32


def draw() -> int:
    """A fresh seed from the OS's randomness."""
    return secrets.randbelow(SEED_BOUND)


def parse(text: str) -> int:
    """A seed given on the command line: a non-negative integer."""
    try:
        value = int(text, 10)
    except ValueError:
        raise ValueError(f"the seed must be a whole number, got {text!r}") from None
    if value < 0:
        raise ValueError(f"the seed must not be negative, got {value}")
    return value


def item_seed(seed: int, nodeid: str) -> int:
    """The seed of one item: stable for a (seed, node ID) pair, unrelated between items."""
    digest = hashlib.sha256(f"{seed}:{nodeid}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def reseed(seed: int, nodeid: str) -> int:
    """Reseed ``random`` (and Faker, when loaded) for the item; returns the item's seed."""
    value = item_seed(seed, nodeid)
    random.seed(value)
    faker = sys.modules.get("faker")
    if faker is not None:
        faker.Faker.seed(value)
    return value
