"""``callproof load --bench``: the load figures of the README, measured again with one command.

Everything calls SIPp UAS that echo the RTP (``-sn uas -rtp_echo``), so the far end is the
same for both generators and the reference's own capacity is out of the picture. A SIPp UAS
echoes every call through one media socket; on a busy machine its echo thread falls behind and
that socket's kernel buffer overflows, which the calls see as loss. The harness's calls are
therefore spread over `ECHOES` of them, and each step reports the datagrams their media
sockets dropped (``/proc/net/udp``), so a loss at the far end is told from one of ours:

- *scaling*: the harness (``callproof load --target … --echo``, every call verified by its
  watermark) at rising rate steps with 1 worker process, then with 2; a step holds when no call
  failed and the rate achieved after the ramp is at least 90 % of the rate asked;
- *SIPp with RTP* at the same steps: its UAC streams G.711 (``rtp_stream``, looped) for the
  same hold, verifying nothing; calls/s per core of each (CPU of the generator's processes,
  from the kernel's accounting of this process's children) and the ratio;
- *concurrency*: 2 workers, long calls, rising levels of calls up at once; the highest level
  with every call verified and under 1 % of the packets lost;
- *soak*: half the highest 2-worker rate for ``--soak`` seconds; failed calls, the workers'
  memory at the start and the end, RTP ports left open.

The machine is shared: the load average is printed with each figure.
"""

from __future__ import annotations

import json
import os
import resource
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from harness.benchmarks import stats
from harness.benchmarks.sipp_load import SippLoad
from harness.interop.sipp import find_sipp, write_g711_file
from harness.load.profile import CallKind, LoadProfile
from harness.load.run import LoadOptions, LoadResult, run_load
from harness.media.tones import SIGNATURES

Progress = Callable[[str], None]

RATES = (10.0, 20.0, 40.0, 60.0, 80.0, 100.0, 130.0, 160.0)
HOLD = 2.0
STEP_SECONDS = 20.0
RAMP = 2.0
HOLDS_SHARE = 0.9  # of the rate asked, achieved after the ramp
CONCURRENCY = (200, 400, 600, 800, 1000, 1200)
CONCURRENCY_HOLD = 20.0
LOSS_LIMIT = 1.0
MEMORY_BOUND_KIB = 64 * 1024  # growth of a worker's resident memory over a soak
ECHOES = 8  # far ends sharing the calls: each echo's socket overflows later
SIPP_SCENARIO = "uac-rtp-loop.xml"
SIPP_STREAM = "stream.pcmu"


@dataclass
class Step:
    """One rate step of one generator."""

    generator: str
    rate: float
    calls: int
    failed: int
    achieved: float | None  # calls/s after the ramp
    cpu_seconds: float
    seconds: float
    load_average: float
    loss_max: float | None = None
    far_end_drops: int | None = None  # datagrams the echoing UAS's media sockets dropped
    engine_cpu_seconds: float | None = None  # of cpu_seconds, the workers' asyncio threads

    @property
    def ms_per_call(self) -> float | None:
        """CPU milliseconds the generator spent per call placed."""
        return 1000 * self.cpu_seconds / self.calls if self.calls and self.cpu_seconds else None

    @property
    def engine_share(self) -> float | None:
        """The calls' own thread's part of the workers' CPU (the rest: Locust and gevent)."""
        if self.engine_cpu_seconds is None or not self.cpu_seconds:
            return None
        return self.engine_cpu_seconds / self.cpu_seconds

    @property
    def cores(self) -> float | None:
        return self.cpu_seconds / self.seconds if self.seconds > 0 else None

    @property
    def per_core(self) -> float | None:
        """Calls completed (verified, for the harness) per second of one core's CPU time.

        Counted over the calls and the CPU of the same span, so the start-up and the wind-down
        of a step (no calls, little CPU) do not flatter the figure.
        """
        done = self.calls - self.failed
        return done / self.cpu_seconds if done > 0 and self.cpu_seconds > 0 else None

    @property
    def holds(self) -> bool:
        return (
            self.calls > 0 and self.failed == 0 and self.achieved is not None
            and self.achieved >= HOLDS_SHARE * self.rate
        )  # fmt: skip

    def row(self) -> list[str]:
        return [
            self.generator, f"{self.rate:g}", str(self.calls), str(self.failed),
            stats.number(self.achieved), stats.number(self.cores, 2),
            stats.number(self.per_core), stats.number(self.ms_per_call, 2),
            "—" if self.engine_share is None else f"{100 * self.engine_share:.0f} %",
            f"{self.load_average:.2f}",
            "—" if self.far_end_drops is None else str(self.far_end_drops),
            "held" if self.holds else "did not hold",
        ]  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def udp_drops(ports: Sequence[int]) -> int:
    """Datagrams the kernel dropped at the UDP sockets bound to ``ports`` on 127.0.0.1."""
    try:
        return parse_udp_drops(Path("/proc/net/udp").read_text(), ports)
    except OSError:
        return 0


