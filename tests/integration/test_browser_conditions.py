"""The agent's browser as SG-ERR-1, 6 and 14 need it: a browser that asks before giving the
microphone, and Chrome's automatic page translation played on the page's DOM."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Page, expect

from harness.endpoints.browser.translation import is_translated, show_original, translate_page
from harness.scenario.cast import Cast
from harness.scenario.desktop import BrowserHost, DesktopAgents

ASK_FOR_MICROPHONE = """
navigator.mediaDevices.getUserMedia({audio: true}).then(
  (stream) => { stream.getTracks().forEach((track) => track.stop()); return "given"; },
  (error) => error.name)
"""


def _signed_in(cast: Cast, agents: DesktopAgents, name: str) -> Page:
    cast.add_agent(name)
    agents.sign_in(name)
    agents.expect_signed_in(name)
    return agents.contexts[name].pages[0]


async def _without_microphone(context: BrowserContext, page: Page) -> str:
    await context.clear_permissions()
    return str(await page.evaluate(ASK_FOR_MICROPHONE))


def test_a_browser_that_asks_gives_the_microphone_only_once_allowed(
    cast: Cast, browser_host: BrowserHost
) -> None:
    agents = DesktopAgents(cast, browser_host)
    agents.asked_for_microphone.add("Alice")
    asking = _signed_in(cast, agents, "Alice")
    usual = _signed_in(cast, agents, "Bob")
    alice, bob = agents.contexts["Alice"], agents.contexts["Bob"]

    # The usual browser grants every request, whatever the context's permissions say.
    assert cast.portal.run(_without_microphone(bob, usual)) == "given"
    assert cast.portal.run(_without_microphone(alice, asking)) == "NotAllowedError"
    cast.portal.run(alice.grant_permissions(["microphone"]))
    assert cast.portal.run(asking.evaluate(ASK_FOR_MICROPHONE)) == "given"
    cast.portal.run(agents.close())
    assert agents.leaks() == []


def test_translation_rewrites_the_page_as_chrome_does_and_showing_the_original_undoes_it(
    cast: Cast, browser_host: BrowserHost
) -> None:
    agents = DesktopAgents(cast, browser_host)
    page = _signed_in(cast, agents, "Alice")
    body = "document.body.innerHTML"
    before = cast.portal.run(page.evaluate(body))

    cast.portal.run(translate_page(page, {"New call": "Cuộc gọi mới"}))

    assert cast.portal.run(is_translated(page))
    assert cast.portal.run(page.evaluate("document.documentElement.lang")) == "vi"
    heading = page.get_by_role("heading", name="Cuộc gọi mới")
    assert cast.portal.run(heading.locator("font > font").inner_text()) == "Cuộc gọi mới"
    # Text the page writes while translated is translated too, as it appears.
    cast.portal.run(page.evaluate("say('New call refused')"))
    message = page.get_by_role("alert", name="Call message").locator("font > font")
    cast.portal.run(expect(message).to_have_text("Cuộc gọi mới refused"))
    cast.portal.run(page.evaluate("say('')"))

    cast.portal.run(show_original(page))

    assert not cast.portal.run(is_translated(page))
    assert cast.portal.run(page.evaluate("document.documentElement.lang")) == "en"
    assert cast.portal.run(page.evaluate(body)) == before
    cast.portal.run(agents.close())


def test_a_page_is_translated_once_and_shown_original_only_when_translated(
    cast: Cast, browser_host: BrowserHost
) -> None:
    agents = DesktopAgents(cast, browser_host)
    page = _signed_in(cast, agents, "Alice")
    with pytest.raises(RuntimeError, match="not translated"):
        cast.portal.run(show_original(page))
    with pytest.raises(ValueError, match="must not be empty"):
        cast.portal.run(translate_page(page, {" ": "x"}))
    cast.portal.run(translate_page(page, {}))
    with pytest.raises(RuntimeError, match="translated already"):
        cast.portal.run(translate_page(page, {}))
    cast.portal.run(agents.close())
