"""Per-scenario evidence: Call IDs, verdicts, SIP ladder, packet capture, audio each party heard,
support bundle, into allure and files."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import allure  # without --alluredir its attach is a no-op

from harness.evidence.attach import has_allure_result
from harness.evidence.capture import PacketCapture
from harness.evidence.files import (
    CAPTURE_NAME,
    DESCRIPTIONS,
    INDEX_NAME,
    README_NAME,
    EvidenceFile,
    EvidenceIndex,
    render_readme,
    sip_call_ids,
    sip_ports,
    write_capture,
    write_heard_audio,
)
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
    capture: PacketCapture = field(default_factory=PacketCapture)

    def start(self) -> None:
        """Start the scenario's packet capture (kept in memory, written only by `keep`)."""
        self.capture.start()

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
        """Write the support bundle now: the Call IDs support asks for, with everything kept so
        far (ladder, capture, audio heard; see `keep`)."""
        self.support.extend(cases)
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / "support.json"
        self._add(path)  # listed in the index that `keep` writes
        self.keep("the scenario collected Call IDs for support")
        bundle = {
            "scenario": self.nodeid,
            "calls": [
                {"call_id": c.call_id, "sip_call_ids": c.sip_call_ids, "reason": c.reason}
                for c in self.support
            ],
            "evidence": [str(p) for p in self.files if p != path],
        }
        return self._write("support.json", json.dumps(bundle, indent=2))

    def _write(self, name: str, text: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        path.write_text(text)
        self._add(path)
        return path

    def _call_ids_text(self) -> str:
        return "\n".join(f"{cid}  (SIP Call-ID {', '.join(s)})" for cid, s in self.call_ids.items())

    def keep(self, reason: str = "the scenario failed") -> EvidenceIndex:
        """Write everything kept about the scenario so far into its evidence folder.

        The plugin calls it when a scenario fails; a scenario may call it too (to check the
        evidence itself). Files: the ladder, every SIP message, the Call IDs, media quality, the
        journal, the packet capture, one WAV per party and call of what that party heard, and an
        index (``evidence.json``) and README saying what each file is.
        """
        records = self.journal.records()
        self._write("sip-ladder.txt", render_ladder(records))
        self._write("sip-messages.txt", render_messages(records))
        self._write("call-ids.txt", self._call_ids_text())
        self._write("media-quality.txt", render_quality(records))
        self._write("journal.txt", "\n".join(f"+{r.at:.3f} {r.event}" for r in records))
        capture_path, packets = write_capture(self.directory, self.capture)
        self._add(capture_path)
        heard = write_heard_audio(self.directory, records)
        for item in heard:
            self._add(self.directory / item.name)
        index = EvidenceIndex(
            scenario=self.nodeid,
            reason=reason,
            written_at=time.time(),
            call_ids={cid: list(sip) for cid, sip in self.call_ids.items()},
            sip_call_ids=sip_call_ids(records),
            sip_ports=sip_ports(records),
            capture={
                "packets": packets,
                "evicted": self.capture.evicted,
                "limits": self.capture.describe_limits(),
            },
        )
        index_path = self.directory / INDEX_NAME
        readme_path = self.directory / README_NAME
        self._add(index_path)
        self._add(readme_path)
        described = [EvidenceFile(p.name, DESCRIPTIONS.get(p.name, "")) for p in self.files]
        by_name = {f.name: f for f in heard}
        index.files = [by_name.get(f.name, f) for f in described]
        index_path.write_text(index.to_json())
        readme_path.write_text(render_readme(index))
        return index

    def _add(self, path: Path) -> None:
        if path not in self.files:
            self.files.append(path)

    def _attach(self, ladder: str, ids: str, quality: str, index: EvidenceIndex | None) -> None:
        """The scenario's Allure result: ladder, Call IDs, media, verdicts; on failure the
        capture and each party's audio too."""
        allure.attach(ladder, "SIP ladder", allure.attachment_type.TEXT)
        allure.attach(ids or "(no call)", "Call IDs", allure.attachment_type.TEXT)
        if quality:
            allure.attach(quality, "Media quality", allure.attachment_type.TEXT)
        for verdict in self.verdicts:
            allure.attach(verdict, "Verdict", allure.attachment_type.TEXT)
        if index is None:
            return
        pcap = self.directory / CAPTURE_NAME
        allure.attach.file(str(pcap), "Packet capture", allure.attachment_type.PCAP)
        for item in index.files:
            if item.name.endswith(".wav"):
                allure.attach.file(
                    str(self.directory / item.name),
                    f"Heard by {item.party} ({item.sip_call_id})",
                    "audio/wav",
                    "wav",
                )

    def finish(self, node: Any, *, failed: bool) -> None:
        """Attach the ladder and Call IDs to the report; keep files for a failing scenario."""
        self.capture.stop()
        records = self.journal.records()
        ladder = render_ladder(records)
        ids = self._call_ids_text()
        index = self.keep() if failed else None
        if has_allure_result(node):
            self._attach(ladder, ids, render_quality(records), index)
        node.user_properties.append(("call_ids", list(self.call_ids)))
        for verdict in self.verdicts:
            node.user_properties.append(("verdict", verdict))
        if self.files:
            node.user_properties.append(("evidence", [str(p) for p in self.files]))