def parse_udp_drops(table: str, ports: Sequence[int]) -> int:
    """The ``drops`` column of ``/proc/net/udp`` summed over sockets on 127.0.0.1:``ports``."""
    wanted = {f"0100007F:{port:04X}" for port in ports}
    dropped = 0
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) > 12 and fields[1] in wanted:
            dropped += int(fields[-1])
    return dropped


def _workers_cpu(path: Path) -> float:
    """CPU seconds the Locust workers spent from their first call to their last record.

    Their start-up (imports) is left out: it is not load, and would dominate a short step.
    """
    if not path.exists():
        return 0.0
    done = json.loads(path.read_text(encoding="utf-8")).get("workers_done", [])
    return sum(w["cpu_at_end"] - w["cpu_at_start"] for w in done
               if w.get("cpu_at_start") is not None)  # fmt: skip


def _engine_cpu(path: Path) -> float | None:
    """Of `_workers_cpu`, what the workers' asyncio threads (the calls themselves) used."""
    if not path.exists():
        return None
    done = json.loads(path.read_text(encoding="utf-8")).get("workers_done", [])
    spans = [w["engine_cpu_at_end"] - w["engine_cpu_at_start"] for w in done
             if w.get("engine_cpu_at_start") is not None
             and w.get("engine_cpu_at_end") is not None]  # fmt: skip
    return sum(spans) if spans else None


def _steady_rate(result: LoadResult) -> float | None:
    """Verified calls per second once every user is calling: after the ramp and one pacing
    interval (each user starts at a random point of its interval), up to the last dial."""
    if len(result.records) < 2:
        return None
    profile = result.profile
    settle = profile.ramp + 1.0 / profile.rate_per_user
    start = min(r.started_at for r in result.records) + settle
    end = max(r.started_at for r in result.records)
    if end - start < 2.0:
        return None
    counted = [r for r in result.records if r.verified and start <= r.started_at <= end]
    return len(counted) / (end - start)


async def harness_step(
    workdir: Path, uri: str, rate: float, processes: int, *, seconds: float = STEP_SECONDS,
    hold: float = HOLD, progress: Progress, media_ports: Sequence[int] = (),
) -> tuple[Step, LoadResult]:  # fmt: skip
    profile = LoadProfile(rate=rate, duration=seconds, ramp=RAMP, processes=processes,
                          mix=(CallKind("bench", 1.0, hold),))  # fmt: skip
    options = LoadOptions(profile=profile, reports=workdir / f"h{processes}-{rate:g}",
                          target=uri, expect="echo", fork_workers=True)  # fmt: skip
    drops = udp_drops(media_ports)
    result = await run_load(options, lambda _: None)
    drops = udp_drops(media_ports) - drops
    cpu = _workers_cpu(result.reports / "workers.json")
    loss = stats.Summary.of(r.loss_percent for r in result.records)
    step = Step(f"harness x{processes}", rate, len(result.records), len(result.failed),
                _steady_rate(result), cpu, result.seconds,
                os.getloadavg()[0], loss.max, drops if media_ports else None,
                _engine_cpu(result.reports / "workers.json"))  # fmt: skip
    if step.failed:
        reasons = sorted({r.failure.split(": call ")[0] for r in result.failed})
        progress(f"    failures: {'; '.join(reasons)[:300]}")
    progress(f"  harness, {processes} worker(s), {rate:g} calls/s: {step.calls} calls, "
             f"{step.failed} failed, {stats.number(step.achieved)} achieved, "
             f"{stats.number(step.cores, 2)} cores, {drops} dropped at the far end")  # fmt: skip
    return step, result


