"""Our synthetic caller against baresip, a SIP user agent no one here wrote.

baresip answers at once (``answermode=auto``) and plays its signature from a WAV file (aufile).
Each direction is proven by the party that receives it:

- baresip to the caller: the caller's media leg hears baresip's signature (``AudioHeard``);
- the caller to baresip: baresip's sndfile module records what it received and decoded, and
  that recording must carry the caller's signature, frame after frame.

baresip's own view of the call (established, closed) comes from its ctrl_tcp events, recorded
in the journal beside ours. Details of the configuration are in ``harness.interop.baresip``.

baresip 1.0 binds its RTP sockets and its DNS client to every address, and no setting narrows
that. The harness binds only to loopback, so the test runs in a network namespace of its own
(``unshare -n``, where ``lo`` is the only interface): the outer test starts an inner pytest in
that namespace and reports its outcome.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.data.numbers import e164
from harness.endpoints.caller import SyntheticCaller
from harness.endpoints.events import AudioHeard, CallConnected
from harness.endpoints.stage import Stage
from harness.interop.baresip import Baresip, BaresipEvent
from harness.interop.netns import IN_NAMESPACE, namespace_unavailable, run_in_private_namespace
from harness.interop.provision import watched
from harness.media.tones import Signature, SignatureDetector
from harness.media.wav import read_wav, write_wav
from harness.runtime.journal import Match
from tests.interop.conftest import Peers, or_none

# A missing baresip skips before anything of a test starts.
pytestmark = [pytest.mark.interop, pytest.mark.usefixtures("baresip_program")]

CUSTOMER = "customer"
BARESIP = "baresip"
SOURCE_SECONDS = 10.0  # longer than the call: baresip ends a call when its aufile source ends
PACKETS_AFTER_HEARD = 50  # 1 s of the caller's audio sent once the caller hears baresip
MIN_FRAMES_RECEIVED = 25  # frames of the caller's signature baresip must have recorded (0.5 s)
EVENT_TIMEOUT = 10.0
HEAR_TIMEOUT = 5.0


@dataclass
class BaresipCallOutcome:
    heard: AudioHeard | None
    caller_heard: list[str]
    exit_status: int
    frames: dict[Signature, int]
    """Frames of baresip's received-audio recording in which each signature was found."""
    frames_total: int


def signature_frames(
    path: Path, candidates: tuple[Signature, ...]
) -> tuple[dict[Signature, int], int]:
    """Count the 20 ms frames of a WAV recording in which each candidate signature is found."""
    samples, rate = read_wav(path)
    detector = SignatureDetector(candidates, rate)
    size = detector.frame_size
    counts = dict.fromkeys(candidates, 0)
    total = samples.size // size
    for start in range(0, total * size, size):
        for signature in detector.analyse(samples[start : start + size]):
            counts[signature] += 1
    return counts, total


async def hang_up_after_audio(caller: SyntheticCaller, call_id: str, timeout: float) -> None:
    """Give baresip a known amount of the caller's audio, then hang up."""
    rtp = caller.calls[call_id][1].rtp
    assert rtp is not None
    await asyncio.wait_for(rtp.wait_sent(rtp.packets_sent + PACKETS_AFTER_HEARD), timeout)
    await caller.hangup(call_id)


@dataclass
class Received:
    """What baresip recorded of the call, and what our caller heard in it."""

    exit_status: int
    frames: dict[Signature, int]
    """Frames of baresip's received-audio recording in which each signature was found."""
    frames_total: int
    caller_heard: list[str]


async def quit_and_read(peer: Baresip, peers: Peers, call_id: str) -> Received:
    """Quit baresip (its recordings are complete once it has exited) and read them."""
    status = await peer.quit()
    received = peer.recording("dec")
    assert received is not None, (
        f"baresip wrote no recording of what it received in {peers.workdir}"
    )
    frames, total = signature_frames(received, peers.stage.all_signatures)
    caller_heard = [
        e.heard
        for e in peers.journal.events(Match(AudioHeard, party=CUSTOMER, sip_call_id=call_id))
    ]
    return Received(status, frames, total, caller_heard)


