"""The reference's ``lifecycle`` capability: an instance one scenario owns, kills and restarts.

Crashing the shared reference would break every other scenario running beside it, so a
crash scenario starts its own reference process on a data directory of its own. ``kill`` sends
SIGKILL to that process by PID and waits for its exit; ``restart`` starts it again on the same
data directory, the same HTTP and SIP ports and the same admin token, as a service manager
would, so the accounts, tokens and SIP addresses the scenario already holds stay valid.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

import aiohttp

from harness.sut.reference_adapter import ReferenceTenant, _Api
from harness.sut.reference_process import ReferenceAddress, ReferenceProcess, SutUnavailable

__all__ = ["OwnReference", "ReferenceLifecycle"]


class ReferenceLifecycle:
    """Hands out references that one scenario owns."""

    async def start_own(self) -> OwnReference:
        own = OwnReference()
        try:
            await own.start()
        except BaseException:
            await own.stop()
            raise
        return own


class OwnReference:
    """One reference process on its own temporary data directory."""

    name = "reference"
    # Call saves are committed GROUP_COMMIT_DELAY (50 ms) after the first of their group; the
    # rest of the window allows for the event loop running that commit late under load.
    commit_window_s = 0.25

    def __init__(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="callproof-own-reference-"))
        self._process: ReferenceProcess | None = None
        self._address: ReferenceAddress | None = None
        self._session: aiohttp.ClientSession | None = None
        self._admin: _Api | None = None
        self._sip: tuple[str, int] | None = None

    @property
    def pid(self) -> int | None:
        """The process ID while it runs."""
        return self._process.pid if self._process is not None else None

    async def start(self) -> None:
        """Start the process on ephemeral loopback ports."""
        await self._launch(0, 0, None)
        # No keep-alive: a pooled connection to a killed process would fail the first
        # request after the restart.
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(force_close=True),
            timeout=aiohttp.ClientTimeout(total=15),
        )
        assert self._address is not None
        self._admin = _Api(self._session, self._address.http_url, self._address.admin_token)
        info = await self._admin.request("GET", "/info")
        self._sip = (info["sip"]["host"], int(info["sip"]["port"]))

    async def _launch(self, http_port: int, sip_port: int, token: str | None) -> None:
        process = ReferenceProcess(data_dir=self.data_dir)
        self._process = process
        self._address = await asyncio.to_thread(
            process.start, http_port=http_port, sip_port=sip_port, admin_token=token
        )

    async def open_tenant(self, label: str) -> ReferenceTenant:
        """A new account on this instance."""
        if self._admin is None or self._session is None or self._sip is None:
            raise SutUnavailable("the scenario's own reference is not running")
        assert self._address is not None
        data = await self._admin.request("POST", "/accounts", {"name": label})
        api = _Api(self._session, self._address.http_url, data["token"])
        return ReferenceTenant(label, str(data["id"]), api, self._admin, self._sip)

    async def kill(self) -> None:
        """SIGKILL the process and wait until it has exited."""
        if self._process is None:
            raise SutUnavailable("the scenario's own reference is not running")
        await asyncio.to_thread(self._process.kill)
        self._process = None

    async def restart(self) -> None:
        """Start it again on the same data, ports and token; returns once its API answers."""
        if self._process is not None:
            raise RuntimeError("the scenario's own reference is still running: kill it first")
        if self._address is None or self._sip is None:
            raise SutUnavailable("the scenario's own reference never started")
        port = int(self._address.http_url.rsplit(":", 1)[1])
        await self._launch(port, self._sip[1], self._address.admin_token)
        assert self._admin is not None
        await self._admin.request("GET", "/info")

    async def stop(self) -> None:
        """Stop the process cleanly (if it runs), close the HTTP session, remove the data."""
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._process is not None:
            await asyncio.to_thread(self._process.stop)
            self._process = None
        await asyncio.to_thread(shutil.rmtree, self.data_dir, True)
