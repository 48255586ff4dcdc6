"""The reference's SMS: it sends through the gateway the account configured and receives the
messages the gateway posts to its webhook.

A send is one HTTP request to ``POST {gateway_url}/messages`` with ``{"from", "to", "body",
"media_urls"}``; the gateway's 2xx makes the message ``sent``, anything else (a 4xx or 5xx, a
closed connection, no answer within the account's ``timeout_s``) makes it ``failed`` with the
reason in ``detail``. Either way it is stored and published (``sms.sent`` or ``sms.failed``).

An inbound message is accepted only with a valid signature: ``X-Callproof-Signature:
sha256=<hex HMAC-SHA256 of the raw body with the webhook secret>`` (the secret is returned when
the gateway is configured). It is stored and published as ``sms.received``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from ..clock import iso_utc
from ..domain.distribution import validate_e164
from ..domain.errors import InvalidField
from ..domain.sms import (
    Delivery,
    Direction,
    SmsMessage,
    SmsSettings,
    validate_gateway_url,
    validate_message,
)
from ..service import ContactCenter
from .store import ConsumerStore

SIGNATURE_HEADER = "X-Callproof-Signature"
DEFAULT_TIMEOUT_S = 5.0
MIN_TIMEOUT_S, MAX_TIMEOUT_S = 0.1, 30.0

# Called with (account_id, message) after an inbound message is stored: the after-hours reply.
InboundHook = Callable[[str, SmsMessage], Awaitable[None]]


class BadSignature(Exception):
    """An inbound message whose signature is missing or wrong (or no gateway is set)."""


class SmsService:
    """Sending, receiving and listing an account's text messages."""

    def __init__(self, center: ContactCenter, store: ConsumerStore) -> None:
        self._center = center
        self._store = store
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[str, float] = {}
        self.inbound_hooks: list[InboundHook] = []

    def configured(self, account_id: str) -> SmsSettings | None:
        """The account's gateway settings, if it set them."""
        return self._store.sms_settings(account_id)

    def timeout_s(self, account_id: str) -> float:
        """How long a send waits for the gateway's answer."""
        stored = self._store.consumer_settings(account_id) or {}
        return float(stored.get("sms_timeout_s", DEFAULT_TIMEOUT_S))

    def configure(
        self, account_id: str, gateway_url: str, number: str, timeout_s: float | None
    ) -> SmsSettings:
        """Set where the account's messages go and its number; the webhook secret is kept."""
        url = validate_gateway_url(gateway_url)
        validate_e164(number, "number")
        if timeout_s is not None and not MIN_TIMEOUT_S <= timeout_s <= MAX_TIMEOUT_S:
            raise InvalidField(
                "timeout_s", f"must be from {MIN_TIMEOUT_S} to {MAX_TIMEOUT_S} seconds"
            )
        previous = self._store.sms_settings(account_id)
        secret = previous.webhook_secret if previous else secrets.token_urlsafe(24)
        settings = SmsSettings(url, number, secret)
        with self._center.store.transaction():
            self._store.save_sms_settings(account_id, settings)
            stored = self._store.consumer_settings(account_id) or {}
            stored["sms_timeout_s"] = DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s
            self._store.save_consumer_settings(account_id, stored)
        return settings

    def messages(self, account_id: str) -> list[SmsMessage]:
        """The account's messages in and out, oldest first."""
        return self._store.sms_messages(account_id)

    async def send(
        self,
        account_id: str,
        to: str,
        body: str,
        media_urls: tuple[str, ...] = (),
        *,
        reason: str = "agent",
        sender: str | None = None,
    ) -> SmsMessage:
        """Send one message through the account's gateway; stored whatever the outcome.

        ``sender`` is the number it goes out from (a line's); by default the account's."""
        to, body, media_urls = validate_message(to, body, media_urls)
        settings = self.configured(account_id)
        if settings is None:
            status, detail = Delivery.FAILED, "no SMS gateway is configured for this account"
            sender = sender or ""
        else:
            sender = sender or settings.number
            payload = {"from": sender, "to": to, "body": body, "media_urls": list(media_urls)}
            timeout = self.timeout_s(account_id)
            status, detail = await self._post(settings.gateway_url, payload, timeout)
        message = SmsMessage(
            id=f"sms_{secrets.token_hex(8)}",
            account_id=account_id,
            direction=Direction.OUTBOUND,
            from_number=sender,
            to_number=to,
            body=body,
            media_urls=media_urls,
            status=status,
            at=iso_utc(self._center.clock.now(account_id)),
            detail=detail,
            reason=reason,
        )
        self._store.insert_sms(message)
        self._publish(message)
        return message

    async def _post(
        self, gateway_url: str, payload: dict[str, Any], timeout_s: float
    ) -> tuple[Delivery, str]:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=timeout_s)
        try:
            async with self._session.post(
                f"{gateway_url}/messages", json=payload, timeout=timeout
            ) as resp:
                text = await resp.text()
                if 200 <= resp.status < 300:
                    return Delivery.SENT, ""
                return Delivery.FAILED, f"the gateway answered {resp.status}: {text[:200]}"
        except TimeoutError:
            return Delivery.FAILED, f"the gateway did not answer within {timeout_s:g} s"
        except aiohttp.ClientError as error:
            return Delivery.FAILED, f"the gateway could not be reached: {error or type(error)}"

    async def receive(self, account_id: str, raw: bytes, signature: str) -> SmsMessage:
        """Store a message the gateway posted, after checking its signature."""
        settings = self._store.sms_settings(account_id)
        if settings is None:
            raise BadSignature("no SMS gateway is configured for this account")
        expected = (
            "sha256=" + hmac.new(settings.webhook_secret.encode(), raw, hashlib.sha256).hexdigest()
        )
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise BadSignature(f"{SIGNATURE_HEADER} is missing or does not match the body")
        data = _inbound_fields(raw)
        message = SmsMessage(
            id=f"sms_{secrets.token_hex(8)}",
            account_id=account_id,
            direction=Direction.INBOUND,
            from_number=data["from"],
            to_number=data["to"],
            body=data["body"],
            media_urls=data["media_urls"],
            status=Delivery.RECEIVED,
            at=iso_utc(self._center.clock.now(account_id)),
        )
        self._store.insert_sms(message)
        self._publish(message)
        for hook in self.inbound_hooks:
            await hook(account_id, message)
        return message

    def _publish(self, message: SmsMessage) -> None:
        kind = {
            Delivery.RECEIVED: "sms.received",
            Delivery.SENT: "sms.sent",
            Delivery.FAILED: "sms.failed",
        }[message.status]
        event = {"type": kind, "at": message.at, **shape(message)}
        self._center.bus.publish(message.account_id, event)

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._session is not None:
            await self._session.close()
            self._session = None


def _inbound_fields(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidField("body", "must be JSON") from None
    if not isinstance(data, dict):
        raise InvalidField("body", "must be a JSON object")
    for name in data:
        if name not in ("from", "to", "body", "media_urls"):
            raise InvalidField(name, "unknown field")
    for name in ("from", "to", "body"):
        if not isinstance(data.get(name), str):
            raise InvalidField(name, "must be a string")
    media = data.get("media_urls", [])
    if not isinstance(media, list) or not all(isinstance(u, str) for u in media):
        raise InvalidField("media_urls", "must be an array of strings")
    validate_e164(data["from"], "from")
    validate_message(data["to"], data["body"], tuple(media))
    return {**data, "media_urls": tuple(media)}


def shape(message: SmsMessage) -> dict[str, Any]:
    """A message as the API and the event stream show it."""
    return {
        "id": message.id,
        "direction": message.direction.value,
        "from": message.from_number,
        "to": message.to_number,
        "body": message.body,
        "media_urls": list(message.media_urls),
        "status": message.status.value,
        "detail": message.detail,
        "reason": message.reason,
        "at": message.at,
    }


__all__ = ["BadSignature", "SmsService", "shape"]
