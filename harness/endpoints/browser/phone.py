"""A browser agent as a phone: the agent app's ringing pop-up rings, its Accept answers.

What the agent sees and hears goes into the journal exactly as a SIP phone's would, so the call
steps work unchanged for either kind of agent:

- each new ringing pop-up is a :class:`PhoneRinging` whose ``sip_call_id`` is the pop-up's key
  (the agent's leg of the call, as a SIP phone's leg is its INVITE's Call-ID);
- clicking Accept is an :class:`AnswerSent`;
- the audio tap (``audio_tap.js``, installed in the agent's browser context) reports every
  signature the page hears on its WebRTC audio as :class:`AudioHeard` / :class:`AudioLost`, with
  the latency measured on the page's own clock from the moment before Accept was clicked.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from harness.endpoints.events import AnswerSent, AudioHeard, AudioLost, HoldChanged, PhoneRinging
from harness.endpoints.stage import Stage
from harness.media.tones import SIGNATURE_FREQUENCIES_HZ, Signature
from harness.runtime.journal import Event
from harness.sut.contract import CallingApp, RingingCall

TAP_SCRIPT = Path(__file__).with_name("audio_tap.js")
TAP_BINDING = "__callproofAudio"
NOTIFICATIONS_SCRIPT = Path(__file__).with_name("notifications.js")
NOTIFICATIONS_BINDING = "__callproofNotification"


@dataclass(frozen=True, kw_only=True)
class NotificationShown(Event):
    """A page of ``party``'s browser showed a notification (Notification API)."""

    tag: str
    title: str
    body: str
    hidden: bool  # the page was not visible (a tab in the background, a minimised window)


@dataclass(frozen=True, kw_only=True)
class NotificationClosed(Event):
    """The page withdrew its notification ``tag`` (the call it announced is over)."""

    tag: str


def tap_script() -> str:
    """The audio tap, listening for every signature of the table."""
    return TAP_SCRIPT.read_text(encoding="utf-8").replace(
        "__FREQUENCIES__", json.dumps(list(SIGNATURE_FREQUENCIES_HZ))
    )


