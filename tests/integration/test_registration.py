"""Agents' phones register with the SUT's registrar, choosing the strongest Digest offered."""

from __future__ import annotations

from harness.endpoints.events import SipTraced
from harness.runtime.journal import Match
from harness.scenario.cast import Cast


def test_a_phone_registers_with_sha256_when_offered(cast: Cast) -> None:
    cast.add_agent_with_phone("Alice")
    sent = cast.journal.events(
        Match(
            SipTraced,
            party="Alice",
            direction="sent",
            first_line=lambda s: s.startswith("REGISTER"),
        )
    )
    challenges = cast.journal.events(
        Match(
            SipTraced, party="Alice", direction="received", first_line=lambda s: s.startswith("401")
        )
    )
    assert len(sent) == 2 and len(challenges) == 1
    offered = challenges[0].raw.decode()
    assert offered.index("algorithm=MD5") < offered.index("algorithm=SHA-256")  # interop first
    assert b"algorithm=SHA-256" in sent[1].raw
