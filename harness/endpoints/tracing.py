"""SIP messages a party sends and receives, into the journal (the SIP ladder is drawn from it)."""

from __future__ import annotations

from collections.abc import Callable

from harness.endpoints.events import SipTraced
from harness.runtime.journal import Journal
from harness.sip.message import SipRequest
from harness.sip.useragent import SipTrace


def first_line(trace: SipTrace) -> str:
    msg = trace.message
    if msg is None:
        return f"(unparsable: {trace.error})"
    if isinstance(msg, SipRequest):
        return f"{msg.method} {msg.uri}"
    return f"{msg.status} {msg.reason}"


def tracer(journal: Journal, party: str) -> Callable[[SipTrace], None]:
    def record(trace: SipTrace) -> None:
        if not trace.raw:
            return
        msg = trace.message
        journal.record(
            SipTraced(
                party=party,
                direction="sent" if trace.direction == "out" else "received",
                local=f"{trace.local[0]}:{trace.local[1]}",
                peer=f"{trace.peer[0]}:{trace.peer[1]}",
                first_line=first_line(trace),
                sip_call_id=msg.call_id if msg is not None else "",
                raw=trace.raw,
                transport=trace.transport,
            )
        )

    return record
