"""Reading a capture with Debian's ``tshark``: what Wireshark's dissectors make of each packet.

Used to prove that the evidence's pcap opens in the tool a support engineer will use, with the
SIP dissector on the ports the ladder shows and RTP found by its heuristic.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DecodedPacket", "TsharkError", "decode", "tshark_path"]

_FIELDS = (
    "frame.protocols",
    "udp.srcport",
    "udp.dstport",
    "sip.Method",
    "sip.Status-Code",
    "sip.Call-ID",
    "sip.CSeq.method",
    "rtp.ssrc",
)


class TsharkError(Exception):
    """tshark is missing, failed, or could not read the file (its message is included)."""


@dataclass(frozen=True)
class DecodedPacket:
    """One packet as tshark's dissectors saw it (empty strings for fields it did not find)."""

    protocols: tuple[str, ...]
    source_port: int
    destination_port: int
    sip_method: str
    sip_status: str
    sip_call_id: str
    cseq_method: str
    rtp_ssrc: str

    @property
    def is_sip(self) -> bool:
        return "sip" in self.protocols

    @property
    def is_rtp(self) -> bool:
        return "rtp" in self.protocols


def tshark_path() -> str | None:
    """The tshark command on this machine, or None."""
    return shutil.which("tshark")


def decode(pcap: Path, sip_ports: list[int], timeout: float = 60.0) -> list[DecodedPacket]:
    """Every packet of ``pcap``, dissected with SIP on ``sip_ports`` (5060 is SIP anyway) and
    RTP found heuristically and from the SDP of the SIP dissected."""
    tshark = tshark_path()
    if tshark is None:
        raise TsharkError("tshark is not installed (Debian package 'tshark')")
    argv = [tshark, "-n", "-r", str(pcap), "-o", "rtp.heuristic_rtp:TRUE"]
    for port in sip_ports:
        argv += ["-d", f"udp.port=={port},sip"]
    argv += ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    for name in _FIELDS:
        argv += ["-e", name]
    try:
        proc = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TsharkError(f"tshark did not read {pcap} within {timeout:g} s") from None
    if proc.returncode != 0:
        raise TsharkError(f"tshark could not read {pcap}: {proc.stderr.strip()}")
    return [_packet(line) for line in proc.stdout.splitlines() if line.strip()]


def _packet(line: str) -> DecodedPacket:
    cells = (line.split("\t") + [""] * len(_FIELDS))[: len(_FIELDS)]
    protocols, sport, dport, method, status, call_id, cseq, ssrc = cells
    return DecodedPacket(
        tuple(protocols.split(":")),
        int(sport) if sport.isdigit() else 0,
        int(dport) if dport.isdigit() else 0,
        method,
        status,
        call_id,
        cseq,
        ssrc,
    )
