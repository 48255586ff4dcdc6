"""Everything a run kept about some Call IDs, gathered into one archive for support.

A Call ID is found in a reports directory in two places: ``conformance.json`` (each scenario's
SUT Call IDs and the paths of its evidence) and each evidence folder's ``evidence.json`` (the
SUT's Call IDs and every SIP Call-ID of the ladder). Folders written before the index existed
are matched on their ``call-ids.txt`` and ``support.json``. The archive holds one folder per
scenario and a README saying what each file is.
"""

from __future__ import annotations

import json
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.evidence.files import DESCRIPTIONS, INDEX_NAME, EvidenceIndex

__all__ = ["Found", "NoEvidence", "find_evidence", "write_archive"]

_TEXT_FALLBACK = ("call-ids.txt", "support.json")


class NoEvidence(LookupError):
    """A Call ID the reports know nothing about, or reports that are not there."""


@dataclass
class Found:
    """One scenario's evidence folder that mentions at least one of the Call IDs asked for."""

    directory: Path
    call_ids: list[str]  # those asked for that it mentions
    scenario: dict[str, Any] = field(default_factory=dict)  # its conformance.json entry, if any
    index: EvidenceIndex | None = None

    def describe(self, name: str) -> str:
        if self.index is not None:
            for item in self.index.files:
                if item.name == name:
                    return item.what
        if name.startswith("heard-by-") and name.endswith(".wav"):
            return "what one party heard on one call (8 kHz mono 16-bit WAV)"
        return DESCRIPTIONS.get(name, "")


def _scenarios(reports: Path) -> list[dict[str, Any]]:
    """Every scenario entry of ``conformance.json`` (once each), or none without the file."""
    path = reports / "conformance.json"
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text())
        requirements = data["requirements"]
    except (ValueError, KeyError, TypeError) as exc:
        raise NoEvidence(f"{path} is not a conformance report ({exc})") from None
    seen: dict[str, dict[str, Any]] = {}
    for requirement in requirements.values():
        for scenario in requirement.get("scenarios", []):
            seen.setdefault(str(scenario.get("nodeid")), scenario)
    return list(seen.values())


def _folder_of(path: str, evidence_dir: Path) -> Path:
    """The evidence folder of a path listed in conformance.json, even if the reports moved."""
    listed = Path(path).parent
    return listed if listed.is_dir() else evidence_dir / listed.name


def _mentions_in_text(directory: Path, call_id: str) -> bool:
    return any(
        call_id in (directory / name).read_text(errors="replace")
        for name in _TEXT_FALLBACK
        if (directory / name).is_file()
    )


def _load_index(folder: Path) -> EvidenceIndex | None:
    """The folder's index; None when it has none or an unreadable one (then its text files
    are searched instead, so a damaged index never hides a call)."""
    path = folder / INDEX_NAME
    try:
        return EvidenceIndex.load(path) if path.is_file() else None
    except ValueError:
        return None


def find_evidence(reports: Path, call_ids: list[str]) -> list[Found]:
    """The evidence folders of ``reports`` that mention any of ``call_ids``.

    Raises `NoEvidence` naming the first Call ID nothing mentions (or the missing reports).
    """
    evidence_dir = reports / "evidence"
    if not reports.is_dir():
        raise NoEvidence(f"no reports directory at {reports}")
    scenarios = _scenarios(reports)
    if not scenarios and not evidence_dir.is_dir():
        raise NoEvidence(f"{reports} holds neither conformance.json nor an evidence folder")
    found: dict[Path, Found] = {}

    def note(directory: Path, call_id: str) -> Found:
        entry = found.setdefault(directory, Found(directory, []))
        if call_id not in entry.call_ids:
            entry.call_ids.append(call_id)
        return entry

    for scenario in scenarios:
        asked = [c for c in call_ids if c in scenario.get("call_ids", [])]
        folders = {_folder_of(p, evidence_dir) for p in scenario.get("evidence", [])}
        for folder in folders:
            if folder.is_dir():
                for call_id in asked:
                    note(folder, call_id).scenario = scenario
    listed = evidence_dir.iterdir() if evidence_dir.is_dir() else iter(())
    for folder in sorted(p for p in listed if p.is_dir()):
        index = _load_index(folder)
        for call_id in call_ids:
            hit = index.mentions(call_id) if index else _mentions_in_text(folder, call_id)
            if hit:
                note(folder, call_id).index = index
        if folder in found and found[folder].index is None:
            found[folder].index = index
    for entry in found.values():
        if not entry.scenario and entry.index is not None:
            entry.scenario = next(
                (s for s in scenarios if s.get("nodeid") == entry.index.scenario), {}
            )
    for call_id in call_ids:
        if not any(call_id in f.call_ids for f in found.values()):
            raise NoEvidence(f"nothing in {reports} mentions the Call ID {call_id}")
    return sorted(found.values(), key=lambda f: f.directory.name)


def render_archive_readme(call_ids: list[str], found: list[Found], reports: Path) -> str:
    """The archive's README: what was asked for, then each scenario and what its files are."""
    lines = [
        "Evidence for the Call IDs " + ", ".join(call_ids),
        f"Gathered on {time.strftime('%Y-%m-%d %H:%M:%S %Z')} from {reports}",
        "",
        "A Call ID is the system under test's own identifier of a call (what support asks",
        "for); a SIP Call-ID identifies one SIP dialog (one leg of the call). scenarios.json",
        "holds each scenario's entry of conformance.json: status, message, verdict.",
        "",
    ]
    for entry in found:
        scenario = entry.scenario
        title = scenario.get("name") or (entry.index.scenario if entry.index else "")
        lines.append(f"{entry.directory.name}/")
        lines.append(f"  scenario: {title or entry.directory.name}")
        if scenario:
            lines.append(f"  status: {scenario.get('status')}")
            if scenario.get("verdict"):
                verdict = "\n           ".join(str(scenario["verdict"]).splitlines())
                lines.append(f"  verdict: {verdict}")
            if scenario.get("message"):
                first = str(scenario["message"]).strip().splitlines()[0]
                lines.append(f"  message: {first}")
        if entry.index is not None:
            lines.append(f"  kept because: {entry.index.reason}")
        lines.append(f"  mentions: {', '.join(entry.call_ids)}")
        files = sorted(p for p in entry.directory.iterdir() if p.is_file())
        width = max((len(p.name) for p in files), default=0)
        for path in files:
            lines.append(f"    {path.name:<{width}}  {entry.describe(path.name)}".rstrip())
        lines.append("")
    if any((f.directory / "capture.pcap").is_file() for f in found):
        lines += [
            "Open capture.pcap in Wireshark or with tshark; each folder's README.txt gives the",
            "command that decodes its SIP ports. The WAV files play in any audio player.",
        ]
    return "\n".join(lines) + "\n"


def write_archive(output: Path, call_ids: list[str], found: list[Found], reports: Path) -> int:
    """Zip the folders of ``found`` with a README and scenarios.json; returns the file count."""
    count = 0
    with zipfile.ZipFile(output, "x", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", render_archive_readme(call_ids, found, reports))
        entries = {f.directory.name: f.scenario for f in found if f.scenario}
        archive.writestr("scenarios.json", json.dumps(entries, indent=2))
        for entry in found:
            for path in sorted(p for p in entry.directory.iterdir() if p.is_file()):
                archive.write(path, f"{entry.directory.name}/{path.name}")
                count += 1
    return count + 2
