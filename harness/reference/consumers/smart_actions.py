"""Smart actions (seed 004, CC-SA): an agent asks a mobile-SDK consumer, during a call or a
chat, to verify identity, send photos, a screenshot or videos, enter text, or redact; the
request reaches the consumer's session WebSocket (``smart_action.requested``), the consumer's
answer is stored with its media and handed at once to whoever waits for it (CC-SA-5: an
:class:`asyncio.Event` per action, no polling). A web-SDK chat's consumer attaches files with
the paperclip (CC-SA-3).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from ..clock import iso_utc
from ..domain.errors import Conflict, InvalidField, NotFound
from ..domain.smart_actions import (
    Request,
    check_attachment,
    parse_answer,
    parse_request,
)
from ..service import ContactCenter
from .smart_action_tables import Attachment, SmartAction, SmartActionTables
from .store import ConsumerSession

MAX_WAIT_S = 30.0
# Told when a redact starts and ends, with the account and the call: the recorder pauses.
RedactHook = Callable[[str, str | None, bool], None]


class SmartActionService:
    """Smart actions and chat attachments of one contact center's consumers."""

    def __init__(self, center: ContactCenter) -> None:
        self._center = center
        self.tables = SmartActionTables(center.store)
        self._answered: dict[str, asyncio.Event] = {}
        self.redact_hooks: list[RedactHook] = []

    # --- settings ---------------------------------------------------------------------------

    def settings(self, account_id: str) -> dict[str, Any]:
        return {"redact": self.tables.redact_enabled(account_id)}

    def configure(self, account_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
        redact = data.get("redact")
        if not isinstance(redact, bool):
            raise InvalidField("redact", "must be true or false")
        self.tables.set_redact(account_id, redact)
        return self.settings(account_id)

    # --- the agent's side -------------------------------------------------------------------

    def request(
        self,
        account_id: str,
        session_id: str,
        agent_id: str | None,
        data: Mapping[str, Any],
    ) -> SmartAction:
        """An agent asks the consumer of ``session_id`` for a smart action."""
        channel = self.tables.session_channel(account_id, session_id)
        if channel is None:
            raise NotFound("session", session_id)
        if channel != "mobile":
            raise Conflict("smart actions need a mobile-SDK session (this one is web)")
        wanted = parse_request(data, redact_enabled=self.tables.redact_enabled(account_id))
        call_id = data.get("call_id")
        if call_id is not None and not isinstance(call_id, str):
            raise InvalidField("call_id", "must be a call ID")
        if wanted.kind == "redact" and call_id is None:
            raise InvalidField("call_id", "redact needs the call whose recording it pauses")
        action = SmartAction(
            id=f"sma_{secrets.token_hex(8)}",
            account_id=account_id,
            session_id=session_id,
            agent_id=agent_id,
            kind=wanted.kind,
            during=wanted.during,
            count=wanted.count,
            status="requested",
            result=None,
            detail={},
            requested_at=self._now(account_id),
            answered_at=None,
            call_id=call_id,
        )
        if action.kind == "redact":  # the recording pauses first: a refusal stores nothing
            for hook in self.redact_hooks:
                hook(account_id, call_id, True)
        self.tables.insert(action)
        self._center.publish(
            account_id, "smart_action.requested", session_id=action.session_id, action=shape(action)
        )
        return action

    def end(self, account_id: str, action_id: str) -> SmartAction:
        """The agent ends a redact: the recording resumes."""
        action = self._get(account_id, action_id)
        if action.kind != "redact":
            raise Conflict(f"only a redact is ended by the agent (this is {action.kind})")
        if action.status != "requested":
            raise Conflict(f"this redact is already {action.status}")
        self.tables.answer(action, "ended", None, {}, self._now(account_id))
        for hook in self.redact_hooks:
            hook(account_id, action.call_id, False)
        ended = self._get(account_id, action_id)
        self._release(action_id)
        self._center.publish(
            account_id, "smart_action.ended", session_id=ended.session_id, action=shape(ended)
        )
        return ended

    async def read(self, account_id: str, action_id: str, wait_s: float) -> SmartAction:
        """The action; with ``wait_s``, once answered (or after ``wait_s`` as it is)."""
        action = self._get(account_id, action_id)
        if action.status == "requested" and wait_s > 0:
            # One loop runs the service: nothing can answer between the read above and this.
            event = self._answered.setdefault(action_id, asyncio.Event())
            try:
                await asyncio.wait_for(event.wait(), min(wait_s, MAX_WAIT_S))
            except TimeoutError:
                pass
            action = self._get(account_id, action_id)
        return action

    def of_session(self, account_id: str, session_id: str) -> list[SmartAction]:
        if self.tables.session_channel(account_id, session_id) is None:
            raise NotFound("session", session_id)
        return self.tables.of_session(account_id, session_id)

    # --- the consumer's side ----------------------------------------------------------------

    def answer(
        self, session: ConsumerSession, action_id: str, data: Mapping[str, Any]
    ) -> SmartAction:
        """The consumer answers one of its session's smart actions."""
        action = self.tables.get(session.account_id, action_id)
        if action is None or action.session_id != session.id:
            raise NotFound("smart action", action_id)
        if action.status != "requested":
            raise Conflict(f"this smart action is already {action.status}")
        wanted = Request(action.kind, action.during, action.count)
        answer = parse_answer(wanted, data)
        detail = dict(answer.detail)
        self.tables.answer(
            action, "answered", answer.result, detail, self._now(action.account_id), answer.media
        )
        answered = self._get(action.account_id, action_id)
        self._release(action_id)
        self._center.publish(
            action.account_id,
            "smart_action.answered",
            session_id=answered.session_id,
            action=shape(answered),
        )
        return answered

    def attach(self, session: ConsumerSession, name: str, data: bytes) -> Attachment:
        """A web-SDK chat's consumer attaches a file with the paperclip (CC-SA-3)."""
        if session.channel != "web":
            raise Conflict("the paperclip is the web SDK chat's (this session is mobile)")
        if not name.strip() or len(name) > 200 or "/" in name or "\\" in name:
            raise InvalidField("name", "must be a file name (at most 200 characters, no path)")
        content_type = check_attachment(name, data)
        attachment = Attachment(
            id=f"att_{secrets.token_hex(8)}",
            session_id=session.id,
            name=name,
            content_type=content_type,
            data=data,
            at=self._now(session.account_id),
        )
        self.tables.insert_attachment(session.account_id, attachment)
        self._center.publish(
            session.account_id,
            "chat.attachment",
            session_id=session.id,
            attachment_id=attachment.id,
            name=name,
            content_type=content_type,
        )
        return attachment

    # --- helpers ----------------------------------------------------------------------------

    def _get(self, account_id: str, action_id: str) -> SmartAction:
        action = self.tables.get(account_id, action_id)
        if action is None:
            raise NotFound("smart action", action_id)
        return action

    def _release(self, action_id: str) -> None:
        event = self._answered.pop(action_id, None)
        if event is not None:
            event.set()

    def _now(self, account_id: str) -> str:
        return iso_utc(self._center.clock.now(account_id))


def shape(action: SmartAction) -> dict[str, Any]:
    """An action as the API and the session's WebSocket show it (media apart)."""
    return {
        "id": action.id,
        "session_id": action.session_id,
        "kind": action.kind,
        "during": action.during,
        "count": action.count,
        "status": action.status,
        "result": action.result,
        "detail": action.detail,
        "requested_at": action.requested_at,
        "answered_at": action.answered_at,
        "call_id": action.call_id,
    }
