"""The scenario's own evidence, checked as a support engineer would read it (H-EVD-1).

A scenario cannot fail on purpose in the suite, so it asks for its evidence "as if it had
failed" (the same writer the plugin calls on a real failure) and reads the files back.
"""

from __future__ import annotations

from harness.endpoints.stage import Stage
from harness.evidence.collector import Evidence
from harness.evidence.files import EvidenceIndex
from harness.evidence.inspect import EvidenceFolder, EvidenceMissing
from harness.scenario.calls import CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER

AS_IF_FAILED = "asked for by the scenario, as if it had failed"


class EvidenceCheck:
    """Keeps the scenario's evidence once, then checks it against the last call."""

    def __init__(self, evidence: Evidence, stage: Stage, flows: CallFlows) -> None:
        self.evidence = evidence
        self.stage = stage
        self.flows = flows
        self._folder: EvidenceFolder | None = None

    def keep_as_if_failed(self) -> EvidenceIndex:
        index = self.evidence.keep(AS_IF_FAILED)
        self._folder = EvidenceFolder(self.evidence.directory)
        return index

    @property
    def folder(self) -> EvidenceFolder:
        if self._folder is None:
            raise LookupError("the evidence has not been kept yet in this scenario")
        return self._folder

    def _legs(self, call: PlacedCall) -> list[str]:
        return [call.sip_call_id, *call.agent_legs.values()]

    def ladder_and_call_ids(self) -> None:
        call = self.flows.last
        if call.call_id is None:
            raise EvidenceMissing("the scenario never learned the SUT's Call ID of its call")
        self.folder.require_call(call.call_id, self._legs(call))

    def capture(self) -> None:
        self.folder.require_capture(self._legs(self.flows.last))

    def heard(self, listener: str, speaker: str) -> int:
        """Frames of ``speaker``'s signature in the WAV of what ``listener`` heard."""
        call = self.flows.last
        leg = call.sip_call_id if listener == CUSTOMER else call.agent_legs[listener]
        return self.folder.require_heard(listener, leg, self.stage.signature(speaker))

    def described(self) -> None:
        self.folder.require_files_described()
