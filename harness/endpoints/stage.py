"""The stage every party of a scenario plays on: the journal, one media clock, and signatures.

Each party gets its own signature (a tone) so anyone receiving audio can tell whom it hears.
Every party listens for every signature, so "the caller does not hear the whisper" is as easy to
check as "the caller hears the agent".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from harness.media.tones import SIGNATURES, Signature
from harness.media.transport import MediaClock, open_endpoints
from harness.runtime.journal import Journal


class Party(Protocol):
    name: str

    def leaks(self) -> list[str]: ...


@dataclass
class Stage:
    journal: Journal
    clock: MediaClock
    _signatures: dict[str, Signature] = field(default_factory=dict)
    _parties: list[Party] = field(default_factory=list)

    @classmethod
    async def open(cls, journal: Journal) -> Stage:
        return cls(journal, MediaClock())

    def signature(self, name: str) -> Signature:
        """The signature of party ``name`` (assigned on first use, unique within the scenario)."""
        if name not in self._signatures:
            if len(self._signatures) >= len(SIGNATURES):
                raise ValueError(
                    f"a scenario can have at most {len(SIGNATURES)} parties with audio"
                )
            self._signatures[name] = SIGNATURES[len(self._signatures)]
        return self._signatures[name]

    def whose(self, signature: Signature) -> str:
        for name, sig in self._signatures.items():
            if sig == signature:
                return name
        return f"unknown ({signature.frequency_hz:g} Hz)"

    @property
    def all_signatures(self) -> tuple[Signature, ...]:
        return SIGNATURES

    def enter(self, party: Party) -> None:
        self._parties.append(party)

    def leave(self, party: Party) -> None:
        if party in self._parties:
            self._parties.remove(party)

    def leaks(self) -> list[str]:
        """Post-condition after a scenario: no live dialog, no open RTP port."""
        found = [f"RTP {item}" for item in open_endpoints()]
        for party in self._parties:
            found.extend(f"{party.name}: {item}" for item in party.leaks())
        return found

    async def close(self) -> None:
        self.clock.close()
