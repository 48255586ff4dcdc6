"""After a load run: the SUT's call log against what the load generator saw.

Every call the generator placed is looked up by its SIP Call-ID among the SUT's calls (a call
log entry lists the SIP Call-IDs of its legs). A call that reached the SUT must be there exactly
once (*lost* when missing, *doubled* when twice), with the outcome the generator saw (answered
on both sides, or on neither); a call of the SUT's log the generator never placed is *unknown*;
a call still open on the SUT after the run is *open*. Calls that got no response at all count
as *unreached*: the SUT may never have seen them, and that is reported, not held against it;
so are calls the SUT refused outright (a 4xx to the INVITE) without logging them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.load.calls import CallRecord
from harness.sut.model import CallLogEntry

LISTED = 20  # problems listed in full per kind; the rest are counted


@dataclass
class Reconciliation:
    """The comparison of the generator's calls with the SUT's call log."""

    placed: int = 0
    logged: int = 0
    matched: int = 0
    unreached: int = 0
    refused_unlogged: int = 0
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    open: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    sut_call_ids: dict[str, str] = field(default_factory=dict)  # SIP Call-ID -> SUT Call ID

    @property
    def clean(self) -> bool:
        return not any(self.counts.get(k) for k in ("lost", "doubled", "mismatched",
                                                     "unknown", "open"))  # fmt: skip

    def _add(self, kind: str, text: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        listed: list[str] = getattr(self, kind)
        if len(listed) < LISTED:
            listed.append(text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "placed": self.placed,
            "logged": self.logged,
            "matched": self.matched,
            "unreached": self.unreached,
            "refused_unlogged": self.refused_unlogged,
            "clean": self.clean,
            "counts": dict(self.counts),
            "lost": self.lost,
            "doubled": self.doubled,
            "mismatched": self.mismatched,
            "unknown": self.unknown,
            "open": self.open,
        }

    def render(self) -> str:
        lines = [
            f"call log: {self.placed} calls placed, {self.logged} in the SUT's log, "
            f"{self.matched} matched one to one, {self.unreached} never reached the SUT, "
            f"{self.refused_unlogged} refused by the SUT without a log entry; "
            + ("every call accounted for" if self.clean else "NOT every call accounted for")
        ]
        for kind, label in (("lost", "lost (reached the SUT, not in its log)"),
                            ("doubled", "logged twice"),
                            ("mismatched", "logged with another outcome"),
                            ("unknown", "in the log, never placed by the generator"),
                            ("open", "still open on the SUT")):  # fmt: skip
            count = self.counts.get(kind, 0)
            if count:
                lines.append(f"  {count} {label}:")
                lines.extend(f"    {text}" for text in getattr(self, kind))
                if count > LISTED:
                    lines.append(f"    … and {count - LISTED} more")
        return "\n".join(lines)


def reconcile(records: Sequence[CallRecord], log: Iterable[CallLogEntry]) -> Reconciliation:
    """Compare the generator's records with the SUT's call log entries."""
    result = Reconciliation(placed=len(records))
    entries = list(log)
    result.logged = len(entries)
    by_sip: dict[str, list[CallLogEntry]] = {}
    for entry in entries:
        for sip_call_id in entry.sip_call_ids:
            by_sip.setdefault(sip_call_id, []).append(entry)
    claimed: set[str] = set()
    for record in records:
        found = by_sip.get(record.sip_call_id, [])
        if not found:
            if record.answered:
                result._add("lost", f"{record.sip_call_id} (key {record.key}, answered)")
            elif record.reached:
                result.refused_unlogged += 1
            else:
                result.unreached += 1
            continue
        if len(found) > 1:
            ids = ", ".join(e.call_id for e in found)
            result._add("doubled", f"{record.sip_call_id} logged as {ids}")
        entry = found[0]
        claimed.update(e.call_id for e in found)
        result.sut_call_ids[record.sip_call_id] = entry.call_id
        if (entry.status == "answered") != record.answered:
            seen = "answered" if record.answered else f"not answered ({record.status})"
            result._add("mismatched", f"{entry.call_id} ({record.sip_call_id}): the SUT logged "
                                      f"{entry.status}, the generator saw it {seen}")  # fmt: skip
        else:
            result.matched += 1
    for entry in entries:
        if entry.call_id not in claimed:
            result._add("unknown", f"{entry.call_id} from {entry.from_number} ({entry.status})")
        elif not entry.is_final:
            result._add("open", f"{entry.call_id} ({entry.status})")
    return result
