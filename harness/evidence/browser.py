"""What a failing browser scenario keeps of a user's browser context: a screenshot of each page,
the browser console when it was recorded, and the context's Playwright trace."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from pathlib import Path

import allure
from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from harness.evidence.collector import Evidence


async def keep_browser_evidence(
    evidence: Evidence,
    context: BrowserContext,
    *,
    prefix: str,
    what: str,
    to_allure: bool,
    console: Sequence[str] | None = None,
) -> list[Path]:
    """Write ``prefix``-N.png for each page, ``prefix``-console.txt (when ``console`` is given)
    and ``prefix``-trace.zip into the scenario's evidence folder; list them in the evidence and,
    with ``to_allure``, attach them. ``what`` names whose pages they are ("Alice's agent app")."""
    folder = evidence.directory
    folder.mkdir(parents=True, exist_ok=True)
    kept: list[Path] = []

    def keep(path: Path, title: str, kind: allure.attachment_type | None) -> None:
        evidence.files.append(path)
        kept.append(path)
        if not to_allure:
            return
        if kind is None:
            allure.attach.file(str(path), title, extension="zip")
        else:
            allure.attach.file(str(path), title, kind)

    for index, page in enumerate(context.pages):
        shot = folder / f"{prefix}-{index}.png"
        try:
            await page.screenshot(path=shot, full_page=True)
        except PlaywrightError:
            if not page.is_closed():
                raise
            continue  # a window that closed meanwhile (a call's detached toolbar): none to keep
        keep(shot, f"Screenshot of {what}", allure.attachment_type.PNG)
    if console is not None:
        lines = folder / f"{prefix}-console.txt"
        lines.write_text("\n".join(console) + "\n", encoding="utf-8")
        keep(lines, f"Browser console of {what}", allure.attachment_type.TEXT)
    trace = folder / f"{prefix}-trace.zip"
    await context.tracing.stop(path=trace)
    keep(trace, f"Playwright trace of {what} (npx playwright show-trace)", None)
    return kept


async def close_contexts(
    opened: MutableMapping[str, BrowserContext],
    keep: Callable[[str, BrowserContext], Awaitable[object]] | None,
) -> None:
    """Close each of the scenario's contexts (emptying ``opened``), calling ``keep`` first for
    the evidence of a failed scenario; otherwise the trace recorded in memory is dropped."""
    while opened:
        name, context = opened.popitem()
        try:
            if keep is not None:
                await keep(name, context)
            else:
                await context.tracing.stop()
        finally:
            await context.close()
