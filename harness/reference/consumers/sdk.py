"""The reference's consumer SDKs (web and mobile) and web chat, after hours and within them.

A consumer app opens a session with the account's SDK key, on one queue and channel, telling
the app's version and the device type if it likes; everything else is asked with the session's
token. What the SDK shows (CC-AH-4) follows the queue's hours on the session's channel, the
account's call deflection (Settings > Call), the consumer settings and, on mobile, the queue's
own override (CC-AH-15). A scheduled call must take one of the offered slots (CC-AH-5); a
voicemail goes to the queue's agents (CC-AH-8). A chat started after hours with chat
deflection on is deflected to email or gets the email in its body (CC-AH-11).

An inbound SMS on the account's SMS queue, closed by its hours, gets the queue's after-hours
SMS override sent back through the gateway (CC-AH-16).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..clock import iso_utc
from ..domain.consumer_deflection import (
    SDK_CHANNELS,
    ConsumerSettings,
    MobileOverride,
    QueueState,
    SdkContext,
    Shown,
    chat_after_hours,
    check_app_field,
    check_override_channel,
    mobile_override_from_json,
    parse_mobile_override,
    parse_settings,
    parse_sms_override,
    settings_from_json,
    shown_options,
)
from ..domain.distribution import validate_e164
from ..domain.errors import Conflict, InvalidField
from ..domain.hours import Channel, parse_language
from ..domain.sms import SmsMessage
from ..domain.voicemail import recipients
from ..service import ContactCenter
from .sms import SmsService
from .store import ConsumerRequest, ConsumerSession, ConsumerStore

SLOT_MINUTES = 30
SLOT_HORIZON = timedelta(days=7)
MAX_SLOTS = 16
KEY_FIELD = "sdk_key"
SMS_QUEUE_FIELD = "sms_queue_id"


class SessionRefused(Exception):
    """A consumer request without a valid SDK key or session token."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class OpenedSession:
    """A new session and its token (returned once)."""

    session: ConsumerSession
    token: str


