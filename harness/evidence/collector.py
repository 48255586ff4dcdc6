"""Per-scenario evidence: Call IDs, verdicts, SIP ladder, support bundle, into allure and files."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import allure  # without --alluredir its attach is a no-op

from harness.evidence.ladder import render_ladder, render_messages, render_quality
from harness.runtime.journal import Journal


def slug(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", nodeid).strip("_")[:150]


@dataclass
class SupportCase:
    call_id: str
    sip_call_ids: list[str]
    reason: str


@dataclass
class Evidence:
    journal: Journal
    base_dir: Path
    nodeid: str
    call_ids: dict[str, list[str]] = field(default_factory=dict)  # SUT Call ID -> SIP Call-IDs
    verdicts: list[str] = field(default_factory=list)
    support: list[SupportCase] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def directory(self) -> Path:
        return self.base_dir / slug(self.nodeid)

    def add_call(self, call_id: str, sip_call_id: str) -> None:
        known = self.call_ids.setdefault(call_id, [])
        if sip_call_id not in known:
            known.append(sip_call_id)

    def add_verdict(self, text: str) -> None:
        if text not in self.verdicts:
            self.verdicts.append(text)

    def collect_for_support(self, cases: list[SupportCase]) -> Path:
        """Write the support bundle now (the Call IDs support asks for, with the evidence paths)."""
        self.support.extend(cases)
        self.directory.mkdir(parents=True, exist_ok=True)
        ladder = self._write("sip-ladder.txt", render_ladder(self.journal.records()))
        messages = self._write("sip-messages.txt", render_messages(self.journal.records()))
        bundle = {
            "scenario": self.nodeid,
            "calls": [
                {"call_id": c.call_id, "sip_call_ids": c.sip_call_ids, "reason": c.reason}
                for c in self.support
            ],
            "evidence": [str(ladder), str(messages)],
        }
        return self._write("support.json", json.dumps(bundle, indent=2))

    def _write(self, name: str, text: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        path.write_text(text)
        if path not in self.files:
            self.files.append(path)
        return path

    def finish(self, node: Any, *, failed: bool) -> None:
        """Attach the ladder and Call IDs to the report; keep files for a failing scenario."""
        records = self.journal.records()
        ladder = render_ladder(records)
        ids = "\n".join(f"{cid}  (SIP Call-ID {', '.join(s)})" for cid, s in self.call_ids.items())
        allure.attach(ladder, "SIP ladder", allure.attachment_type.TEXT)
        allure.attach(ids or "(no call)", "Call IDs", allure.attachment_type.TEXT)
        quality = render_quality(records)
        if quality:
            allure.attach(quality, "Media quality", allure.attachment_type.TEXT)
        for verdict in self.verdicts:
            allure.attach(verdict, "Verdict", allure.attachment_type.TEXT)
        if failed:
            self._write("sip-ladder.txt", ladder)
            self._write("sip-messages.txt", render_messages(records))
            self._write("call-ids.txt", ids)
            self._write("media-quality.txt", render_quality(records))
            self._write("journal.txt", "\n".join(f"+{r.at:.3f} {r.event}" for r in records))
        node.user_properties.append(("call_ids", list(self.call_ids)))
        for verdict in self.verdicts:
            node.user_properties.append(("verdict", verdict))
        if self.files:
            node.user_properties.append(("evidence", [str(p) for p in self.files]))
