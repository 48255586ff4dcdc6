"""The answer URL the harness runs for the SUT: a real HTTP server on loopback.

Before it connects an outbound call, the SUT asks its answer URL how to (``POST`` with the
call's details). This server answers ``200 {"action": "connect"}``, and records each request as
an :class:`AnswerUrlAsked` in the scenario's journal.

Fault modes, set at any time with :meth:`AnswerUrl.fault`: ``error`` answers ``500``,
``garbage`` answers 200 with a body that is not JSON, ``down`` stops listening (connections are
refused); ``none`` heals ``error`` and ``garbage`` (a server that is down stays down).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from aiohttp import web

from harness.runtime.journal import Event, Journal


@dataclass(frozen=True, kw_only=True)
class AnswerUrlAsked(Event):
    """The SUT asked the answer URL about the call ``call_id``; ``status`` is what it got."""

    call_id: str
    status: int


class AnswerUrlFault(enum.StrEnum):
    """How the answer URL treats the SUT's requests."""

    NONE = "none"
    ERROR = "error"
    GARBAGE = "garbage"
    DOWN = "down"


@dataclass
class AnswerUrl:
    """An answer URL on an ephemeral loopback port; :meth:`start`, then :meth:`close`."""

    journal: Journal | None = None
    name: str = "answer-url"
    _fault: AnswerUrlFault = AnswerUrlFault.NONE
    _runner: web.AppRunner | None = None
    _url: str = ""

    @classmethod
    async def start(cls, journal: Journal | None = None, *, host: str = "127.0.0.1") -> AnswerUrl:
        """An answer URL listening on an ephemeral port of ``host`` (loopback)."""
        server = cls(journal)
        app = web.Application()
        app.router.add_post("/answer", server._answer)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, host, 0)
        await site.start()
        server._runner = runner
        where = host if ":" not in host else f"[{host}]"
        server._url = f"http://{where}:{runner.addresses[0][1]}/answer"
        return server

    @property
    def url(self) -> str:
        """The URL the SUT is configured with."""
        return self._url

    async def fault(self, mode: AnswerUrlFault | str) -> None:
        """Treat the SUT's next requests as ``mode``."""
        self._fault = AnswerUrlFault(mode)
        if self._fault is AnswerUrlFault.DOWN:
            await self._stop()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        try:
            data = await request.json()
        except ValueError:
            data = {}
        call_id = str(data.get("call_id", "")) if isinstance(data, dict) else ""
        if self._fault is AnswerUrlFault.ERROR:
            response = web.json_response({"error": "the answer URL failed"}, status=500)
        elif self._fault is AnswerUrlFault.GARBAGE:
            response = web.Response(text="<html>not an answer</html>", content_type="text/html")
        else:
            response = web.json_response({"action": "connect", "call_id": call_id})
        if self.journal is not None:
            self.journal.record(
                AnswerUrlAsked(party=self.name, call_id=call_id, status=response.status)
            )
        return response

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def close(self) -> None:
        """Stop listening."""
        await self._stop()

    def leaks(self) -> list[str]:
        """Still listening after the scenario (H-REL-2 post-condition)."""
        return [f"answer URL still listening at {self._url}"] if self._runner is not None else []