def _sipp_scenario(workdir: Path, hold: float) -> Path:
    """A UAC streaming G.711 in a loop for ``hold`` seconds (from fixtures/sipp/uac_rtp.xml)."""
    source = Path(__file__).resolve().parents[2] / "fixtures" / "sipp" / "uac_rtp.xml"
    text = source.read_text(encoding="utf-8")
    text = text.replace(
        'rtp_stream="caller-signature.pcmu,1,0"', f'rtp_stream="{SIPP_STREAM},-1,0"'
    )
    text = text.replace(
        '<pause milliseconds="2000"/>', f'<pause milliseconds="{hold * 1000:.0f}"/>'
    )
    path = workdir / SIPP_SCENARIO
    path.write_text(text, encoding="utf-8")
    write_g711_file(workdir / SIPP_STREAM, SIGNATURES[0].samples(8000))
    return path


async def sipp_step(
    workdir: Path, uas: tuple[str, int], rate: float, *, seconds: float = STEP_SECONDS,
    hold: float = HOLD, progress: Progress,
) -> Step:  # fmt: skip
    run_dir = workdir / f"sipp-{rate:g}"
    run_dir.mkdir(parents=True, exist_ok=True)
    scenario = _sipp_scenario(run_dir, hold)
    calls = max(1, round(rate * seconds))
    uac = SippLoad(cast(Any, scenario), run_dir, calls=calls, rate=rate, remote=uas,
                   service="bench", time_limit=seconds + hold + 30, recv_timeout=10.0)  # fmt: skip
    cpu = _children_cpu()
    started = time.monotonic()
    try:
        await uac.start()
        run = await uac.finish(seconds + hold + 40)
    finally:
        await uac.stop()
    wall = time.monotonic() - started
    cpu = _children_cpu() - cpu
    achieved = run.ok / max(wall - hold, 1e-3) if run.ok else None
    step = Step("sipp rtp", rate, run.ok + run.failed, run.failed, achieved, cpu, wall,
                os.getloadavg()[0])  # fmt: skip
    progress(f"  SIPp with RTP, {rate:g} calls/s: {step.calls} calls, {step.failed} failed, "
             f"{stats.number(achieved)} achieved, {stats.number(step.cores, 2)} cores")  # fmt: skip
    return step


async def ramp_up(run_step: Callable[[float], Any], rates: Sequence[float]) -> list[Step]:
    """Steps up to the first that does not hold."""
    steps: list[Step] = []
    for rate in rates:
        step = await run_step(rate)
        steps.append(step)
        if not step.holds:
            break
    return steps


def _best_per_core(steps: Sequence[Step]) -> float | None:
    """The most calls/s per core among the steps that held."""
    values = [s.per_core for s in steps if s.holds and s.per_core is not None]
    return max(values) if values else None


def best(steps: Sequence[Step]) -> Step | None:
    held = [s for s in steps if s.holds]
    return max(held, key=lambda s: s.rate) if held else None


