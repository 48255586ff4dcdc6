"""Admins and managers at the dashboard in a real browser: the remedies of AC-ANS-6 and
AC-ANS-7 done the way an admin does them, bad input refused on the page, the call log read
back against the SUT's own records.

The browser is the one of :mod:`harness.scenario.desktop` (one per pytest process); every
dashboard user gets a browser context of its own, closed by the scenario's cleanup, which keeps
a screenshot and a Playwright trace when the scenario failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from playwright.async_api import BrowserContext

from harness.endpoints.events import PhoneRinging
from harness.errors import ConformanceFailure
from harness.evidence.attach import has_allure_result
from harness.evidence.browser import close_contexts, keep_browser_evidence
from harness.runtime.journal import Match, UnexpectedEvent
from harness.scenario.calls import CallFlows
from harness.scenario.cast import CapabilityMissing, Cast
from harness.scenario.desktop import BrowserHost, slug_name
from harness.sut.contract import Dashboard, DashboardSite
from harness.sut.model import Distribution, EditOutcome, MemberType


@dataclass
class DashboardUsers:
    """The scenario's admins and managers at the dashboard, one browser context each."""

    cast: Cast
    host: BrowserHost
    failed: Callable[[], bool] = lambda: False
    to_allure: bool = False
    pages: dict[str, Dashboard] = field(default_factory=dict)
    contexts: dict[str, BrowserContext] = field(default_factory=dict)
    opened: dict[str, BrowserContext] = field(default_factory=dict)  # not closed yet
    #: What the page said after the last edit each user tried.
    outcomes: dict[str, EditOutcome] = field(default_factory=dict)
    #: The SUT's records before an edit that must change nothing, by "number" or "team" name.
    before: dict[str, Distribution | list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cast.cleanup.push("dashboard browser contexts", self.close)
        self.cast.cleanup.check("dashboard browser contexts", self.leaks)

    @property
    def site(self) -> DashboardSite:
        found = getattr(self.cast.tenant, "dashboard", None)
        if found is None:
            raise CapabilityMissing("this adapter lacks the capability 'dashboard'")
        site: DashboardSite = found
        return site

    def page(self, name: str) -> Dashboard:
        """The dashboard ``name`` opened in this scenario."""
        if name not in self.pages:
            raise LookupError(f"{name} has not opened the dashboard in this scenario")
        return self.pages[name]

    # -- signing in ----------------------------------------------------------------------------
    async def _open(self, name: str) -> Dashboard:
        context = await (await self.host.page_browser()).new_context()
        self.contexts[name] = context
        self.opened[name] = context
        # Recorded in memory; written to the evidence folder only if the scenario fails.
        await context.tracing.start(screenshots=True, snapshots=True)
        page = await self.site.open_dashboard(context)
        self.pages[name] = page
        return page

    def sign_in(self, name: str, role: str) -> None:
        """A new user ``name`` with ``role`` opens the dashboard and signs in as herself."""
        user = self.cast.add_agent(name, role=role)

        async def go() -> str:
            page = await self._open(name)
            await page.sign_in(await self.site.sign_in_secret(user))
            return await page.signed_in_as()

        shown = self.cast.portal.run(go())
        if shown != user.name:
            raise AssertionError(f"the dashboard of {name} shows {shown!r} signed in")

    def try_sign_in(self, name: str, role: str) -> None:
        """A new user ``name`` with ``role`` tries to sign in; the page must refuse her."""
        user = self.cast.add_agent(name, role=role)

        async def go() -> str:
            page = await self._open(name)
            await page.sign_in(await self.site.sign_in_secret(user))
            return await page.refusal()

        self.outcomes[name] = EditOutcome(False, self.cast.portal.run(go()))

    def expire_sessions(self) -> None:
        """The dashboard sessions signed in so far reach the end of their lifetime."""
        self.cast.portal.run(self.site.expire_sessions())

    # -- the Ring to widget and team membership --------------------------------------------------
    def member_name(self, member_type: MemberType, name: str) -> str:
        """The name the SUT holds for the scenario's user or team ``name``."""
        return self.cast.agent(name).name if member_type == "user" else self.cast.team(name).name

    def open_distribution(self, who: str, number: str) -> None:
        """``who`` opens Numbers > ``number`` > Call distribution and leaves it open."""
        self.cast.portal.run(self.page(who).open_distribution(self.cast.number(number)))

    def edit_ring_to(
        self,
        who: str,
        action: str,
        member_type: MemberType,
        member: str,
        number: str,
        widget: int,
        *,
        navigate: bool = True,
    ) -> EditOutcome:
        """``who`` adds or removes a member, on Numbers > ``number`` > Call distribution opened
        now (``navigate``) or on the page she already has open, whatever it shows by now."""
        page, shown = self.page(who), self.member_name(member_type, member)

        async def go() -> EditOutcome:
            if navigate:
                await page.open_distribution(self.cast.number(number))
            if action == "add":
                return await page.add_to_ring_to(shown, widget=widget)
            return await page.remove_from_ring_to(shown, widget=widget)

        outcome = self.cast.portal.run(go())
        self.outcomes[who] = outcome
        return outcome

    def change_ring_to(
        self, who: str, action: str, member_type: MemberType, member: str, number: str, widget: int
    ) -> None:
        """An edit that must succeed, and the page then lists the widget as the SUT has it."""
        outcome = self.edit_ring_to(who, action, member_type, member, number, widget)
        if not outcome.done:
            raise ConformanceFailure(
                (), f"the dashboard to {action} {member} in the Ring to widget", outcome.message
            )
        listed = self.cast.portal.run(self.page(who).ring_to_members(widget))
        shown = self.member_name(member_type, member)
        if (shown in listed) != (action == "add"):
            raise ConformanceFailure(
                (),
                f"{member} {'listed' if action == 'add' else 'no longer listed'} in the widget",
                f"the page lists {listed}",
            )

    def open_team(self, who: str, team: str) -> None:
        """``who`` opens Users & teams > ``team`` and leaves it open."""
        self.cast.portal.run(self.page(who).open_team(self.cast.team(team)))

    def edit_team(
        self, who: str, action: str, agent: str, team: str, *, navigate: bool = True
    ) -> EditOutcome:
        """``who`` adds or removes ``agent`` on Users & teams > ``team`` opened now
        (``navigate``) or on the team page she already has open."""
        page, shown = self.page(who), self.cast.agent(agent).name

        async def go() -> EditOutcome:
            if navigate:
                await page.open_team(self.cast.team(team))
            if action == "add":
                return await page.add_to_team(shown)
            return await page.remove_from_team(shown)

        outcome = self.cast.portal.run(go())
        self.outcomes[who] = outcome
        return outcome

    def change_team(self, who: str, action: str, agent: str, team: str) -> None:
        """A team edit that must succeed, and the page then lists the team as the SUT has it."""
        outcome = self.edit_team(who, action, agent, team)
        if not outcome.done:
            raise ConformanceFailure((), f"the dashboard to {action} {agent}", outcome.message)
        listed = self.cast.portal.run(self.page(who).team_members())
        if (self.cast.agent(agent).name in listed) != (action == "add"):
            raise ConformanceFailure(
                (), f"the team page to show the {action}", f"it lists {listed}"
            )

    def save_ring_time(self, who: str, number: str, seconds: int) -> None:
        """``who`` opens the call distribution of ``number`` and saves a ring time of
        ``seconds`` for its first widget; the page must say it was saved."""
        self.open_distribution(who, number)
        outcome = self.set_ring_time(who, seconds)
        if not outcome.done:
            raise ConformanceFailure(
                (), f"the dashboard to save a ring time of {seconds} s", outcome.message
            )

    def set_ring_time(self, who: str, seconds: int) -> EditOutcome:
        """``who`` types ``seconds`` as the ring time of the first widget on the open page."""
        outcome = self.cast.portal.run(self.page(who).set_ring_time(seconds))
        self.outcomes[who] = outcome
        return outcome

    # -- nothing changes -----------------------------------------------------------------------
    def remember(self, number: str | None = None, team: str | None = None) -> None:
        """Keep the SUT's records of ``number`` and ``team`` before an edit that must not land."""
        directory = self.cast.directory
        if number is not None:
            self.before[number] = self.cast.portal.run(
                directory.distribution(self.cast.number(number))
            )
        if team is not None:
            self.before[team] = self.cast.portal.run(directory.team_members(self.cast.team(team)))

    def expect_unchanged(self) -> None:
        """Every record remembered is what the SUT still holds."""
        if not self.before:
            raise LookupError("nothing was remembered before the edit")
        directory = self.cast.directory
        for name, was in self.before.items():
            if isinstance(was, Distribution):
                now: Distribution | list[str] = self.cast.portal.run(
                    directory.distribution(self.cast.number(name))
                )
            else:
                now = self.cast.portal.run(directory.team_members(self.cast.team(name)))
            if now != was:
                raise ConformanceFailure((), f"{name} unchanged: {was}", f"{now}")

    def expect_refused(self, who: str, words: str) -> None:
        """The last edit of ``who`` was refused with a message containing ``words``."""
        outcome = self.outcomes.get(who)
        if outcome is None:
            raise LookupError(f"{who} has tried no edit in the dashboard")
        if outcome.done or words.lower() not in outcome.message.lower():
            raise ConformanceFailure(
                (),
                f"the dashboard to refuse saying {words!r}",
                f"{'done' if outcome.done else 'refused'}: {outcome.message!r}",
            )

    def expect_ring_time_shown(self, who: str, seconds: int) -> None:
        """The page of ``who`` shows the ring time the SUT stores, ``seconds``."""
        shown = self.cast.portal.run(self.page(who).ring_time())
        if shown != seconds:
            raise ConformanceFailure((), f"a ring time of {seconds} s shown", f"{shown} s")

    def expect_nobody_assigned(self, who: str, number: str) -> None:
        """The distribution page of ``number`` says its calls ring nobody, and lists nobody."""
        page = self.page(who)

        async def go() -> tuple[bool, list[str]]:
            await page.open_distribution(self.cast.number(number))
            return await page.nobody_assigned(), await page.ring_to_members()

        says, listed = self.cast.portal.run(go())
        if not says or listed:
            raise ConformanceFailure(
                (),
                f"the dashboard to say that {number} rings nobody",
                f"{'a' if says else 'no'} notice that it rings nobody; members listed: {listed}",
            )

    # -- the call log ------------------------------------------------------------------------
    def expect_call_log_matches(self, who: str, flows: CallFlows) -> None:
        """Every call of the scenario is in the dashboard's call log with the status and the
        timeline the SUT's records (its API) give it."""
        if not flows.placed:
            raise LookupError("no call has been placed in this scenario")
        page = self.page(who)
        rows = {row.call_id: row.status for row in self.cast.portal.run(page.call_log())}
        for call in flows.placed:
            # Earlier steps waited for each call to end; the record is read afresh here.
            entry = self.cast.portal.run(self.cast.observation.call(flows.sut_call_id(call)))
            if not entry.is_final:
                raise LookupError(f"call {entry.call_id} has not ended yet")
            if rows.get(entry.call_id) != entry.status:
                raise ConformanceFailure(
                    (),
                    f"call {entry.call_id} in the dashboard's call log as {entry.status}",
                    f"shown as {rows.get(entry.call_id, 'absent')} (rows: {rows})",
                )
            shown = self.cast.portal.run(page.call_timeline(entry.call_id))
            wanted = [(t.at, t.text) for t in entry.timeline]
            if [(s.at, s.text) for s in shown] != wanted:
                raise ConformanceFailure(
                    (),
                    f"the timeline of {entry.call_id} as the SUT records it: {wanted}",
                    f"the page shows {[(s.at, s.text) for s in shown]}",
                )

    # -- cleanup and evidence -------------------------------------------------------------------
    async def close(self) -> None:
        """Close every context of the scenario, keeping evidence first if it failed."""
        keep = self.failed()
        await close_contexts(self.opened, self._keep_evidence if keep else None)

    async def _keep_evidence(self, name: str, context: BrowserContext) -> None:
        await keep_browser_evidence(
            self.cast.evidence, context, prefix=f"dashboard-{slug_name(name)}",
            what=f"{name}'s dashboard", to_allure=self.to_allure,
        )  # fmt: skip

    def leaks(self) -> list[str]:
        """The scenario's contexts the browser still has open (H-REL-2 post-condition)."""
        open_now = self.host.open_contexts()
        still = [c for c in self.contexts.values() if c in open_now]
        return [f"{len(still)} dashboard browser context(s) still open"] if still else []


def expect_no_phone_rings(flows: CallFlows, within: float) -> None:
    """No agent's phone rang for the last call, from the dial until ``within`` s from now
    (AC-IN-1: a number with nobody assigned rings no agent)."""
    call = flows.last
    try:
        flows.cast.journal.expect_absent(Match(PhoneRinging), within=within, after=call.dialled_at)
    except UnexpectedEvent as rang:
        raise ConformanceFailure(
            (), "no agent's phone to ring for a number with nobody assigned", str(rang)
        ) from None


@pytest.fixture
def dashboard_users(
    request: pytest.FixtureRequest, cast: Cast, browser_host: BrowserHost
) -> DashboardUsers:
    """The scenario's admins and managers at the dashboard; a failing scenario keeps their
    screenshots and Playwright traces in its evidence folder."""

    def failed() -> bool:
        return any(
            (report := getattr(request.node, f"rep_{when}", None)) is not None and report.failed
            for when in ("setup", "call")
        )

    return DashboardUsers(cast, browser_host, failed, has_allure_result(request.node))
