"""Reading an evidence folder back and checking it holds what a failing scenario keeps.

The checks read the files the way a support engineer would: the index and README, the ladder,
the Call IDs, the pcap (with our own reader, and with tshark when it is installed) and the WAV
files (whose signature tones say whom each party heard). Each failed check raises
`EvidenceMissing` naming the file and what it lacks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from harness.evidence.capture import is_media
from harness.evidence.files import CAPTURE_NAME, INDEX_NAME, README_NAME, EvidenceIndex
from harness.evidence.pcap import PcapFormatError, read_pcap
from harness.evidence.tshark import TsharkError, decode, tshark_path
from harness.media.tones import SIGNATURES, Signature, SignatureDetector
from harness.media.wav import WavFormatError, read_wav

__all__ = ["CaptureSummary", "EvidenceFolder", "EvidenceMissing", "summarise_capture"]

MIN_RTP_PACKETS = 1  # each way: the scenario hangs up as soon as both parties hear each other
_CALL_ID = re.compile(rb"^(?:Call-ID|i)\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_CSEQ = re.compile(rb"^CSeq\s*:\s*\d+\s+(\S+)", re.IGNORECASE | re.MULTILINE)
_AUDIO_PORT = re.compile(rb"^m=audio (\d+) ", re.MULTILINE)


class EvidenceMissing(AssertionError):
    """The evidence of a scenario lacks something it should keep.

    The message says what is missing; which requirement that breaks comes from the
    scenario's tags, like every other failure.
    """


@dataclass
class CaptureSummary:
    """What a pcap holds, per SIP Call-ID and per RTP flow (source port, destination port)."""

    packets: int = 0
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)  # (method, Call-ID)
    responses: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # status, CSeq, id
    audio_ports: dict[str, set[int]] = field(default_factory=dict)  # Call-ID -> SDP m= ports
    rtp: Counter[tuple[int, int]] = field(default_factory=Counter)

    def rtp_to(self, port: int) -> int:
        return sum(n for (_, dst), n in self.rtp.items() if dst == port)

    def rtp_from(self, port: int) -> int:
        return sum(n for (src, _), n in self.rtp.items() if src == port)


def summarise_capture(path: Path) -> CaptureSummary:
    """Read ``path`` with our pcap reader and sort its SIP and RTP."""
    summary = CaptureSummary()
    for packet in read_pcap(path):
        summary.packets += 1
        payload = packet.payload
        if is_media(payload):
            summary.rtp[(packet.source[1], packet.destination[1])] += 1
            continue
        call_id = _CALL_ID.search(payload)
        if call_id is None:
            continue
        cid = call_id.group(1).decode("utf-8", "replace")
        first = payload.split(b"\r\n", 1)[0].decode("utf-8", "replace")
        if first.startswith("SIP/2.0 "):
            cseq = _CSEQ.search(payload)
            method = cseq.group(1).decode() if cseq else ""
            summary.responses[(first.split()[1], method, cid)] += 1
        else:
            summary.requests[(first.split(" ", 1)[0], cid)] += 1
        for port in _AUDIO_PORT.findall(payload):
            summary.audio_ports.setdefault(cid, set()).add(int(port))
    return summary


def heard_frames(path: Path) -> Counter[Signature]:
    """In how many 20 ms frames of a WAV file each party's signature is present."""
    try:
        samples, rate = read_wav(path)
    except WavFormatError as exc:
        raise EvidenceMissing(f"{path.name} is not a readable WAV file: {exc}") from None
    detector = SignatureDetector(SIGNATURES, rate)
    size = detector.frame_size
    found: Counter[Signature] = Counter()
    for start in range(0, samples.size - size + 1, size):
        frame = samples[start : start + size]
        if np.any(frame):
            found.update(detector.analyse(frame))
    return found