async def bench_load(
    progress: Progress, *, rates: Sequence[float] = RATES, soak: float = 600.0,
    concurrency: Sequence[int] = CONCURRENCY, seconds: float = STEP_SECONDS,
) -> dict[str, Any]:  # fmt: skip
    """Every figure, in one run; returns them as a dict (also printed as they come)."""
    if find_sipp() is None:
        raise RuntimeError("sipp is not installed (Debian: sip-tester)")
    figures: dict[str, Any] = {"started": time.time(), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="callproof-load-bench-") as tmp:
        workdir = Path(tmp)
        echoes = [
            SippLoad("uas", workdir / f"uas-{i}", calls=10**7, rtp_echo=True,
                     recv_timeout=None, time_limit=6 * 3600)
            for i in range(ECHOES)
        ]  # fmt: skip
        try:
            for echo in echoes:
                await echo.start()
            uas = echoes[0]
            uri = ",".join(f"sip:bench@{e.host}:{e.sip_port}" for e in echoes)
            ports = [e.sipp.media_port for e in echoes]
            steps: dict[str, list[Step]] = {}
            for processes in (1, 2):
                progress(f"harness with {processes} worker process(es), every call verified:")

                async def harness(rate: float, n: int = processes) -> Step:
                    step, _ = await harness_step(workdir, uri, rate, n, seconds=seconds,
                                                 progress=progress, media_ports=ports)  # fmt: skip
                    return step

                steps[f"harness x{processes}"] = await ramp_up(harness, rates)
            progress("SIPp UAC with RTP (rtp_stream), nothing verified:")

            async def sipp(rate: float) -> Step:
                return await sipp_step(workdir, uas.sip_address, rate, seconds=seconds,
                                       progress=progress)  # fmt: skip

            steps["sipp rtp"] = await ramp_up(sipp, rates)
            figures["steps"] = {k: [s.__dict__ | {"holds": s.holds, "per_core": s.per_core,
                                                  "ms_per_call": s.ms_per_call,
                                                  "engine_share": s.engine_share}
                                    for s in v] for k, v in steps.items()}  # fmt: skip
            figures["rows"] = [s.row() for v in steps.values() for s in v]
            one, two, sipp_best = (best(steps["harness x1"]), best(steps["harness x2"]),
                                   best(steps["sipp rtp"]))  # fmt: skip
            figures["best"] = {k: (s.__dict__ | {"per_core": s.per_core}) if s else None
                               for k, s in (("harness x1", one), ("harness x2", two),
                                            ("sipp rtp", sipp_best))}  # fmt: skip
            if one and two and one.achieved and two.achieved:
                figures["scaling"] = two.achieved / one.achieved
            harness_core = _best_per_core([*steps["harness x1"], *steps["harness x2"]])
            sipp_core = _best_per_core(steps["sipp rtp"])
            figures["per_core"] = {"harness": harness_core, "sipp": sipp_core,
                                   "ratio": harness_core / sipp_core
                                   if harness_core and sipp_core else None}  # fmt: skip
            figures["concurrency"] = await _concurrency(workdir, uri, concurrency, progress, ports)
            half = (two.rate if two else (one.rate if one else rates[0])) / 2
            if soak > 0:
                figures["soak"] = await _soak(workdir, uri, half, soak, progress, ports)
        finally:
            for echo in echoes:
                await echo.stop()
    figures["load_average_end"] = os.getloadavg()
    return figures


async def _concurrency(
    workdir: Path, uri: str, levels: Sequence[int], progress: Progress, ports: Sequence[int]
) -> dict[str, Any]:
    progress(f"concurrency, 2 workers, calls of {CONCURRENCY_HOLD:g} s:")
    held = 0
    observed = []
    for level in levels:
        rate = level / (CONCURRENCY_HOLD + 1.0)
        step, _ = await harness_step(workdir, uri, rate, 2, seconds=CONCURRENCY_HOLD + 10,
                                          hold=CONCURRENCY_HOLD, progress=progress,
                                          media_ports=ports)  # fmt: skip
        loss = step.loss_max if step.loss_max is not None else 100.0
        ok = step.calls > 0 and step.failed == 0 and loss < LOSS_LIMIT
        observed.append({"level": level, "rate": rate, "calls": step.calls,
                         "failed": step.failed, "loss_max": step.loss_max, "ok": ok,
                         "far_end_drops": step.far_end_drops,
                         "load_average": step.load_average})  # fmt: skip
        if not ok:
            break
        held = level
    return {"held": held, "levels": observed}


