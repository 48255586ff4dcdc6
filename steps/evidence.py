"""Steps for the evidence a failing scenario keeps (H-EVD-1); each calls one helper."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from harness.scenario.cast import CUSTOMER
from harness.scenario.evidence import EvidenceCheck


@when("the scenario's evidence is kept as if it had failed")
def keep_evidence(evidence_check: EvidenceCheck) -> None:
    evidence_check.keep_as_if_failed()


@then("the evidence holds the SIP ladder and the Call IDs of the call")
def ladder_and_ids(evidence_check: EvidenceCheck) -> None:
    evidence_check.ladder_and_call_ids()


@then("the packet capture holds the INVITE, the 200 OK and RTP both ways of each leg")
def capture_holds_the_call(evidence_check: EvidenceCheck) -> None:
    evidence_check.capture()


@then(parsers.parse('the audio heard by the customer carries the signature of "{speaker}"'))
def customer_heard(evidence_check: EvidenceCheck, speaker: str) -> None:
    evidence_check.heard(CUSTOMER, speaker)


@then(parsers.parse('the audio heard by "{listener}" carries the signature of the customer'))
def agent_heard(evidence_check: EvidenceCheck, listener: str) -> None:
    evidence_check.heard(listener, CUSTOMER)


@then("a README in the evidence says what each file is")
def readme_describes(evidence_check: EvidenceCheck) -> None:
    evidence_check.described()
