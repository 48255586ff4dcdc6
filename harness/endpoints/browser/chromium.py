"""Debian's Chromium, driven by Playwright: one browser per microphone signature.

Chromium takes its fake microphone from a WAV file named on its command line
(``--use-file-for-fake-audio-capture``), so every context of one browser sends the same audio.
A browser agent must send her own signature (the customer proves she hears *that* agent), so the
harness keeps one browser per signature in each process, launched the first time an agent with
that signature opens the app, and gives each agent a context in the browser of her signature.
Signatures are handed out per scenario in order of first use, so a worker needs only as many
browsers as a scenario has parties with audio (two or three), each launched once per session.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright

from harness.media.tones import Signature
from harness.media.wav import write_wav

# The binary itself: the /usr/bin/chromium wrapper starts slower and prints a shell error.
CHROMIUM_BINARY = Path("/usr/lib/chromium/chromium")
# Headless as root on a machine without a display or a network beyond loopback.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# Grants every request for the microphone without asking; a browser launched without it asks
# instead, and headless Chromium, having no one to ask, refuses unless the context was granted
# the microphone (Playwright's context permissions). Measured with Chromium 150: with this
# flag (or ``=deny``) context permissions are ignored, both CDP ``Browser.setPermission`` and
# Playwright's ``grant_permissions``.
FAKE_PERMISSION_UI = "--use-fake-ui-for-media-stream"
# WebRTC with the reference on loopback: a fake microphone and camera that need no prompt,
# loopback ICE candidates (left out by default), real addresses rather than mDNS names (which
# would need a multicast query), audio that plays without a user gesture.
MEDIA_FLAGS = (
    "--use-fake-device-for-media-stream",
    FAKE_PERMISSION_UI,
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
)
MICROPHONE_RATE = 48_000
MICROPHONE_SECONDS = 1  # looped by Chromium; a whole number of 20 ms frames joins seamlessly
MICROPHONE_AMPLITUDE = 8000


def chromium_path() -> str:
    """Debian's Chromium binary, or a clear error naming how to get it."""
    if CHROMIUM_BINARY.exists():
        return str(CHROMIUM_BINARY)
    found = shutil.which("chromium")
    if found is None:
        raise RuntimeError(
            "chromium is not installed; './callproof run' installs Debian's chromium package"
        )
    return found


def microphone_wav(signature: Signature, folder: Path) -> Path:
    """A WAV of ``signature`` alone, for Chromium's fake microphone."""
    samples = signature.samples(
        MICROPHONE_RATE * MICROPHONE_SECONDS,
        amplitude=MICROPHONE_AMPLITUDE,
        sample_rate=MICROPHONE_RATE,
    )
    return write_wav(folder / f"signature-{signature.frequency_hz}.wav", samples, MICROPHONE_RATE)


@dataclass
class BrowserHost:
    """The Playwright driver and this process's browsers, one per microphone signature."""

    playwright: Playwright
    folder: Path
    browsers: dict[Signature, Browser] = field(default_factory=dict)
    plain: Browser | None = None  # pages that need no microphone (dashboard, web SDK)
    #: Browsers that ask before giving the microphone, one per signature (SG-ERR-1).
    asking: dict[Signature, Browser] = field(default_factory=dict)

    @classmethod
    async def launch(cls) -> BrowserHost:
        from playwright.async_api import expect

        expect.set_options(timeout=EXPECT_TIMEOUT_MS)
        driver = await async_playwright().start()
        return cls(driver, Path(tempfile.mkdtemp(prefix="callproof-microphones-")))

    async def browser_for(self, signature: Signature, *, asks_permission: bool = False) -> Browser:
        """The browser whose microphone sends ``signature`` (launched on first use).

        With ``asks_permission``, a browser that gives the microphone only to the contexts
        granted it (``BrowserContext.grant_permissions``), as a user's browser asks her first.
        """
        kept = self.asking if asks_permission else self.browsers
        found = kept.get(signature)
        if found is not None and found.is_connected():
            return found
        wav = microphone_wav(signature, self.folder)
        media = [f for f in MEDIA_FLAGS if not (asks_permission and f == FAKE_PERMISSION_UI)]
        browser = await self.playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[*CHROMIUM_FLAGS, *media, f"--use-file-for-fake-audio-capture={wav}"],
        )
        kept[signature] = browser
        return browser

    async def page_browser(self) -> Browser:
        """The browser for pages that need no microphone (launched on first use)."""
        if self.plain is None or not self.plain.is_connected():
            self.plain = await self.playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=list(CHROMIUM_FLAGS)
            )
        return self.plain

    async def app_window(self, signature: Signature, url: str) -> BrowserContext:
        """A browser of its own showing ``url`` in an app window (``--app``), as a desktop app
        built on the web app runs; its microphone sends ``signature``. Closing the context
        closes that browser."""
        wav = microphone_wav(signature, self.folder)
        profile = Path(tempfile.mkdtemp(prefix="callproof-desktop-app-", dir=self.folder))
        return await self.playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_path(),
            headless=True,
            args=[
                *CHROMIUM_FLAGS,
                *MEDIA_FLAGS,
                f"--use-file-for-fake-audio-capture={wav}",
                f"--app={url}",
            ],
        )

    def open_contexts(self) -> list[object]:
        """Every context any of the browsers has open."""
        every = [
            *self.browsers.values(),
            *self.asking.values(),
            *([self.plain] if self.plain else []),
        ]
        return [c for b in every for c in b.contexts]

    async def close(self) -> None:
        for browser in self.browsers.values():
            await browser.close()
        self.browsers.clear()
        for browser in self.asking.values():
            await browser.close()
        self.asking.clear()
        if self.plain is not None:
            await self.plain.close()
            self.plain = None
        await self.playwright.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


# Playwright's default is 5 s; a loaded 2-core machine starts a page slower than that.
EXPECT_TIMEOUT_MS = 10_000
