"""The pool of secure random bytes behind tags, branches and Call-IDs."""

from __future__ import annotations

import pytest

from harness.sip.entropy import EntropyPool
from harness.sip.message import make_branch, make_call_id, make_tag


def test_no_byte_is_handed_out_twice_across_refills():
    pool = EntropyPool(chunk=64)
    draws = [pool.hex(8) for _ in range(5000)]  # about 625 refills
    assert len(set(draws)) == len(draws)
    assert all(len(d) == 16 for d in draws)
    assert len(pool.take(200)) == 200  # more than a chunk at once


def test_identifiers_are_fresh_and_well_formed():
    tags = {make_tag() for _ in range(2000)}
    branches = {make_branch() for _ in range(2000)}
    assert len(tags) == 2000 and len(branches) == 2000
    assert all(b.startswith("z9hG4bK") for b in branches)
    assert make_call_id("127.0.0.1").endswith("@127.0.0.1")


def test_below_stays_in_range_and_reaches_every_value():
    pool = EntropyPool()
    seen = {pool.below(6) for _ in range(600)}
    assert seen == set(range(6))
    assert all(0 <= pool.below(2**31) < 2**31 for _ in range(100))
    assert pool.below(1) == 0
    with pytest.raises(ValueError):
        pool.below(0)
