"""The security audit's verdicts over the whole scenario, built on :class:`Attacker`'s own."""

from __future__ import annotations

from harness.audit.attacker import Attacker


def expect_no_extension_found(attacker: Attacker) -> None:
    """Every svwar sweep of the scenario tried every name and found no extension (H-SEC-1)."""
    for method in attacker.sweeps:
        attacker.expect_no_extension_found(method)


def expect_alike_for_an_agent(attacker: Attacker, method: str) -> None:
    """An agent of the scenario and an unknown user get the same answers to ``method``."""
    attacker.expect_alike(method, next(iter(attacker.cast.agents)))
