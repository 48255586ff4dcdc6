"""Chat notifications in the agent app (seed 004, CC-NTF-7): the new-chat tone, played once or
again every N seconds until the agent takes the chat or no chat is waiting, and the new-message
tone. Both are tones of the account's library (:mod:`.tones`); the repeat follows the rule of
the incoming-call tone (:func:`.domain.tones.update_ring_tone`). The table:
:mod:`.store_chat_tones`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .domain import tones as rules
from .domain.errors import InvalidField
from .domain.tones import RingTone
from .service import ContactCenter
from .tones import Tones

FIELDS = ("new_chat_tone", "repeat_s", "message_tone")


@dataclass(frozen=True)
class ChatTones:
    """The tones of chat notifications; ``repeat_s`` None: the new-chat tone plays once."""

    new_chat_tone: str = "chime"
    repeat_s: int | None = None
    message_tone: str = "digital"

    def to_json(self) -> dict[str, Any]:
        return {
            "new_chat_tone": self.new_chat_tone,
            "repeat_s": self.repeat_s,
            "message_tone": self.message_tone,
        }


class ChatToneSettings:
    """Reads and changes an account's chat tones (all members checked before any is kept)."""

    def __init__(self, center: ContactCenter) -> None:
        self._center = center
        self._tones = Tones(center)

    def get(self, account_id: str) -> ChatTones:
        """The account's chat tones (the defaults until changed)."""
        row = self._center.store.execute(
            "SELECT new_chat, repeat_s, new_message FROM chat_tones WHERE account_id = ?",
            (account_id,),
        ).fetchone()
        if row is None:
            return ChatTones()
        return ChatTones(str(row[0]), None if row[1] is None else int(row[1]), str(row[2]))

    def choose(self, account_id: str, changes: Mapping[str, Any]) -> ChatTones:
        """Change the members given; a tone not in the library or a bad repeat is refused."""
        current = self.get(account_id)
        known = {t["id"]: t["name"] for t in self._tones.library(account_id)}
        ring = {"tone": changes["new_chat_tone"]} if "new_chat_tone" in changes else {}
        if "repeat_s" in changes:
            ring["repeat_s"] = changes["repeat_s"]
        try:
            chosen = rules.update_ring_tone(
                RingTone(current.new_chat_tone, current.repeat_s), ring, known
            )
        except InvalidField as error:
            field = "new_chat_tone" if error.field == "tone" else str(error.field)
            raise InvalidField(field, error.message.split(": ", 1)[-1]) from None
        message = changes.get("message_tone", current.message_tone)
        if not isinstance(message, str) or message not in known:
            raise InvalidField("message_tone", f"must be one of the tones: {', '.join(known)}")
        updated = ChatTones(chosen.tone, chosen.repeat_s, message)
        with self._center.store.transaction():
            self._center.store.execute(
                "INSERT INTO chat_tones (account_id, new_chat, repeat_s, new_message)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET"
                " new_chat = excluded.new_chat, repeat_s = excluded.repeat_s,"
                " new_message = excluded.new_message",
                (account_id, updated.new_chat_tone, updated.repeat_s, updated.message_tone),
            )
        return updated