class BrowserPhone:
    """``name``'s agent app in one browser context, seen as her phone."""

    def __init__(
        self, name: str, stage: Stage, app: CallingApp, page_clock: Callable[[], Awaitable[float]]
    ) -> None:
        self.name = name
        self.stage = stage
        self.app = app
        self._page_clock = page_clock
        self.offers: dict[str, RingingCall] = {}
        self.active: str | None = None  # the key of the call accepted last
        self._accepted_at: dict[str, float] = {}  # key -> page time (ms) before the click
        self._answering: set[str] = set()  # keys whose Accept is being clicked now
        self._last_click: Callable[[], Awaitable[float | None]] | None = None
        self._watcher: asyncio.Task[None] | None = None
        self.failure: BaseException | None = None

    @classmethod
    async def install(cls, context: BrowserContext, name: str, stage: Stage) -> BrowserPhone:
        """Put the audio tap into ``context`` before its first page loads; the phone is bound
        to its app with :meth:`attach` once the app is open."""
        phone = cls(name, stage, _Unattached(), _no_clock)
        await context.expose_binding(TAP_BINDING, phone._on_audio)
        await context.add_init_script(script=tap_script())
        await context.expose_binding(NOTIFICATIONS_BINDING, phone._on_notification)
        await context.add_init_script(path=NOTIFICATIONS_SCRIPT)
        # Granting replaces the flags' blanket grant: the microphone is named again.
        await context.grant_permissions(["notifications", "microphone"])
        return phone

    def attach(
        self,
        app: CallingApp,
        page_clock: Callable[[], Awaitable[float]],
        last_click: Callable[[], Awaitable[float | None]] | None = None,
    ) -> None:
        """Start watching ``app`` for ringing pop-ups; ``page_clock`` reads the page's clock,
        ``last_click`` when the page last saw a person's click on it (the audio tap keeps it)."""
        self.app = app
        self._page_clock = page_clock
        self._last_click = last_click
        self._watcher = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        seen: set[str] = set()
        try:
            while True:
                ringing = await self.app.wait_ringing(seen)
                seen.add(ringing.key)
                self.offers[ringing.key] = ringing
                self.stage.journal.record(
                    PhoneRinging(
                        party=self.name,
                        sip_call_id=ringing.key,
                        from_uri=f"tel:{ringing.caller_number}",
                    )
                )
        except PlaywrightError as exc:  # the page closed: nothing more rings here
            self.failure = exc

    async def answer(self, key: str | None = None) -> str:
        """Accept the call of pop-up ``key`` (default: the last one that rang).

        The :class:`AnswerSent` record comes a round trip or two after the click, by when the
        contact center may have connected the call and the customer heard the agent: it
        carries the click's time on the journal's clock (``answered_at``).
        """
        if key is None:
            if not self.offers:
                raise LookupError(f"the agent app of {self.name} is not ringing")
            key = list(self.offers)[-1]
        asked = self.stage.journal.clock()
        before = await self._page_clock()
        self._accepted_at[key] = before
        self.active = key
        self._answering.add(key)
        try:
            await self.app.accept(key)
            # The answer is the click itself, as a phone's is its 200 OK; not the page object's
            # checks before it (tens of milliseconds on a loaded machine).
            clicked = await self._last_click() if self._last_click is not None else None
        finally:
            self._answering.discard(key)
        since_before = 0.0
        if clicked is not None and clicked >= before:
            self._accepted_at[key] = clicked
            since_before = (clicked - before) / 1000
        # ``asked`` precedes the page's reading of ``before`` by at most that reading's round
        # trip: the click's time is never placed after the click, so audio is never judged
        # earlier than it came.
        answered_at = asked + since_before
        self.stage.journal.record(
            AnswerSent(party=self.name, sip_call_id=key, answered_at=answered_at)
        )
        return key

    async def placed(self, key: str) -> None:
        """The app placed the call ``key`` (an outbound call): what the page hears from now on
        is on that call, its latency counted from now."""
        self._accepted_at[key] = await self._page_clock()
        self.active = key

    async def answer_from_notification(
        self, key: str, click: Callable[[str], Awaitable[bool]]
    ) -> None:
        """Accept the call of ``key`` by clicking its notification (``click`` does that)."""
        asked = self.stage.journal.clock()
        self._accepted_at[key] = await self._page_clock()
        self.active = key
        if not await click(key):
            raise LookupError(f"no notification of {self.name} for {key}")
        self.stage.journal.record(AnswerSent(party=self.name, sip_call_id=key, answered_at=asked))

    async def _on_notification(self, _source: Any, report: dict[str, Any]) -> None:
        if report.get("event") == "closed":
            self.stage.journal.record(
                NotificationClosed(party=self.name, tag=str(report.get("tag", "")))
            )
            return
        self.stage.journal.record(
            NotificationShown(
                party=self.name,
                tag=str(report.get("tag", "")),
                title=str(report.get("title", "")),
                body=str(report.get("body", "")),
                hidden=bool(report.get("hidden")),
            )
        )

    async def reject(self, key: str) -> None:
        """Click reject on the pop-up of ``key``."""
        await self.app.reject(key)

    async def hold(self, key: str, *, held: bool = True) -> None:
        """Put the call on hold in the app, or take it back."""
        await self.app.set_held(held)
        self.stage.journal.record(HoldChanged(party=self.name, sip_call_id=key, held=held))

    async def hangup(self, key: str) -> None:
        """Hang up the call in the app."""
        await self.app.hang_up()

    async def _on_audio(self, _source: Any, report: dict[str, Any]) -> None:
        key = self.active
        if key is None or report.get("event") not in ("heard", "lost"):
            return
        heard = self.stage.whose(Signature(int(report["hz"])))
        if report["event"] == "heard":
            accepted = self._accepted_at[key]
            click = report.get("click")
            if key in self._answering and isinstance(click, int | float) and click >= accepted:
                # Heard before answer() learnt when the click was: the page's own record of
                # the click says it (otherwise the page object's checks before the click
                # would count as the audio's latency).
                accepted = float(click)
            latency = float(report["at"]) - accepted
            self.stage.journal.record(
                AudioHeard(party=self.name, sip_call_id=key, heard=heard, latency_ms=latency)
            )
        else:
            self.stage.journal.record(AudioLost(party=self.name, sip_call_id=key, heard=heard))

    def leaks(self) -> list[str]:
        return []

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher


class _Unattached:
    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("the browser phone is not attached to an agent app yet")


async def _no_clock() -> float:
    raise RuntimeError("the browser phone is not attached to an agent app yet")
