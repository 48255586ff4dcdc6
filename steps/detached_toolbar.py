"""Steps for the desktop app's detached call toolbar (AC-IN-13); each calls one method of
:class:`harness.scenario.detached_toolbar.DetachedToolbars`."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from harness.scenario.detached_toolbar import DetachedToolbars


def _actions(text: str) -> list[str]:
    return [a.strip() for a in text.replace(" and ", ", ").split(",") if a.strip()]


@then(
    parsers.parse(
        'the desktop app of "{name}" shows the call in a detached toolbar window with {actions}'
    )
)
def detached_window(detached_toolbars: DetachedToolbars, name: str, actions: str) -> None:
    detached_toolbars.expect_window(name, _actions(actions))


@when(parsers.parse('"{name}" mutes her microphone in the detached toolbar window'))
def mutes_there(detached_toolbars: DetachedToolbars, name: str) -> None:
    detached_toolbars.mute(name)


@when(parsers.parse('"{name}" clicks the detached toolbar window to return to the call'))
def back_from_window(detached_toolbars: DetachedToolbars, name: str) -> None:
    detached_toolbars.back_to_call(name)


@when(parsers.parse('"{name}" hangs up in the detached toolbar window'))
def hangs_up_there(detached_toolbars: DetachedToolbars, name: str) -> None:
    detached_toolbars.hang_up(name)


@then(parsers.parse('the detached toolbar window of "{name}" has closed'))
def window_closed(detached_toolbars: DetachedToolbars, name: str) -> None:
    detached_toolbars.expect_closed(name)


@then(
    parsers.parse(
        'the detached toolbar window of "{name}" closes by itself, leaving no Hold to click '
        "on the ended call"
    )
)
def no_hold_after_end(detached_toolbars: DetachedToolbars, name: str) -> None:
    detached_toolbars.expect_no_hold_after_end(name)


@then(
    parsers.re(
        r'the detached toolbar window of "(?P<name>[^"]+)" opens the insight card of '
        r'"(?P<customer>[^"]+)"$'
    )
)
def window_insight(detached_toolbars: DetachedToolbars, name: str, customer: str) -> None:
    detached_toolbars.expect_insight(name, customer)
