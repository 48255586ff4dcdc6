"""The desktop app's detached call toolbar (AC-IN-13, desktop variant).

In the desktop app, navigating away from the call opens a window of its own that keeps the call
under control (Mute, Hold, Hang up), shows who is on it, leads back to it and closes with it.
The audio stays in the app's main window, so what an action in the detached window does is
checked by ear, with the same checks as the main window's buttons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from harness.endpoints.events import CallEnded
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, UnexpectedEvent, WaitTimeout
from harness.scenario.cast import CUSTOMER, CapabilityMissing
from harness.scenario.incoming import IncomingCalls
from harness.sut.contract import DetachedToolbar, DetachedToolbarApp
from harness.sut.events import SutEvent

# How long the customer's phone may take to see the end of a call the agent hung up.
ENDED_TIMEOUT_S = 5.0


@dataclass
class DetachedToolbars:
    """The detached toolbar windows of the scenario's desktop apps."""

    incoming: IncomingCalls
    windows: dict[str, DetachedToolbar] = field(default_factory=dict)

    def _app(self, name: str) -> DetachedToolbarApp:
        app = self.incoming.agents.app(name)
        if not isinstance(app, DetachedToolbarApp):
            raise CapabilityMissing(f"the desktop app of {name} has no detached call toolbar")
        return app

    def window(self, name: str) -> DetachedToolbar:
        """The detached toolbar window ``name``'s desktop app opened (waits for it)."""
        if name not in self.windows or self.windows[name].is_closed():
            portal = self.incoming.flows.cast.portal
            try:
                self.windows[name] = portal.run(self._app(name).detached_toolbar())
            except AssertionError as exc:
                raise ConformanceFailure(
                    (), f"a detached call toolbar window in {name}'s desktop app", str(exc)
                ) from None
        return self.windows[name]

    def expect_window(self, name: str, actions: list[str]) -> None:
        """``name``'s desktop app shows the call in a detached window (caller, line, running
        time) with ``actions``, and no toolbar inside its own window."""
        cast = self.incoming.flows.cast
        window = self.window(name)
        shown = cast.portal.run(window.shown())
        number = cast.number(self.incoming.flows.last.number)
        problems = []
        if cast.customer.number not in shown.caller:
            problems.append(f"caller {shown.caller!r}, not {cast.customer.number}")
        if number.name not in shown.line or number.e164 not in shown.line:
            problems.append(f"line {shown.line!r}, not {number.name} ({number.e164})")
        if shown.running_s < 0:
            problems.append(f"a running time of {shown.running_s} s")
        missing = [a for a in actions if a not in shown.actions]
        if missing:
            problems.append(f"no {', '.join(missing)} among {', '.join(shown.actions)}")
        if cast.portal.run(self._app(name).in_page_toolbar_shown()):
            problems.append("the app's own window shows the in-page toolbar as well")
        if problems:
            wanted = f"a detached toolbar window with the call and {', '.join(actions)}"
            raise ConformanceFailure((), wanted, "; ".join(problems))

    def expect_insight(self, name: str, customer: str) -> None:
        """From the detached window, ``name`` opens the caller's CRM insight card."""
        try:
            card = self.incoming.flows.cast.portal.run(self.window(name).insight())
        except AssertionError as exc:  # a web-first assertion: no card to open in time
            first = str(exc).splitlines()[0] if str(exc) else "nothing"
            raise ConformanceFailure(
                (),
                f"the insight card of {customer} from the detached toolbar window",
                f"no Insight card button in the window ({first})",
            ) from None
        if card.get("Name") != customer:
            raise ConformanceFailure(
                (), f"the insight card of {customer} from the detached toolbar window", str(card)
            )

    def mute(self, name: str) -> None:
        """``name`` mutes her microphone from the detached window (position kept for the
        hearing check, as for the main window's Mute)."""
        self.incoming.muted_at = self.incoming.flows.cast.journal.position
        self.incoming.flows.cast.portal.run(self.window(name).set_muted(True))

    def back_to_call(self, name: str) -> None:
        """``name`` clicks the detached window: the app shows the call, the window closes."""
        self._acting(name, "clicking the detached window leads back to the call", "back")

    def hang_up(self, name: str) -> None:
        """``name`` hangs up from the detached window: the window closes, the app's main window
        shows no call, and the customer's phone sees the call end."""
        flows = self.incoming.flows
        since = flows.cast.journal.position
        self._acting(name, "Hang up in the detached window ends the call", "hang up")
        ended = Match(CallEnded, party=CUSTOMER, sip_call_id=flows.last.sip_call_id)
        try:
            flows.cast.journal.wait_for(ended, ENDED_TIMEOUT_S, after=since)
        except WaitTimeout:
            raise ConformanceFailure(
                (), "Hang up in the detached window ends the call", "the call goes on"
            ) from None

    def _acting(self, name: str, wanted: str, action: str) -> None:
        window = self.window(name)
        act = window.back_to_call() if action == "back" else window.hang_up()
        try:
            self.incoming.flows.cast.portal.run(act)
        except AssertionError as exc:
            first = str(exc).splitlines()[0] if str(exc) else "nothing happened"
            raise ConformanceFailure((), wanted, first) from None

    def expect_closed(self, name: str) -> None:
        """``name``'s detached window has closed by itself (it may already have)."""
        window = self.windows.get(name)
        if window is None:
            raise LookupError(f"no detached toolbar window of {name} was seen in this scenario")
        try:
            self.incoming.flows.cast.portal.run(window.wait_closed())
        except AssertionError as exc:
            raise ConformanceFailure((), "the detached toolbar window closed", str(exc)) from None

    def expect_no_hold_after_end(self, name: str) -> None:
        """The caller hung up: ``name``'s detached window has closed, so there is no Hold left
        to click, and the contact center never put the call on hold."""
        self.expect_closed(name)
        flows = self.incoming.flows
        held = Match(SutEvent, kind="call.held", call_id=flows.sut_call_id(flows.last))
        try:
            flows.cast.journal.expect_absent(held, within=0.5, after=flows.last.dialled_at)
        except UnexpectedEvent:
            raise ConformanceFailure(
                (), "a call that ended is not put on hold", "the call was put on hold"
            ) from None


@pytest.fixture
def detached_toolbars(incoming_calls: IncomingCalls) -> DetachedToolbars:
    """The scenario's desktop apps' detached call toolbars."""
    return DetachedToolbars(incoming_calls)