class SdkService:
    """Consumer settings, per-queue consumer overrides, SDK sessions, chat and SMS replies."""

    def __init__(self, center: ContactCenter, store: ConsumerStore, sms: SmsService) -> None:
        self._center = center
        self._store = store
        self._sms = sms
        sms.inbound_hooks.append(self._after_hours_sms)

    # --- settings -----------------------------------------------------------------------------

    def _stored(self, account_id: str) -> dict[str, Any]:
        return self._store.consumer_settings(account_id) or {}

    def settings(self, account_id: str) -> ConsumerSettings:
        """The account's consumer settings (defaults if never set)."""
        return settings_from_json(self._stored(account_id))

    def configure(self, account_id: str, changes: Mapping[str, Any]) -> ConsumerSettings:
        """Change some settings; all checked before anything is stored."""
        updated = parse_settings(changes, self.settings(account_id))
        stored = self._stored(account_id)
        stored.update(updated.to_json())
        self._store.save_consumer_settings(account_id, stored)
        self._center.publish(account_id, "consumers.changed")
        return updated

    def sdk_key(self, account_id: str) -> str:
        """The account's SDK key (made on first ask): what apps and the web page open
        sessions with. It names the account, so no lookup crosses tenants."""
        stored = self._stored(account_id)
        key = stored.get(KEY_FIELD)
        if not isinstance(key, str):
            key = f"{account_id}.{secrets.token_urlsafe(18)}"
            stored[KEY_FIELD] = key
            self._store.save_consumer_settings(account_id, stored)
        return key

    def sms_queue(self, account_id: str) -> str | None:
        """The queue the account's SMS are routed to, if set."""
        value = self._stored(account_id).get(SMS_QUEUE_FIELD)
        return value if isinstance(value, str) else None

    def set_sms_queue(self, account_id: str, queue_id: str | None) -> None:
        """Route the account's SMS to the leaf ``queue_id`` (None: to no queue)."""
        if queue_id is not None:
            self._leaf(account_id, queue_id, "queue_id")
        stored = self._stored(account_id)
        stored[SMS_QUEUE_FIELD] = queue_id
        self._store.save_consumer_settings(account_id, stored)

    def _leaf(self, account_id: str, queue_id: str, where: str) -> None:
        config = self._center.routing.config(account_id)
        config.queue(queue_id, where)
        if not config.is_leaf(queue_id):
            raise InvalidField(where, "must be a leaf queue (one that takes contacts)")

    # --- overrides ----------------------------------------------------------------------------

    def overrides(self, account_id: str) -> list[dict[str, Any]]:
        """Every consumer override of the account's queues."""
        return [
            {"queue_id": queue_id, "channel": channel, "override": settings}
            for queue_id, channel, settings in self._store.queue_overrides(account_id)
        ]

    def set_override(
        self, account_id: str, queue_id: str, channel: str, data: Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        """Set (None: remove) a leaf queue's override for mobile or SMS (CC-AH-13, 15, 16);
        web has none and is refused."""
        check_override_channel(channel)
        self._leaf(account_id, queue_id, "queue_id")
        parsed: dict[str, Any] | None = None
        if data is not None and channel == "mobile":
            parsed = parse_mobile_override(
                data,
                settings=self.settings(account_id),
                queue_exists=lambda q, where: self._leaf(account_id, q, where),
            ).to_json()
        elif data is not None:
            parsed = parse_sms_override(data).to_json()
        self._store.save_queue_override(account_id, queue_id, channel, parsed)
        self._center.publish(account_id, "consumers.override", queue_id=queue_id, channel=channel)
        return parsed

    # --- sessions -----------------------------------------------------------------------------

    def open_session(
        self,
        key: str,
        channel: str,
        queue_id: str,
        *,
        app_version: str | None = None,
        device_type: str | None = None,
        language: str | None = None,
    ) -> OpenedSession:
        """A consumer's session on ``queue_id`` through the SDK of ``channel``."""
        account_id = key.partition(".")[0]
        if not account_id or self._center.store.get_account(account_id) is None:
            raise SessionRefused("unknown SDK key")
        stored = self._stored(account_id).get(KEY_FIELD)
        if not isinstance(stored, str) or not hmac.compare_digest(stored.encode(), key.encode()):
            raise SessionRefused("unknown SDK key")
        if channel not in SDK_CHANNELS:
            raise InvalidField("channel", "must be web or mobile")
        self._leaf(account_id, queue_id, "queue_id")
        token = secrets.token_urlsafe(24)
        session = ConsumerSession(
            id=f"ses_{secrets.token_hex(8)}",
            account_id=account_id,
            channel=channel,
            queue_id=queue_id,
            app_version=check_app_field(app_version, "app_version"),
            device_type=check_app_field(device_type, "device_type"),
            created_at=iso_utc(self._center.clock.now(account_id)),
            language=None if language is None else parse_language(language),
        )
        self._store.insert_session(session, _digest(token))
        return OpenedSession(session, token)

    def session(self, token: str) -> ConsumerSession:
        """The session ``token`` opens, or :class:`SessionRefused`."""
        found = self._store.session_by_token_digest(_digest(token)) if token else None
        if found is None:
            raise SessionRefused("a consumer session token is required")
        return found

    # --- what the SDK shows -------------------------------------------------------------------

    def shown(self, session: ConsumerSession) -> Shown:
        """What the SDK shows this consumer now (CC-AH-4)."""
        account_id = session.account_id
        config = self._center.routing.config(account_id)
        queue = config.queue(session.queue_id)
        now = self._center.clock.now(account_id)
        channel = Channel(session.channel)
        override_data = self._store.queue_override(account_id, session.queue_id, "mobile")
        override = mobile_override_from_json(override_data) if override_data else None
        redirect_name = None
        redirect = override.redirect_queue_id if override is not None else None
        if redirect is not None and redirect in config.queues:
            redirect_name = config.queues[redirect].name
        state = QueueState(
            queue_id=queue.id,
            open=config.is_open(now, queue_id=queue.id, channel=channel, language=session.language),
            deflection_on=config.calls.deflection_enabled and queue.deflection_enabled,
            slots=self._slots(account_id, queue.id, channel, session.language, now),
            redirect_name=redirect_name,
        )
        context = SdkContext(session.channel, session.app_version, session.device_type)
        return shown_options(context, self.settings(account_id), state, override)

    def _slots(
        self,
        account_id: str,
        queue_id: str,
        channel: Channel,
        language: str | None,
        now: datetime,
    ) -> tuple[datetime, ...]:
        """Scheduled-call slots: every half hour within the queue's hours in the next week,
        each slot whole inside an opening (CC-AH-5)."""
        config = self._center.routing.config(account_id)
        schedule = config.hours_for(queue_id, channel, language).schedule
        step = timedelta(minutes=SLOT_MINUTES)
        start = now.astimezone(UTC).replace(second=0, microsecond=0)
        start += timedelta(minutes=(-start.minute) % SLOT_MINUTES)
        if start <= now:
            start += step
        if schedule is None:  # no hours set anywhere: always open
            return tuple(start + i * step for i in range(MAX_SLOTS))
        found: list[datetime] = []
        for lo, hi in schedule.open_periods(start, start + SLOT_HORIZON):
            slot = lo
            if (slot.minute % SLOT_MINUTES) or slot.second or slot.microsecond:
                slot = slot.replace(second=0, microsecond=0)
                slot += timedelta(minutes=SLOT_MINUTES - slot.minute % SLOT_MINUTES)
            while slot + step <= hi and len(found) < MAX_SLOTS:
                found.append(slot)
                slot += step
        return tuple(found)

    def _offered(self, session: ConsumerSession, kind: str) -> Mapping[str, Any]:
        shown = self.shown(session)
        option = next((o for o in shown.options if o["kind"] == kind), None)
        if option is None:
            offered = ", ".join(o["kind"] for o in shown.options) or "nothing"
            raise Conflict(f"{kind} is not offered to this consumer now (offered: {offered})")
        return option

    def schedule_call(self, session: ConsumerSession, slot: str, phone: str) -> ConsumerRequest:
        """Book one of the offered slots (CC-AH-5); any other instant is refused."""
        option = self._offered(session, "scheduled_call")
        validate_e164(phone, "phone")
        try:
            wanted = datetime.fromisoformat(slot.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidField("slot", "must be an ISO-8601 instant") from None
        if wanted.tzinfo is None:
            raise InvalidField("slot", "must carry its UTC offset")
        offered = {datetime.fromisoformat(s.replace("Z", "+00:00")) for s in option["slots"]}
        if wanted not in offered:
            raise InvalidField(
                "slot", "is not one of the offered slots (within the queue's business hours)"
            )
        detail = {"slot": iso_utc(wanted.astimezone(UTC)), "phone": phone}
        return self._request(session, "scheduled_call", detail)

    def leave_voicemail(
        self, session: ConsumerSession, message: str, phone: str | None
    ) -> ConsumerRequest:
        """A mobile voicemail (CC-AH-8): kept and notified to the queue's agents (on a root queue
        with nobody assigned, a CRM record instead, as for the IVR's voicemail)."""
        self._offered(session, "voicemail")
        if not message.strip():
            raise InvalidField("message", "must not be blank")
        if len(message) > 2000:
            raise InvalidField("message", "must be at most 2000 characters")
        if phone is not None:
            validate_e164(phone, "phone")
        queue = self._center.routing.config(session.account_id).queue(session.queue_id)
        teams = {t.id: t.members for t in self._center.store.list_teams(session.account_id)}
        notified, crm_record = recipients(queue, teams)  # the same rule as the IVR's voicemail
        detail = {
            "message": message,
            "phone": phone,
            "notified_user_ids": list(notified),
            "crm_record": crm_record,
        }
        return self._request(session, "voicemail", detail)

    def _request(
        self, session: ConsumerSession, kind: str, detail: dict[str, Any]
    ) -> ConsumerRequest:
        request = ConsumerRequest(
            id=f"req_{secrets.token_hex(8)}",
            account_id=session.account_id,
            session_id=session.id,
            queue_id=session.queue_id,
            kind=kind,
            detail=detail,
            at=iso_utc(self._center.clock.now(session.account_id)),
        )
        self._store.insert_request(request)
        self._center.publish(
            session.account_id,
            f"consumer.{kind}",
            request_id=request.id,
            queue_id=session.queue_id,
            channel=session.channel,
            **detail,
        )
        return request

    def requests(self, account_id: str) -> list[ConsumerRequest]:
        """Scheduled calls and voicemails the account's consumers left, oldest first."""
        return self._store.requests(account_id)

    # --- chat ---------------------------------------------------------------------------------

    def start_chat(self, session: ConsumerSession) -> dict[str, Any]:
        """What a consumer starting a chat gets: queued within hours (or with chat deflection
        off), else the after-hours answer of CC-AH-11."""
        account_id = session.account_id
        config = self._center.routing.config(account_id)
        now = self._center.clock.now(account_id)
        open_now = config.is_open(
            now, queue_id=session.queue_id, channel=Channel.CHAT, language=session.language
        )
        if open_now or not config.chats.deflection_enabled:
            return {"type": "chat.queued", "queue_id": session.queue_id}
        return chat_after_hours(self.settings(account_id))

    # --- SMS ----------------------------------------------------------------------------------

    async def _after_hours_sms(self, account_id: str, message: SmsMessage) -> None:
        """Reply to an inbound SMS on a closed SMS queue with its override's text (CC-AH-16)."""
        queue_id = self.sms_queue(account_id)
        if queue_id is None:
            return
        config = self._center.routing.config(account_id)
        if queue_id not in config.queues:
            return
        now = self._center.clock.now(account_id)
        if config.is_open(now, queue_id=queue_id, channel=Channel.SMS):
            return
        override = self._store.queue_override(account_id, queue_id, "sms")
        if override is None:
            return
        await self._sms.send(
            account_id, message.from_number, str(override["message"]), reason="after_hours"
        )


__all__ = ["MobileOverride", "OpenedSession", "SdkService", "SessionRefused"]
