"""Transfer and Keypad in the agent app (AC-IN-7): what the agent does on the call's screen,
and what the customer then hears.

The app is driven through the adapter's page objects (``TransferringApp`` of the contract);
the customer's side is observed through the journal: the digits her phone detects in what it
receives, and the transfer's effects (see :mod:`harness.scenario.transfers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from harness.endpoints.events import DtmfHeard
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, WaitTimeout
from harness.scenario.calls import CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER, CapabilityMissing
from harness.scenario.desktop import DesktopAgents
from harness.scenario.transfers import TransferDesk, TransferRecord
from harness.sut.contract import TransferringApp

#: How long the customer may take to hear one key once the app showed it as sent.
KEY_TIMEOUT = 2.0


@dataclass
class AppTransfers:
    """The Transfer and Keypad actions of the scenario's agent apps."""

    flows: CallFlows
    agents: DesktopAgents
    transfers: TransferDesk
    keys_from: dict[str, int] = field(default_factory=dict)  # agent -> journal position

    def app(self, name: str) -> TransferringApp:
        """``name``'s agent app, with its Transfer and Keypad actions."""
        app = self.agents.calling_app(name)
        if not isinstance(app, TransferringApp):
            raise CapabilityMissing(
                "the agent app has no Transfer and Keypad (capability 'transfers')"
            )
        return app

    def targets(self, name: str) -> list[str]:
        """The transfer targets ``name``'s app offers now."""
        return self.flows.cast.portal.run(self.app(name).transfer_targets())

    def transfer(self, call: PlacedCall, name: str, target: str) -> None:
        """``name`` transfers ``call`` in her app to ``target`` (an agent of the cast)."""
        shown = self.flows.cast.agent(target).name
        record = TransferRecord(name, target, self.flows.journal.position)
        self.transfers.done.append(record)
        self.flows.cast.portal.run(self.app(name).transfer_to(shown))

    def press(self, name: str, digits: str) -> None:
        """``name`` presses ``digits`` on her app's keypad."""
        self.keys_from[name] = self.flows.journal.position
        self.flows.cast.portal.run(self.app(name).press_keys(digits))

    # -- verdicts ------------------------------------------------------------------------------
    def expect_offered(self, name: str, target: str, *, offered: bool = True) -> None:
        """``name``'s Transfer list offers ``target`` (as the SUT names it), or does not."""
        shown = self.targets(name)
        if (target in shown) != offered:
            wanted = "including" if offered else "without"
            raise ConformanceFailure(
                (),
                f"transfer targets {wanted} {target!r}",
                f"shown: {shown}",
            )

    def expect_customer_heard_keys(self, call: PlacedCall, name: str, digits: str) -> None:
        """The customer's phone detects ``digits``, in order, from what ``name`` pressed."""
        since = self.keys_from.get(name, call.dialled_at)
        heard: list[str] = []
        for _ in digits:
            match = Match(DtmfHeard, party=CUSTOMER, sip_call_id=call.sip_call_id)
            try:
                event = self.flows.journal.wait_for(match, KEY_TIMEOUT * len(digits), after=since)
            except WaitTimeout:
                break
            heard.append(event.digit)
            since = next(
                r.seq + 1
                for r in reversed(self.flows.journal.records(DtmfHeard))
                if r.event is event
            )
        if "".join(heard) != digits:
            raise ConformanceFailure(
                (),
                f"the customer hears the keys {digits!r} pressed in the app of {name}",
                f"heard {''.join(heard)!r}",
            )


@pytest.fixture
def app_transfers(
    flows: CallFlows, desktop_agents: DesktopAgents, transfers: TransferDesk
) -> AppTransfers:
    """Transfer and Keypad in the scenario's agent apps."""
    return AppTransfers(flows, desktop_agents, transfers)
