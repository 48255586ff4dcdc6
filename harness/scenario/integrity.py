"""The call log's integrity rule (AC-ANS-2): Answered means the customer was connected.

A customer is connected once the SUT's 200 OK to the customer's INVITE is acknowledged. A call
whose customer never got that far (the ACK is lost, the customer hangs up first) may have been
answered by an agent, but it was never an answered call: the log must not say Answered.
"""

from __future__ import annotations

from harness.errors import ConformanceFailure
from harness.scenario.calls import LOG_TIMEOUT, CallFlows, PlacedCall

__all__ = ["ConnectionChecks"]

ANSWER_TIMEOUT = 10.0  # s for the SUT's 200 to reach the customer once the agent answered


class ConnectionChecks:
    """Calls whose customer is never connected, and what the call log says of them."""

    def __init__(self, flows: CallFlows) -> None:
        self.flows = flows
        self.cast = flows.cast

    def call_without_acknowledging(self, number: str) -> PlacedCall:
        """The customer calls ``number`` from a phone whose ACKs never arrive."""
        return self.flows.dial(number, acknowledge=False)

    def hang_up_once_answered(self, call: PlacedCall) -> None:
        """Wait for the SUT's 200 at the customer, then hang up (BYE) without an ACK."""
        self.flows.wait_connected(call, ANSWER_TIMEOUT)
        self.flows.hang_up(call)

    def expect_not_answered(self, call: PlacedCall, agent: str) -> None:
        """Logged as Missed, answered by nobody, with ``agent``'s attempt kept as not counted."""
        entry = self.flows.log_entry(call, final=True)
        agent_id = self.cast.agent(agent).id
        attempts = [a for a in entry.attempts if a.user_id == agent_id]
        problems = []
        if entry.status != "missed" or entry.answered_by is not None:
            problems.append(f"status {entry.status!r}, answered by {entry.answered_by!r}")
        if not attempts or any(a.registered for a in attempts):
            problems.append(f"attempts of {agent}: {attempts or 'none'}")
        if problems:
            raise ConformanceFailure(
                (),
                f"status missed within {LOG_TIMEOUT:g} s, and the answer by {agent} kept as an "
                "attempt that did not count (the customer was never connected)",
                "; ".join(problems),
            )
