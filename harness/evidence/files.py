"""The files of a scenario's evidence beyond the ladder: capture, audio heard, index, README.

`EvidenceIndex` is what ``evidence.json`` holds: the scenario, its Call IDs (the SUT's and the
SIP Call-IDs), and every file with one line saying what it is. The README beside it says the
same for a person, and ``callproof evidence`` reads the index to find a call's files.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.endpoints.events import AudioReceived, SipTraced
from harness.evidence.capture import PacketCapture
from harness.evidence.pcap import write_pcap
from harness.media.wav import write_wav
from harness.runtime.journal import Record

INDEX_NAME = "evidence.json"
README_NAME = "README.txt"
CAPTURE_NAME = "capture.pcap"

#: What the fixed files of an evidence folder are, in a line each.
DESCRIPTIONS: dict[str, str] = {
    "sip-ladder.txt": "the SIP ladder: every SIP message each party sent and received, with times",
    "sip-messages.txt": "every SIP message in full, headers and body, as it went on the wire",
    "call-ids.txt": "the SUT's Call IDs (what support asks for), each with its SIP Call-IDs",
    "media-quality.txt": "per party and call: RTP packets sent, received, lost, jitter, latency",
    "journal.txt": "everything any party saw, in order (the scenario's journal)",
    "support.json": "the Call IDs the scenario collected for support, with the reason",
    CAPTURE_NAME: "packet capture (pcap) of the SIP and RTP the harness's parties exchanged",
    INDEX_NAME: "this folder's index, for tools: Call IDs and files",
    README_NAME: "what each file of this folder is, for a person",
}


@dataclass
class EvidenceFile:
    name: str
    what: str
    party: str | None = None
    sip_call_id: str | None = None


@dataclass
class EvidenceIndex:
    """The content of ``evidence.json``."""

    scenario: str
    reason: str
    written_at: float
    call_ids: dict[str, list[str]]  # SUT Call ID -> SIP Call-IDs
    sip_call_ids: list[str]  # every SIP Call-ID in the ladder (each leg of a B2BUA has its own)
    sip_ports: list[int]
    capture: dict[str, Any] = field(default_factory=dict)
    files: list[EvidenceFile] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def load(cls, path: Path) -> EvidenceIndex:
        """Read an ``evidence.json``; ValueError naming the file when it is not one."""
        try:
            data = json.loads(path.read_text())
            files = [EvidenceFile(**f) for f in data.pop("files", [])]
            return cls(**data, files=files)
        except (OSError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"{path}: not an evidence index ({exc})") from exc

    def mentions(self, call_id: str) -> bool:
        """True when ``call_id`` is one of this scenario's SUT Call IDs or SIP Call-IDs."""
        return (
            call_id in self.call_ids
            or call_id in self.sip_call_ids
            or any(call_id in sip for sip in self.call_ids.values())
        )


def sip_call_ids(records: list[Record[Any]]) -> list[str]:
    """Every SIP Call-ID in the scenario's SIP traces, in the order first seen."""
    seen = [r.event.sip_call_id for r in records if isinstance(r.event, SipTraced)]
    return [c for c in dict.fromkeys(seen) if c]


def sip_ports(records: list[Record[Any]]) -> list[int]:
    """The UDP ports SIP travelled on (ours and the peers'), for tshark's ``-d udp.port==N,sip``."""
    ports: set[int] = set()
    for rec in records:
        ev = rec.event
        if isinstance(ev, SipTraced) and ev.transport.upper() == "UDP":
            for address in (ev.local, ev.peer):
                port = address.rpartition(":")[2]
                if port.isdigit():
                    ports.add(int(port))
    return sorted(ports)


def tshark_command(ports: list[int], name: str = CAPTURE_NAME) -> str:
    """The tshark command that decodes this capture's SIP and RTP."""
    decode = " ".join(f"-d udp.port=={p},sip" for p in ports if p != 5060)
    return f"tshark -r {name} {decode} -o rtp.heuristic_rtp:TRUE".replace("  ", " ")


def write_capture(directory: Path, capture: PacketCapture) -> tuple[Path, int]:
    """The capture as ``capture.pcap``; returns the path and the number of packets."""
    path = directory / CAPTURE_NAME
    return path, write_pcap(path, capture.datagrams())


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "party"


def write_heard_audio(directory: Path, records: list[Record[Any]]) -> list[EvidenceFile]:
    """One WAV per party and call: what that party heard (``heard-by-<party>-<n>.wav``)."""
    out: list[EvidenceFile] = []
    counts: dict[str, int] = {}
    for rec in records:
        ev = rec.event
        if not isinstance(ev, AudioReceived):
            continue
        counts[ev.party] = counts.get(ev.party, 0) + 1
        name = f"heard-by-{_safe(ev.party)}-{counts[ev.party]}.wav"
        samples = ev.audio()
        write_wav(directory / name, samples, ev.sample_rate)
        seconds = samples.size / ev.sample_rate
        heard = f"{seconds:.2f} s" if samples.size else "nothing (no audio arrived)"
        out.append(
            EvidenceFile(
                name,
                f"what {ev.party} heard on SIP Call-ID {ev.sip_call_id}: {heard}, 8 kHz mono "
                "16-bit, lost packets as silence",
                party=ev.party,
                sip_call_id=ev.sip_call_id,
            )
        )
    return out


def render_readme(index: EvidenceIndex) -> str:
    """The README of an evidence folder: what happened, which calls, what each file is."""
    lines = [
        f"Evidence of the scenario {index.scenario}",
        f"Kept because: {index.reason}",
        "",
        "Calls (the SUT's Call ID, which support asks for, then its SIP Call-IDs):",
    ]
    if index.call_ids:
        lines.extend(f"  {cid}: {', '.join(sip)}" for cid, sip in index.call_ids.items())
    else:
        lines.append("  (the SUT reported no Call ID)")
    if index.sip_call_ids:
        lines.append(f"SIP Call-IDs in the ladder: {', '.join(index.sip_call_ids)}")
    lines += ["", "Files:"]
    width = max((len(f.name) for f in index.files), default=0)
    lines.extend(f"  {f.name:<{width}}  {f.what}" for f in index.files)
    if index.capture:
        lines += [
            "",
            f"The capture holds {index.capture.get('packets', 0)} packets "
            f"({index.capture.get('evicted', 0)} older ones dropped to stay within "
            f"{index.capture.get('limits', 'its budget')}).",
            "SIP over TCP and the SUT's own traffic with others are not in it.",
            f"Open it with: {tshark_command(index.sip_ports)}",
            "(in Wireshark: Analyze > Decode As, UDP port -> SIP for the ports "
            f"{', '.join(map(str, index.sip_ports)) or 'of the ladder'}).",
        ]
    return "\n".join(lines) + "\n"