async def caller_calls_baresip(peers: Peers) -> BaresipCallOutcome:
    stage, journal, cleanup, workdir = peers.stage, peers.journal, peers.cleanup, peers.workdir
    tone = stage.signature(BARESIP)
    source = write_wav(
        workdir / "baresip-signature.wav", tone.samples(round(8000 * SOURCE_SECONDS))
    )
    peer = watched(cleanup, "baresip", Baresip(workdir, journal, source, name=BARESIP))
    await peer.start()

    caller = await SyntheticCaller.open(CUSTOMER, stage, e164())
    cleanup.push("caller", caller.close)
    call_id = await caller.dial(peer.uri)
    await journal.wait_for_async(
        Match(CallConnected, party=CUSTOMER, sip_call_id=call_id), EVENT_TIMEOUT
    )
    await journal.wait_for_async(
        Match(BaresipEvent, party=BARESIP, kind="CALL_ESTABLISHED", sip_call_id=call_id),
        EVENT_TIMEOUT,
    )
    heard = await or_none(
        journal.wait_for_async(
            Match(AudioHeard, party=CUSTOMER, heard=BARESIP, sip_call_id=call_id), HEAR_TIMEOUT
        )
    )
    await hang_up_after_audio(caller, call_id, HEAR_TIMEOUT)
    await journal.wait_for_async(
        Match(BaresipEvent, party=BARESIP, kind="CALL_CLOSED", sip_call_id=call_id), EVENT_TIMEOUT
    )
    got = await quit_and_read(peer, peers, call_id)
    return BaresipCallOutcome(heard, got.caller_heard, got.exit_status, got.frames,
                              got.frames_total)  # fmt: skip


def check_two_way_audio(
    stage: Stage,
    heard: AudioHeard | None,
    caller_heard: list[str],
    frames: dict[Signature, int],
    frames_total: int,
) -> AudioHeard:
    """The caller heard baresip (``heard``), and baresip's recording of what it received holds
    the caller's signature in enough frames; returns what the caller heard."""
    assert heard is not None, (
        f"the caller never heard baresip's signature; heard {caller_heard or 'nothing'}"
    )
    customer = stage.signature(CUSTOMER)
    found = {stage.whose(s): n for s, n in frames.items() if n}
    assert frames[customer] >= MIN_FRAMES_RECEIVED, (
        f"baresip recorded the caller's signature in {frames[customer]} of "
        f"{frames_total} frames (at least {MIN_FRAMES_RECEIVED} expected); found {found}"
    )
    return heard


def test_baresip_runs_in_a_network_namespace_of_its_own() -> None:
    """Runs the two-way audio test below inside ``unshare -n`` and reports its outcome."""
    reason = namespace_unavailable()
    if reason is not None:
        pytest.skip(reason)
    result = run_in_private_namespace(
        f"{__file__}::test_synthetic_caller_has_two_way_audio_with_baresip"
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout, result.stdout[-3000:]


def test_synthetic_caller_has_two_way_audio_with_baresip(peers: Peers) -> None:
    if not os.environ.get(IN_NAMESPACE):
        pytest.skip("runs inside a private network namespace (see the test above)")
    outcome = peers.run(caller_calls_baresip(peers))
    heard = check_two_way_audio(peers.stage, outcome.heard, outcome.caller_heard, outcome.frames,
                                outcome.frames_total)  # fmt: skip
    assert outcome.exit_status == 0, f"baresip ended with status {outcome.exit_status} on quit"
    peers.measure("caller_hears_baresip_after_answer_ms", heard.latency_ms)
    frames = outcome.frames[peers.stage.signature(CUSTOMER)]
    peers.measure("baresip_frames_with_caller_signature", frames)
