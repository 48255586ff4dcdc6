"""Incoming calls in the agent app (seed 003): the ringing pop-up, accept, reject, the call view.

The browser agent's pop-up rings into the journal like a phone (see
:mod:`harness.endpoints.browser.phone`), so ringing, answering and hearing use
:class:`~harness.scenario.calls.CallFlows`; this module adds what only a screen shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from harness.endpoints.browser.phone import NotificationClosed, NotificationShown
from harness.endpoints.events import AudioLost
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, UnexpectedEvent, WaitTimeout
from harness.scenario.calls import RING_SETTLE, RING_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER, CapabilityMissing
from harness.scenario.desktop import DesktopAgents
from harness.sut.contract import Conversation, RingingCall
from harness.sut.events import SutEvent


@dataclass
class IncomingCalls:
    """What the scenario's browser agents see of incoming calls."""

    flows: CallFlows
    agents: DesktopAgents
    muted_at: int = 0
    clicked_at: int = 0
    notices: dict[str, NotificationShown] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)

    def add_agent(self, name: str, device: str) -> None:
        """An agent who takes calls on ``device``: ``SIP phone`` or ``browser``."""
        if device == "SIP phone":
            self.flows.cast.add_agent_with_phone(name)
        elif device == "browser":
            self.flows.cast.add_agent(name)
            self.agents.sign_in(name)
            self.agents.expect_signed_in(name)
        elif device == "the desktop app":
            self.flows.cast.add_agent(name)
            self.agents.open_desktop_app(name)
        else:
            raise ValueError(
                f"an agent's device is 'SIP phone', 'browser' or 'the desktop app', not {device!r}"
            )

    def add_device(self, agent: str, device: str) -> None:
        """``agent`` also signs in to the app on a second device, called ``device``."""
        self.agents.sign_in(device, as_agent=agent)
        shown = self.flows.cast.portal.run(self.agents.app(device).signed_in_as())
        if shown != self.flows.cast.agent(agent).name:
            raise AssertionError(f"the second device shows {shown!r} signed in")

    def popup(self, name: str, call: PlacedCall | None = None) -> RingingCall:
        """The pop-up that rang ``name``'s app for ``call`` (default: the last call)."""
        call = call or self.flows.last
        key = call.agent_legs.get(name) or self.flows.wait_ringing(call, name, RING_TIMEOUT)
        phone = self.agents.phone(name)
        return phone.offers[key]

    def expect_popup(self, name: str, caller: bool, line: bool) -> RingingCall:
        """``name``'s pop-up names the caller's number and the line of the number called."""
        shown = self.popup(name)
        call = self.flows.last
        problems = []
        if caller:
            number = self.flows.cast.customer.number
            if shown.caller_number != number:
                problems.append(f"caller {shown.caller_number!r}, not the customer's {number}")
        if line:
            sut_number = self.flows.cast.number(call.number)
            if sut_number.e164 not in shown.line or sut_number.name not in shown.line:
                problems.append(f"line {shown.line!r} does not name {sut_number.name}")
        if problems:
            raise ConformanceFailure(
                (), "a pop-up with the caller and the line", "; ".join(problems)
            )
        return shown

    def expect_ivr_branch(self, name: str, branch: str | None) -> None:
        """``name``'s pop-up names ``branch`` as the last IVR branch chosen (None: no branch)."""
        shown = self.popup(name).ivr_branch
        wanted = f"the IVR branch {branch!r}" if branch else "no IVR branch"
        # The scenario's queues are named with its prefix in the SUT (see RoutingAdmin).
        sut_name = f"{branch} {self.flows.cast.ids.prefix}" if branch else ""
        if shown != sut_name:
            raise ConformanceFailure(
                (), f"a pop-up showing {wanted}", f"IVR branch {shown!r}" if shown else "none"
            )

    def expect_actions(self, name: str, wanted: dict[str, str]) -> None:
        """The pop-up offers each action of ``wanted`` in its colour ("" for no colour)."""
        shown = self.popup(name)
        problems = []
        for action, colour in wanted.items():
            if action not in shown.actions:
                problems.append(f"no {action!r} button (buttons: {', '.join(shown.actions)})")
            elif colour and shown.actions[action] != colour:
                problems.append(f"{action!r} is {shown.actions[action] or 'not coloured'}")
        if problems:
            raise ConformanceFailure((), "the pop-up's actions", "; ".join(problems))

    def no_popup(self, name: str) -> None:
        """``name``'s app did not ring for the last call."""
        self.flows.rings_absent(self.flows.last, name, within=RING_SETTLE)

    def reject(self, name: str) -> None:
        """``name`` clicks the red button of the last call's pop-up."""
        key = self.popup(name).key
        self.flows.cast.portal.run(self.agents.phone(name).reject(key))

    def expect_message(self, name: str, words: str) -> None:
        """``name``'s app shows a message about calls that contains ``words``."""
        app = self.agents.calling_app(name)
        message = self.flows.cast.portal.run(app.call_message())
        if words not in message:
            raise ConformanceFailure((), f"a message saying {words!r}", repr(message))

    def expect_in_call_actions(self, name: str, wanted: list[str]) -> None:
        """``name``'s in-call view offers every action of ``wanted``."""
        shown = self.flows.cast.portal.run(self.agents.calling_app(name).in_call_actions())
        missing = [a for a in wanted if a not in shown]
        if missing:
            raise ConformanceFailure(
                (), f"in-call actions {', '.join(wanted)}", f"shown: {', '.join(shown)}"
            )

    def hang_up(self, name: str) -> None:
        """``name`` hangs up in the app."""
        self.flows.cast.portal.run(self.agents.calling_app(name).hang_up())

    def mute(self, name: str) -> None:
        """``name`` mutes her microphone in the app (the position is kept for the check)."""
        self.muted_at = self.flows.cast.journal.position
        self.flows.cast.portal.run(self.agents.calling_app(name).set_muted(True))

    def expect_muted(self, name: str, bound_ms: int) -> None:
        """The customer stops hearing ``name`` within ``bound_ms`` of the mute, while ``name``
        still hears the customer."""
        call, journal = self.flows.last, self.flows.cast.journal
        lost = Match(AudioLost, party=CUSTOMER, heard=name, sip_call_id=call.sip_call_id)
        try:
            journal.wait_for(lost, bound_ms / 1000, after=self.muted_at)
        except WaitTimeout:
            raise ConformanceFailure(
                (),
                f"the customer no longer hears {name} within {bound_ms} ms",
                "the customer still hears her",
            ) from None
        deaf = Match(AudioLost, party=name, heard=CUSTOMER)
        try:
            journal.expect_absent(deaf, within=0.5, after=self.muted_at)
        except UnexpectedEvent:
            raise ConformanceFailure(
                (), f"{name} still hears the customer while muted", "she lost him"
            ) from None

    def go_to(self, name: str, view: str) -> None:
        """``name`` navigates within the app to ``view``."""
        self.flows.cast.portal.run(self.agents.calling_app(name).go_to(view))

    def expect_toolbar(self, name: str, where: str, actions: list[str]) -> None:
        """Away from the call, ``name``'s app shows the call toolbar at ``where`` with
        ``actions``."""
        wanted = f"a call toolbar at the {where} with {', '.join(actions)}"
        try:
            shown, at = self.flows.cast.portal.run(self.agents.calling_app(name).toolbar())
        except AssertionError as exc:  # a web-first assertion: no toolbar in time
            first = str(exc).splitlines()[0] if str(exc) else "nothing"
            raise ConformanceFailure((), wanted, f"no toolbar shown ({first})") from None
        missing = [a for a in actions if a not in shown]
        if missing or at != where:
            raise ConformanceFailure(
                (),
                wanted,
                f"a toolbar at the {at or 'unknown place'} with {', '.join(shown) or 'nothing'}",
            )

    def back_to_call(self, name: str) -> None:
        """``name`` clicks the call toolbar; the call's view is back."""
        self.flows.cast.portal.run(self.agents.calling_app(name).back_to_call())

    def enable_notifications(self, name: str) -> None:
        """``name`` turns on browser notifications in her app."""
        self.flows.cast.portal.run(self.agents.calling_app(name).enable_notifications())

    def notification(self, name: str) -> NotificationShown:
        """The notification ``name``'s browser showed for the last call."""
        try:
            return self.flows.cast.journal.wait_for(
                Match(NotificationShown, party=name), RING_TIMEOUT, after=self.flows.last.dialled_at
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"a browser notification for {name}", "none within 10 s"
            ) from None

    def expect_notification(self, name: str) -> None:
        """``name`` gets a notification naming the caller and the line.

        Whether the page was in the background is recorded with it, but headless Chromium
        reports every page visible, so that part cannot be checked here.
        """
        notice = self.notification(name)
        self.notices[name] = notice
        call = self.flows.last
        number = self.flows.cast.number(call.number)
        problems = []
        if self.flows.cast.customer.number not in notice.body:
            problems.append(f"it does not name the caller: {notice.title!r} {notice.body!r}")
        if number.name not in notice.body:
            problems.append(f"it does not name the line: {notice.body!r}")
        if problems:
            raise ConformanceFailure((), "a notification of the call", "; ".join(problems))

    def accept_from_notification(self, name: str) -> None:
        """``name`` accepts the last call by clicking its notification."""
        call = self.flows.last
        notice = self.notices.get(name) or self.notification(name)
        call.agent_legs[name] = notice.tag
        if call.answered_at is None:
            call.answered_at = self.flows.cast.journal.position
        phone = self.agents.phone(name)
        clicking = phone.answer_from_notification(
            notice.tag, lambda tag: self.agents.click_notification(name, tag)
        )
        self.flows.cast.portal.run(clicking)
        call.answered_by.append(name)

    def open_conversation(self, name: str) -> None:
        """``name`` opens the conversation from the last call's pop-up."""
        key = self.popup(name).key
        app = self.agents.calling_app(name)
        self.conversations[name] = self.flows.cast.portal.run(app.open_conversation(key))

    def expect_conversation(self, name: str) -> None:
        """The conversation ``name`` opened names the customer's number and the line, and
        offers Assign, Call and Close conversation."""
        shown = self.conversations[name]
        cast = self.flows.cast
        number = cast.number(self.flows.last.number)
        problems = []
        if cast.customer.number not in shown.customer:
            problems.append(f"customer {shown.customer!r}, not {cast.customer.number}")
        if number.name not in shown.line or number.e164 not in shown.line:
            problems.append(f"line {shown.line!r}, not {number.name} ({number.e164})")
        missing = [a for a in ("Assign", "Call", "Close conversation") if a not in shown.actions]
        if missing:
            problems.append(f"no {', '.join(missing)} among {', '.join(shown.actions)}")
        if problems:
            raise ConformanceFailure((), "the conversation's header", "; ".join(problems))

    def expect_earlier_calls(self, name: str, count: int, status: str) -> None:
        """The conversation lists ``count`` earlier voice calls, each with ``status``."""
        history = self.conversations[name].history
        calls = [line for line in history if line.startswith("Voice call")]
        wrong = [line for line in calls if status.lower() not in line.lower()]
        if len(calls) != count or wrong:
            raise ConformanceFailure(
                (),
                f"{count} earlier voice call(s), {status}",
                "; ".join(history) or "an empty history",
            )

    def click_notification(self, name: str) -> None:
        """``name`` clicks the notification of the last call (and nothing else)."""
        notice = self.notices.get(name) or self.notification(name)
        self.clicked_at = self.flows.cast.journal.position
        if not self.flows.cast.portal.run(self.agents.click_notification(name, notice.tag)):
            raise ConformanceFailure((), "the notification still shown", "it was gone")

    def click_withdrawn_notification(self, name: str) -> None:
        """``name`` clicks the notification of the last call just as the app withdraws it."""
        notice = self.notices.get(name) or self.notification(name)
        self.clicked_at = self.flows.cast.journal.position
        clicking = self.agents.click_notification(name, notice.tag, late=True)
        if not self.flows.cast.portal.run(clicking):
            raise ConformanceFailure((), "a withdrawn notification to click", "none was withdrawn")

    def expect_not_answered(self, name: str) -> None:
        """The click answered nothing: the SUT does not log the call answered for a second."""
        call_id = self.flows.sut_call_id(self.flows.last)
        answered = Match(SutEvent, kind="call.answered", call_id=call_id)
        try:
            self.flows.cast.journal.expect_absent(answered, within=1.0, after=self.clicked_at)
        except UnexpectedEvent:
            raise ConformanceFailure(
                (),
                f"the click on the notification to bring up {name}'s app only",
                "it answered the call",
            ) from None

    def set_plan(self, plan: str, ai_addon: bool) -> None:
        """The admin puts the account on ``plan``, with or without the AI add-on."""
        plans = getattr(self.flows.cast.tenant, "plans", None)
        if plans is None:
            raise CapabilityMissing("this adapter lacks the capability 'plans'")
        self.flows.cast.portal.run(plans.set_plan(plan, ai_addon=ai_addon))

    def expect_conversation_part(self, name: str, part: str, shown: bool) -> None:
        """The conversation ``name`` opened has ``part`` (an action or a snapshot part) or not."""
        conversation = self.conversations[name]
        present = part in conversation.actions or part in conversation.snapshot
        if present != shown:
            parts = ", ".join(conversation.actions + conversation.snapshot)
            raise ConformanceFailure(
                (), f"{part} {'shown' if shown else 'not shown'}", f"the conversation has {parts}"
            )

    def expect_notification_withdrawn(self, name: str) -> None:
        """The notification of the last call is withdrawn from ``name``'s screen."""
        notice = self.notices.get(name) or self.notification(name)
        try:
            self.flows.cast.journal.wait_for(
                Match(NotificationClosed, party=name, tag=notice.tag),
                RING_TIMEOUT,
                after=self.flows.last.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), "the notification of the ended call withdrawn", "it is still shown"
            ) from None


@pytest.fixture
def incoming_calls(flows: CallFlows, desktop_agents: DesktopAgents) -> IncomingCalls:
    """Incoming calls as the scenario's browser agents see them."""
    return IncomingCalls(flows, desktop_agents)