class EvidenceFolder:
    """One scenario's evidence folder, as the evidence writer left it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        path = directory / INDEX_NAME
        if not path.is_file():
            raise EvidenceMissing(f"no {INDEX_NAME} in {directory}: nothing was kept")
        try:
            self.index = EvidenceIndex.load(path)
        except ValueError as exc:
            raise EvidenceMissing(str(exc)) from None

    def text(self, name: str) -> str:
        path = self.directory / name
        if not path.is_file():
            raise EvidenceMissing(f"{name} is missing from {self.directory}")
        return path.read_text()

    def require_files_described(self) -> None:
        """Every file exists, is listed in the index with a description, and in the README."""
        readme = self.text(README_NAME)
        listed = {f.name: f.what for f in self.index.files}
        for path in sorted(self.directory.iterdir()):
            if path.name not in listed:
                raise EvidenceMissing(f"{path.name} is not listed in {INDEX_NAME}")
        for name, what in listed.items():
            if not (self.directory / name).is_file():
                raise EvidenceMissing(f"{INDEX_NAME} lists {name}, which is not in the folder")
            if not what or name not in readme:
                raise EvidenceMissing(f"{README_NAME} does not say what {name} is")

    def require_call(self, sut_call_id: str, sip_call_ids: list[str]) -> None:
        """The ladder shows each SIP Call-ID's INVITE; the Call IDs file and index name them."""
        ladder = self.text("sip-ladder.txt")
        for sip in sip_call_ids:
            if not any("INVITE " in line and sip in line for line in ladder.splitlines()):
                raise EvidenceMissing(f"sip-ladder.txt shows no INVITE of SIP Call-ID {sip}")
        ids = self.text("call-ids.txt")
        if sut_call_id not in ids:
            raise EvidenceMissing(f"call-ids.txt lacks the SUT's Call ID {sut_call_id}: {ids!r}")
        known = self.index.call_ids.get(sut_call_id)
        if known is None or sip_call_ids[0] not in known:
            raise EvidenceMissing(
                f"{INDEX_NAME} does not pair Call ID {sut_call_id} with SIP Call-ID "
                f"{sip_call_ids[0]} (it has {self.index.call_ids})"
            )

    def require_capture(self, sip_call_ids: list[str]) -> CaptureSummary:
        """The pcap holds each leg's INVITE and 200 OK, and RTP to and from every port their
        SDP announced; tshark, when installed, decodes the same."""
        path = self.directory / CAPTURE_NAME
        try:
            summary = summarise_capture(path)
        except (OSError, PcapFormatError) as exc:
            raise EvidenceMissing(f"{CAPTURE_NAME} cannot be read: {exc}") from None
        for sip in sip_call_ids:
            if not summary.requests[("INVITE", sip)]:
                raise EvidenceMissing(f"{CAPTURE_NAME} holds no INVITE of SIP Call-ID {sip}")
            if not summary.responses[("200", "INVITE", sip)]:
                raise EvidenceMissing(f"{CAPTURE_NAME} holds no 200 OK to the INVITE of {sip}")
            ports = summary.audio_ports.get(sip, set())
            if not ports:
                raise EvidenceMissing(f"{CAPTURE_NAME} holds no SDP of SIP Call-ID {sip}")
            for port in sorted(ports):
                to, out = summary.rtp_to(port), summary.rtp_from(port)
                if to < MIN_RTP_PACKETS or out < MIN_RTP_PACKETS:
                    raise EvidenceMissing(
                        f"{CAPTURE_NAME} holds {to} RTP packets to and {out} from port {port} "
                        f"(SDP of {sip}); at least {MIN_RTP_PACKETS} each way expected"
                    )
        if tshark_path() is not None:
            self._require_tshark(path, sip_call_ids)
        return summary

    def _require_tshark(self, path: Path, sip_call_ids: list[str]) -> None:
        try:
            packets = decode(path, self.index.sip_ports)
        except TsharkError as exc:
            raise EvidenceMissing(str(exc)) from None
        for sip in sip_call_ids:
            sip_packets = [p for p in packets if p.is_sip and p.sip_call_id == sip]
            if not any(p.sip_method == "INVITE" for p in sip_packets):
                raise EvidenceMissing(f"tshark finds no SIP INVITE of {sip} in {CAPTURE_NAME}")
            if not any(p.sip_status == "200" and p.cseq_method == "INVITE" for p in sip_packets):
                raise EvidenceMissing(f"tshark finds no SIP 200 OK of {sip} in {CAPTURE_NAME}")
        rtp = sum(1 for p in packets if p.is_rtp)
        if rtp < MIN_RTP_PACKETS:
            raise EvidenceMissing(f"tshark finds {rtp} RTP packets in {CAPTURE_NAME}")

    def require_heard(self, party: str, sip_call_id: str, speaker: Signature) -> int:
        """The WAV of what ``party`` heard on ``sip_call_id`` carries ``speaker``'s signature;
        returns in how many 20 ms frames."""
        files = [f for f in self.index.files if f.party == party and f.sip_call_id == sip_call_id]
        if not files:
            names = [f.name for f in self.index.files if f.name.endswith(".wav")]
            raise EvidenceMissing(
                f"no WAV of what {party} heard on SIP Call-ID {sip_call_id} (WAV files: {names})"
            )
        frames = heard_frames(self.directory / files[0].name)
        if not frames[speaker]:
            heard = ", ".join(f"{s}: {n} frames" for s, n in frames.items()) or "nothing"
            raise EvidenceMissing(
                f"{files[0].name} (what {party} heard) carries {frames[speaker]} frames of "
                f"{speaker}; heard {heard}"
            )
        return frames[speaker]
