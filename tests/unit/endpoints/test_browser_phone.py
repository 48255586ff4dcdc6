"""The browser phone's answer and what its page reports hearing, with a page stand-in that
reports audio while Accept is still being clicked (no browser)."""

from __future__ import annotations

import asyncio
from typing import cast

from harness.endpoints.browser.phone import BrowserPhone
from harness.endpoints.events import AnswerSent, AudioHeard
from harness.endpoints.stage import Stage
from harness.media.transport import MediaClock
from harness.runtime.journal import Journal
from harness.scenario.cast import CUSTOMER
from harness.sut.contract import CallingApp

BEFORE_MS = 1000.0  # the page's clock when the harness starts answering
CLICK_MS = 1300.0  # the click on Accept, after the page object's checks
HEARD_MS = 1350.0  # the page hears the customer, before the click's round trip returns


class RacingApp:
    """An agent app whose page hears the customer before the click on Accept returns."""

    def __init__(self) -> None:
        self.phone: BrowserPhone | None = None

    async def wait_ringing(self, seen: set[str]) -> None:
        await asyncio.Event().wait()  # nothing rings: the phone is answered by key

    async def accept(self, key: str) -> None:
        assert self.phone is not None
        hz = self.phone.stage.signature(CUSTOMER).frequency_hz
        report = {"event": "heard", "hz": hz, "at": HEARD_MS, "click": CLICK_MS}
        await self.phone._on_audio(None, report)


def test_audio_heard_while_accept_is_clicked_counts_from_the_click() -> None:
    async def scenario() -> tuple[list[AudioHeard], list[AnswerSent]]:
        now = [50.0]
        journal = Journal(clock=lambda: now[0])
        stage = Stage(journal, MediaClock())
        stage.signature(CUSTOMER)
        app = RacingApp()
        phone = BrowserPhone("Dora", stage, cast(CallingApp, app), _no_clock)
        app.phone = phone

        async def page_clock() -> float:
            return BEFORE_MS

        async def last_click() -> float | None:
            now[0] = 50.4  # the click's time comes back a round trip later
            return CLICK_MS

        phone.attach(cast(CallingApp, app), page_clock, last_click)
        try:
            await phone.answer("app-1")
        finally:
            await phone.close()
        return journal.events(AudioHeard), journal.events(AnswerSent)

    heard, answers = asyncio.run(scenario())
    # From the click, not from before the page object's checks (which would say 350 ms).
    assert [h.latency_ms for h in heard] == [HEARD_MS - CLICK_MS]
    # The answer is placed at the click on the journal's clock: 300 ms after the harness
    # asked the page its time, although its record comes later.
    assert len(answers) == 1
    assert answers[0].answered_at is not None
    assert abs(answers[0].answered_at - 50.3) < 1e-9


async def _no_clock() -> float:
    raise AssertionError("the page clock is given by attach")