async def _soak(
    workdir: Path, uri: str, rate: float, seconds: float, progress: Progress,
    ports: Sequence[int],
) -> dict[str, Any]:  # fmt: skip
    progress(f"soak: {rate:g} calls/s for {seconds:g} s, 2 workers:")
    step, result = await harness_step(workdir, uri, rate, 2, seconds=seconds, progress=progress,
                                      media_ports=ports)  # fmt: skip
    workers_path = result.reports / "workers.json"
    workers = json.loads(workers_path.read_text()) if workers_path.exists() else {}
    growth = [
        (w["rss_kib"] - w["rss_at_start_kib"]) for w in workers.get("workers_done", [])
        if w.get("rss_kib") is not None and w.get("rss_at_start_kib") is not None
    ]  # fmt: skip
    open_ports = sum(w.get("open_rtp_ports", 0) for w in workers.get("workers_done", []))
    return {
        "rate": rate, "seconds": seconds, "calls": step.calls, "failed": step.failed,
        "memory_growth_kib": growth, "memory_bound_kib": MEMORY_BOUND_KIB,
        "memory_within_bound": bool(growth) and max(growth) <= MEMORY_BOUND_KIB,
        "open_rtp_ports": open_ports, "problems": result.problems,
        "far_end_drops": step.far_end_drops,
        "load_average": step.load_average, "workers": workers.get("workers_done", []),
    }  # fmt: skip


def render_figures(figures: dict[str, Any]) -> str:
    header = ["generator", "asked/s", "calls", "failed", "achieved/s", "cores", "calls/s/core",
              "ms CPU/call", "calls' thread", "load avg", "far-end drops", "step"]  # fmt: skip
    lines = ["load figures (far end: sipp -sn uas -rtp_echo)", "",
             stats.table(header, figures.get("rows", []), "lrrrrrrrrrrl"), ""]  # fmt: skip
    b = figures.get("best", {})
    for name in ("harness x1", "harness x2", "sipp rtp"):
        step = b.get(name)
        lines.append(f"{name}: best held {stats.number(step['achieved']) if step else '—'} "
                     f"calls/s")  # fmt: skip
    lines.append(f"scaling 2 workers / 1: {stats.number(figures.get('scaling'), 2)}")
    pc = figures.get("per_core", {})
    lines.append(f"calls/s per core: harness {stats.number(pc.get('harness'))} (verified), "
                 f"SIPp {stats.number(pc.get('sipp'))} (not verified); ratio "
                 f"{stats.number(pc.get('ratio'), 2)}")  # fmt: skip
    conc = figures.get("concurrency")
    if conc:
        lines.append(f"concurrency: {conc['held']} calls held verified across 2 workers with "
                     f"< {LOSS_LIMIT:g} % loss")  # fmt: skip
        lines.extend(f"  level {c['level']}: {c['calls']} calls, {c['failed']} failed, max loss "
                     f"{stats.number(c['loss_max'], 2)} %, load avg {c['load_average']:.2f}"
                     for c in conc["levels"])  # fmt: skip
    soak = figures.get("soak")
    if soak:
        lines.append(f"soak: {soak['rate']:g} calls/s for {soak['seconds']:g} s: {soak['calls']} "
                     f"calls, {soak['failed']} failed, worker memory growth "
                     f"{soak['memory_growth_kib']} KiB (bound {soak['memory_bound_kib']} KiB), "
                     f"{soak['open_rtp_ports']} RTP ports left open, load avg "
                     f"{soak['load_average']:.2f}")  # fmt: skip
    lines.append(f"load average at the end: {figures.get('load_average_end')}")
    return "\n".join(lines)
