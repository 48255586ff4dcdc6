"""Running svwar: a sweep refuses a target off loopback."""

from __future__ import annotations

import pytest

from harness.audit.svwar import sweep


def test_a_sweep_refuses_a_target_off_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        sweep(("192.0.2.1", 5060), "OPTIONS", ["100"], parallel=1)
