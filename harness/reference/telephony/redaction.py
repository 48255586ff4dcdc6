"""Redact (CC-SA-4): while an agent's redact smart action is open, the call's recording is
paused, so that the card number or the password the customer speaks is not kept; the call
itself goes on (the relay still carries both directions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.errors import Conflict, InvalidField

if TYPE_CHECKING:
    from .edge import SipEdge


class RecordingRedaction:
    """Pauses and resumes the recorder of the live calls of one SIP edge."""

    def __init__(self, edge: SipEdge) -> None:
        self._edge = edge

    def __call__(self, account_id: str, call_id: str | None, on: bool) -> None:
        """A redact starts (``on``) or ends on ``call_id``. Starting one on a call that is not
        live in this account is refused; ending one after the call ended changes nothing."""
        live = self._edge.live_call(call_id) if call_id else None
        if live is None or live.plan.account_id != account_id:
            if on:
                raise InvalidField("call_id", f"call {call_id} is not in progress")
            return
        if live.recorder is None:
            if on:
                raise Conflict(f"call {call_id} is not being recorded: there is nothing to pause")
            return
        live.recorder.paused = on
