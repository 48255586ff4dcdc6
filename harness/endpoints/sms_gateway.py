"""The SMS gateway the harness runs for the SUT: a real HTTP server on loopback.

The SUT sends text messages through it and receives the customers' messages from it, the way a
contact center talks to a carrier's SMS API:

* **outbound**: the SUT posts ``POST {url}/messages`` with ``{"from", "to", "body",
  "media_urls"}`` (JSON); the gateway answers ``202 {"id": "sms_…"}``, records the message and
  puts an :class:`SmsSent` event in the scenario's journal;
* **inbound**: :meth:`SmsGateway.deliver` posts a customer's message to the SUT's webhook (the
  URL and signing secret the adapter gives) with the same JSON body, signed with
  ``X-Callproof-Signature: sha256=<hex HMAC-SHA256 of the body>``.

Fault modes, set at any time with :meth:`SmsGateway.fault`: ``refuse`` answers the SUT's sends
with ``503`` and records nothing; ``slow`` answers after a stated delay (the message is recorded
when it is answered); ``drop`` closes the connection without any answer. Every send the SUT
tried, accepted or not, is kept in :attr:`SmsGateway.attempts`.

The gateway is general: conversations of any kind (after-hours messages, agents' replies) can
use it.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from harness.runtime.journal import Event, Journal

SIGNATURE_HEADER = "X-Callproof-Signature"
MAX_BODY_CHARS = 1600  # ten concatenated SMS segments; a longer body is refused with a 400


@dataclass(frozen=True)
class Sms:
    """One text message: who from, who to, the text and the URLs of any media (MMS)."""

    from_number: str
    to_number: str
    body: str
    media_urls: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The JSON body both directions of the gateway carry."""
        return {
            "from": self.from_number,
            "to": self.to_number,
            "body": self.body,
            "media_urls": list(self.media_urls),
        }


@dataclass(frozen=True, kw_only=True)
class SmsSent(Event):
    """The SUT sent a message through the gateway and the gateway accepted it."""

    message_id: str
    from_number: str
    to_number: str
    body: str
    media_urls: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SmsRefused(Event):
    """The SUT tried to send a message and the gateway's fault mode turned it away."""

    mode: str
    to_number: str


class GatewayFault(enum.StrEnum):
    """How the gateway treats the SUT's sends."""

    NONE = "none"
    REFUSE = "refuse"  # 503 Service Unavailable
    SLOW = "slow"  # answer after a delay
    DROP = "drop"  # close the connection, no answer


class SmsRequestError(ValueError):
    """A send the gateway could not read; the message names the member."""


def parse_sms(data: Any) -> Sms:
    """The message in a JSON body of either direction, or :class:`SmsRequestError`."""
    if not isinstance(data, dict):
        raise SmsRequestError("body: must be a JSON object")
    unknown = sorted(set(data) - {"from", "to", "body", "media_urls"})
    if unknown:
        raise SmsRequestError(f"{unknown[0]}: unknown field")
    texts: dict[str, str] = {}
    for name in ("from", "to", "body"):
        value = data.get(name)
        if not isinstance(value, str):
            raise SmsRequestError(f"{name}: must be a string")
        texts[name] = value
    if not texts["to"].startswith("+") or not texts["to"][1:].isdigit():
        raise SmsRequestError("to: must be an E.164 number")
    if not texts["body"].strip() and not data.get("media_urls"):
        raise SmsRequestError("body: must not be empty without media")
    if len(texts["body"]) > MAX_BODY_CHARS:
        raise SmsRequestError(f"body: must be at most {MAX_BODY_CHARS} characters")
    media = data.get("media_urls", [])
    if not isinstance(media, list) or not all(isinstance(u, str) for u in media):
        raise SmsRequestError("media_urls: must be an array of strings")
    return Sms(texts["from"], texts["to"], texts["body"], tuple(media))


def signature(secret: str, body: bytes) -> str:
    """The value of :data:`SIGNATURE_HEADER` for ``body`` signed with ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class SmsGateway:
    """A running gateway: its URL, what the SUT sent through it, its fault mode."""

    journal: Journal | None
    name: str = "sms-gateway"
    sent: list[SmsSent] = field(default_factory=list)
    attempts: list[Sms] = field(default_factory=list)
    _fault: GatewayFault = GatewayFault.NONE
    _delay_s: float = 0.0
    _runner: web.AppRunner | None = None
    _url: str = ""
    _session: ClientSession | None = None

    @classmethod
    async def start(cls, journal: Journal | None = None, *, host: str = "127.0.0.1") -> SmsGateway:
        """A gateway listening on an ephemeral port of ``host`` (loopback)."""
        gateway = cls(journal)
        app = web.Application()
        app.router.add_post("/messages", gateway._receive)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, 0)
        await site.start()
        port = runner.addresses[0][1]
        gateway._runner = runner
        gateway._url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
        gateway._session = ClientSession(timeout=ClientTimeout(total=10))
        return gateway

    @property
    def url(self) -> str:
        """The base URL the SUT sends through (``POST {url}/messages``)."""
        return self._url

    def fault(self, mode: GatewayFault | str, *, delay_s: float = 2.0) -> None:
        """Treat the SUT's next sends as ``mode`` (``none`` to heal); ``delay_s`` for ``slow``."""
        self._fault = GatewayFault(mode)
        self._delay_s = delay_s

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            sms = parse_sms(json.loads(raw or b"null"))
        except (SmsRequestError, json.JSONDecodeError, UnicodeDecodeError) as error:
            return web.json_response({"error": str(error)}, status=400)
        self.attempts.append(sms)
        mode = self._fault
        if mode is GatewayFault.REFUSE:
            self._record(SmsRefused(party=self.name, mode=mode.value, to_number=sms.to_number))
            return web.json_response({"error": "service unavailable"}, status=503)
        if mode is GatewayFault.DROP:
            self._record(SmsRefused(party=self.name, mode=mode.value, to_number=sms.to_number))
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=204)  # never reaches the closed connection
        if mode is GatewayFault.SLOW:
            # The fault itself: a carrier that takes this long to answer.
            await asyncio.sleep(self._delay_s)
        event = SmsSent(
            party=self.name,
            message_id=f"sms_{secrets.token_hex(6)}",
            from_number=sms.from_number,
            to_number=sms.to_number,
            body=sms.body,
            media_urls=sms.media_urls,
        )
        self.sent.append(event)
        self._record(event)
        return web.json_response({"id": event.message_id}, status=202)

    def _record(self, event: Event) -> None:
        if self.journal is not None:
            self.journal.record(event)

    async def deliver(self, webhook_url: str, secret: str, sms: Sms) -> tuple[int, Any]:
        """Post a customer's message to the SUT's webhook, signed; returns (status, JSON body)."""
        assert self._session is not None, "gateway not started"
        raw = json.dumps(sms.as_json()).encode()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature(secret, raw)}
        async with self._session.post(webhook_url, data=raw, headers=headers) as resp:
            body = await resp.json(content_type=None) if resp.content_length != 0 else None
            return resp.status, body

    async def close(self) -> None:
        """Stop listening and close the client session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def leaks(self) -> list[str]:
        """Still listening after the scenario (H-REL-2 post-condition)."""
        return [f"SMS gateway still listening at {self._url}"] if self._runner is not None else []
