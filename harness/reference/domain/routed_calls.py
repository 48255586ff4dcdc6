"""A call that enters the queue tree: it is answered by the IVR, walks the menus, then rings a
leaf queue or is deflected after hours. Pure steps on :class:`~.calls.CallRecord`.

Unlike a number's "Ring to" call, whom to ring is not known when the call arrives: the offers
are added once the caller reached a leaf queue. The call stays ``ringing`` (not answered by an
agent) throughout, so a call that never reaches an agent is logged missed, whatever the IVR
played. The last IVR branch chosen is a timeline entry of kind ``ivr`` (AC-IN-4 shows it to the
agent; the call log shows it as the call's branch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from .calls import CallRecord, Offer, TimelineEntry, TimelineKind


def open_routed(call: CallRecord, *, number_label: str, sip_call_id: str) -> CallRecord:
    """The arrival of a call whose number enters the queue tree (nobody offered yet)."""
    text = f"Incoming call from {call.caller} to {number_label}"
    return replace(
        call,
        sip_call_ids=(sip_call_id,),
        timeline=(TimelineEntry(call.started_at, TimelineKind.INCOMING, None, text),),
    )


def chose_branch(call: CallRecord, at: datetime, names: Sequence[str], keys: str) -> CallRecord:
    """The caller's menu choices so far, as one timeline entry: ``Main > Sales (keys 1)``."""
    text = f"IVR: {' > '.join(names)}" + (f" (keys {', '.join(keys)})" if keys else "")
    return _log(call, TimelineEntry(at, TimelineKind.IVR, None, text))


def offered(call: CallRecord, at: datetime, queue_name: str, offers: Sequence[Offer]) -> CallRecord:
    """The call reached ``queue_name``, which rings ``offers`` (appended after earlier ones)."""
    stage = 1 + max((o.stage for o in call.offers), default=-1)
    renumbered = tuple(replace(o, stage=stage + o.stage) for o in offers)
    names = ", ".join(o.user_name for o in offers) or "nobody (no member)"
    entry = TimelineEntry(at, TimelineKind.RINGING, None, f"Queue {queue_name}: offered to {names}")
    return _log(replace(call, offers=(*call.offers, *renumbered)), entry)


def deflected(call: CallRecord, at: datetime, text: str) -> CallRecord:
    """The call was deflected after hours; ``text`` says where to (and by whose hours)."""
    return _log(call, TimelineEntry(at, TimelineKind.DEFLECTED, None, text))


def ivr_branch(call: CallRecord) -> str | None:
    """The last IVR branch the caller chose (the text after ``IVR: ``), if any."""
    for entry in reversed(call.timeline):
        if entry.kind is TimelineKind.IVR:
            return entry.text.removeprefix("IVR: ")
    return None


def last_ivr_branch(call: CallRecord) -> str | None:
    """The name of the last IVR branch the caller chose (``Sales`` of ``Main > Sales``), if
    the caller chose one: the menu the call entered by itself is no choice."""
    path = ivr_branch(call)
    if path is None:
        return None
    names = path.rsplit(" (keys ", 1)[0].split(" > ")
    return names[-1] if len(names) > 1 else None


def _log(call: CallRecord, entry: TimelineEntry) -> CallRecord:
    return replace(call, timeline=(*call.timeline, entry))
