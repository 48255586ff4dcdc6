"""What an agent's browser does to the calls she places in the agent app (seed 002, SG-ERR-1,
6, 14): a microphone she has not allowed, an automatic page translation she has on.

Both are the browser's, not the contact center's: the harness sets them up in the agent's own
browser context (:mod:`harness.endpoints.browser`) and places the calls through
:class:`~harness.scenario.app_outbound.AppDialler`, so the app is driven only through the
``desktop`` capability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from playwright.async_api import Page

from harness.endpoints.browser.translation import show_original, translate_page
from harness.scenario.app_outbound import AppDialler
from harness.scenario.desktop import DesktopAgents

MICROPHONE = "microphone"
KEPT_PERMISSIONS = ["notifications"]


@dataclass
class AgentBrowsers:
    """The agents' browsers as the scenario set them: permissions and translation."""

    app_dialler: AppDialler
    desktop: DesktopAgents

    def refuse_microphone(self, agent: str) -> None:
        """``agent`` opens the app in a browser that asks before giving the microphone, and
        she has not allowed it: every request for it is refused."""
        if agent in self.desktop.apps:
            raise ValueError(
                f"{agent} has opened the agent app already: her browser's microphone permission"
                " is set before she opens it"
            )
        desktop, cast = self.desktop, self.desktop.cast
        desktop.asked_for_microphone.add(agent)
        app = desktop.open(agent)
        context = desktop.contexts[agent]

        async def sign_in_without_microphone() -> None:
            # Opening the app grants its context what the harness's phone needs (the
            # microphone among it); she keeps only the notifications.
            await context.clear_permissions()
            await context.grant_permissions(KEPT_PERMISSIONS)
            await app.sign_in(await desktop.desktop.sign_in_secret(cast.agent(agent)))

        cast.portal.run(sign_in_without_microphone())
        desktop.expect_signed_in(agent)

    def allow_microphone(self, agent: str) -> None:
        """``agent`` follows the permission guide: she allows the app's site the microphone."""
        if agent not in self.desktop.asked_for_microphone:
            raise ValueError(f"{agent}'s browser gives the microphone without asking already")
        context = self.desktop.contexts[agent]
        self.desktop.cast.portal.run(context.grant_permissions([MICROPHONE]))

    def translate(self, agent: str, glossary: Mapping[str, str]) -> None:
        """``agent``'s browser translates her signed-in app automatically, with ``glossary``."""
        self.app_dialler.app(agent)
        self.desktop.cast.portal.run(translate_page(self._page(agent), glossary))

    def stop_translating(self, agent: str) -> None:
        """``agent`` turns automatic translation off: the app shows as it wrote itself."""
        self.desktop.cast.portal.run(show_original(self._page(agent)))

    def expect_refused(self, code: str, fix: str) -> None:
        """The app showed ``code`` and its ``fix``; nothing was dialled, no ticket made."""
        self.app_dialler.expect_refused(code, fix)

    def _page(self, agent: str) -> Page:
        context = self.desktop.contexts.get(agent)
        if context is None or not context.pages:
            raise LookupError(f"{agent} has no agent app open in this scenario")
        return context.pages[0]


@pytest.fixture
def agent_browsers(app_dialler: AppDialler, desktop_agents: DesktopAgents) -> AgentBrowsers:
    """The scenario's agents' browsers: permissions and translation."""
    return AgentBrowsers(app_dialler, desktop_agents)
