"""Agent notifications (seed 004, CC-NTF): the service part the API and the edge use.

The rules are in :mod:`harness.reference.domain.notifications`; here they meet the store, the
account's clock and the prompt renderer. A call's wait is kept when its customer is put through
to the agent: its *wait time* runs from the call's arrival to that moment, so the whisper and the
countdown the agent heard first count in it (CC-NTF-2, 3).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from .clock import iso_utc, parse_iso_utc
from .domain import notifications as rules
from .domain.errors import NotFound
from .domain.notifications import AgentSms, WhisperSettings
from .service import ContactCenter
from .store_notifications import CallWait, NotificationTables
from .telephony.prompts import PromptRenderer, Samples

_RENDERERS: dict[int, PromptRenderer] = {}
_RENDERERS_LOCK = threading.Lock()


def renderer(speed_wpm: int) -> PromptRenderer:
    """The prompt renderer of one speech rate (each keeps its own renderings)."""
    with _RENDERERS_LOCK:
        found = _RENDERERS.get(speed_wpm)
        if found is None:
            found = _RENDERERS[speed_wpm] = PromptRenderer(words_per_minute=speed_wpm)
        return found


class Notifications:
    """The account's whisper settings, the whisper's audio, and calls' waits."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self.tables = NotificationTables(center.store)

    def whisper(self, account_id: str) -> WhisperSettings:
        """The account's whisper settings."""
        return self.tables.whisper(account_id)

    def update_whisper(self, account_id: str, changes: Mapping[str, Any]) -> WhisperSettings:
        """Change the whisper settings; a bad member is refused naming it, nothing stored."""
        updated = rules.update_whisper(self.whisper(account_id), changes)
        self.tables.save_whisper(account_id, updated)
        return updated

    async def whisper_audio(self, account_id: str, call_type: str, queue_name: str) -> Samples:
        """The whisper of a call of ``call_type`` from ``queue_name``, at the account's speed."""
        speed = self.whisper(account_id).speed_wpm
        return await renderer(speed).arender(rules.whisper_text(call_type, queue_name))

    async def countdown_audio(self, account_id: str) -> Samples:
        """The countdown, at the account's speed."""
        speed = self.whisper(account_id).speed_wpm
        return await renderer(speed).arender(rules.COUNTDOWN_TEXT)

    def connected(
        self, account_id: str, call_id: str, whisper_s: float, countdown_s: float
    ) -> None:
        """The call's customer is on the line with the agent now, after the agent heard
        ``whisper_s`` of whisper and ``countdown_s`` of countdown."""
        at = iso_utc(self.center.clock.now(account_id))
        self.tables.save_wait(account_id, CallWait(call_id, at, whisper_s, countdown_s))

    def wait(self, account_id: str, call_id: str) -> dict[str, Any]:
        """How long the call's customer waited before being put through, and of what."""
        call = self.center.get_call(account_id, call_id)  # another account's: not found
        wait = self.tables.wait(account_id, call_id)
        if wait is None:
            raise NotFound("connected call", call_id, field="call_id")
        connected = parse_iso_utc(wait.connected_at)
        return {
            "call_id": call_id,
            "wait_s": round((connected - call.started_at).total_seconds(), 3),
            "whisper_s": round(wait.whisper_s, 3),
            "countdown_s": round(wait.countdown_s, 3),
            "connected_at": wait.connected_at,
        }

    def agent_sms(self, account_id: str, user_id: str) -> AgentSms:
        """Whether the user is told of offered calls by SMS, and her profile's number."""
        self.center.get_user(account_id, user_id)  # NotFound for another account's user
        return AgentSms(*self.tables.agent_sms(account_id, user_id))

    def update_agent_sms(
        self, account_id: str, user_id: str, changes: Mapping[str, Any]
    ) -> AgentSms:
        """Change the user's SMS notification; a bad member is refused naming it."""
        updated = rules.update_agent_sms(self.agent_sms(account_id, user_id), changes)
        self.tables.save_agent_sms(account_id, user_id, updated.sms, updated.phone)
        return updated
