"""``callproof load``: a Locust run against the SUT, every call verified, then accounted for.

The command, on its own asyncio loop:

1. checks the profile (an impossible rate is refused before anything starts);
2. starts the reference (or joins one with ``--sut-url``), opens an account, creates the load
   number and its agents (SIP phones registered in a sequential Ring to), subscribes to the
   SUT's events to know when every call it created has ended;
3. runs Locust (``harness/load/locustfile.py``) as a child process: headless with its CSV and
   HTML report into ``reports/load/``, or with its web UI; with ``--processes N`` Locust forks
   N workers; with ``--master`` it waits for workers started elsewhere (``--worker``);
4. after Locust ends (bounded by the profile's duration plus a grace), waits for the SUT to end
   every call it created, reads its call log and reconciles it with the generator's records;
5. writes ``summary.json`` and ``summary.txt`` beside Locust's reports, and undoes everything:
   the Locust processes (by their process group, which the command created), the agents,
   the account, the reference; RTP ports left open are reported.

``--target URI --echo`` calls a UAS that echoes the RTP (SIPp's ``-rtp_echo``) instead of the
SUT: each customer then hears its own word, and there is no call log to reconcile.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.benchmarks import stats
from harness.load.agents import AgentPool
from harness.load.calls import (
    ANSWER_TIMEOUT,
    HANGUP_TIMEOUT,
    VERIFY_TIMEOUT,
    CallRecord,
    Expect,
)
from harness.load.profile import LoadProfile
from harness.load.reconcile import Reconciliation, reconcile
from harness.media.transport import MediaClock, open_endpoints
from harness.runtime.cleanup import Cleanup
from harness.sut.events import SutEvent
from harness.sut.model import Number

Progress = Callable[[str], None]

CALL_BOUND = ANSWER_TIMEOUT + VERIFY_TIMEOUT + 2 * HANGUP_TIMEOUT + 2  # a call beyond its hold
LOCUST_GRACE = 60.0  # beyond the duration and the longest call: Locust must have ended
END_TIMEOUT = 15.0  # after Locust: the SUT ends every call it created
RING_TIME = 10  # seconds each agent of the sequential widget rings
REPORT_DIR = "load"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass
class LoadOptions:
    """How ``callproof load`` runs."""

    profile: LoadProfile
    reports: Path
    target: str = ""  # a SIP URI to call instead of the SUT's load number
    number: str = ""  # an E.164 number of the SUT to call instead of the load number
    expect: Expect = "agent"
    sut_url: str | None = None
    sut: str = "reference"  # or a vendor's adapter as package.module:factory
    web: bool = False
    web_port: int = 8089
    master: bool = False
    master_bind: str = "127.0.0.1"
    master_port: int = 5557
    expect_workers: int = 1
    locust_args: list[str] = field(default_factory=list)
    fork_workers: bool = False  # Locust workers even for one process (their CPU is reported)


@dataclass
class LoadResult:
    """What a load run found."""

    profile: LoadProfile
    records: list[CallRecord]
    seconds: float
    locust_exit: int | None
    reconciliation: Reconciliation | None = None
    agents: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    reports: Path = Path()

    @property
    def verified(self) -> int:
        return sum(1 for r in self.records if r.verified)

    @property
    def failed(self) -> list[CallRecord]:
        return [r for r in self.records if not r.verified]

    @property
    def crosstalk(self) -> list[CallRecord]:
        return [r for r in self.records if r.crosstalk]

    @property
    def verified_rate(self) -> float | None:
        return stats.per_second(self.verified, self.seconds)

    @property
    def ok(self) -> bool:
        return (
            bool(self.records) and not self.failed and not self.problems
            and (self.reconciliation is None or self.reconciliation.clean)
            and (self.agents is None or not self.agents.get("problem_count"))
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        def summary(values: list[float | None]) -> dict[str, Any]:
            return stats.Summary.of(values).as_dict()

        return {
            "ok": self.ok,
            "profile": self.profile.as_dict(),
            "seconds": self.seconds,
            "calls": len(self.records),
            "verified": self.verified,
            "failed": len(self.failed),
            "verified_calls_per_second": self.verified_rate,
            "answer_ms": summary([r.answer_ms for r in self.records]),
            "audio_ms": summary([r.audio_ms for r in self.records]),
            "two_way_ms": summary([r.two_way_ms for r in self.records]),
            "loss_percent": summary([r.loss_percent for r in self.records]),
            "jitter_ms": summary([r.jitter_ms for r in self.records]),
            "mos": summary([r.mos for r in self.records]),
            "failures": [self._failure(r) for r in self.failed[:100]],
            "crosstalk": len(self.crosstalk),
            "reconciliation": self.reconciliation.as_dict() if self.reconciliation else None,
            "agents": self.agents,
            "locust_exit": self.locust_exit,
            "problems": self.problems,
            "notes": self.notes,
            "load_average": list(self.load_average),
        }

    def _failure(self, record: CallRecord) -> dict[str, Any]:
        sut = self.reconciliation.sut_call_ids if self.reconciliation else {}
        return {
            "sip_call_id": record.sip_call_id,
            "call_id": sut.get(record.sip_call_id),
            "key": record.key,
            "kind": record.kind,
            "failure": record.failure,
            "crosstalk_with": [self._call_of_key(k) for k in record.crosstalk],
        }

    def _call_of_key(self, key: int) -> dict[str, Any]:
        """The other call of a cross-talk, by its key: its SIP Call-ID and the SUT's Call ID."""
        sut = self.reconciliation.sut_call_ids if self.reconciliation else {}
        for record in self.records:
            if record.key == key:
                return {"key": key, "sip_call_id": record.sip_call_id,
                        "call_id": sut.get(record.sip_call_id)}  # fmt: skip
        return {"key": key, "sip_call_id": None, "call_id": None}


def render(result: LoadResult) -> str:
    """The summary printed after a run (and kept as ``summary.txt``)."""
    records = result.records

    def line(label: str, values: list[float | None], unit: str) -> str:
        s = stats.Summary.of(values)
        return (f"  {label}: median {stats.number(s.median)} {unit}, p95 {stats.number(s.p95)} "
                f"{unit}, max {stats.number(s.max)} {unit} ({s.n} calls)")  # fmt: skip

    p = result.profile
    lines = [
        f"load: {len(records)} calls in {result.seconds:.1f} s "
        f"(asked {p.rate:g} calls/s for {p.duration:g} s, {p.processes} process(es), "
        f"{p.users} users)",
        f"  {result.verified} verified, {len(result.failed)} failed: "
        f"{stats.number(result.verified_rate)} verified calls/s",
        line("dial to answer", [r.answer_ms for r in records], "ms"),
        line("answer to audio", [r.audio_ms for r in records], "ms"),
        line("answer to two-way audio", [r.two_way_ms for r in records], "ms"),
        line("loss", [r.loss_percent for r in records], "%"),
        line("jitter", [r.jitter_ms for r in records], "ms"),
        line("MOS", [r.mos for r in records], ""),
        f"  cross-talk: {len(result.crosstalk)} call(s)",
    ]
    reasons: dict[str, int] = {}
    for record in result.failed:
        reason = record.failure.split(" on call ")[0].split(": call ")[0]
        reasons[reason] = reasons.get(reason, 0) + 1
    if reasons:
        lines.append("failures by reason:")
        lines.extend(f"  {count} calls: {reason}" for reason, count in
                     sorted(reasons.items(), key=lambda item: -item[1])[:10])  # fmt: skip
    failures = result.as_dict()["failures"]
    if failures:
        lines.append("failed calls (Call ID, SIP Call-ID: why):")
        for f in failures[:20]:
            lines.append(f"  {f['call_id'] or '-'}, {f['sip_call_id']}: {f['failure']}")
            for other in f["crosstalk_with"]:
                lines.append(f"    the other call: Call ID {other['call_id'] or '-'}, "
                             f"SIP Call-ID {other['sip_call_id'] or 'unknown'} "
                             f"(key {other['key']})")  # fmt: skip
        if len(result.failed) > 20:
            lines.append(f"  … and {len(result.failed) - 20} more (summary.json)")
    if result.reconciliation is not None:
        lines.append(result.reconciliation.render())
    if result.agents is not None:
        a = result.agents
        lines.append(f"agents: {a['answered']} answered, {a['busy']} busy refusals, "
                     f"{a['heard_customer']} heard their customer, {a['crosstalk']} cross-talk, "
                     f"{a['problem_count']} problem(s)")  # fmt: skip
        lines.extend(f"  {text}" for text in a["problems"][:20])
    lines.extend(f"note: {n}" for n in result.notes)
    lines.extend(f"problem: {p}" for p in result.problems)
    one, five, fifteen = result.load_average
    lines.append(f"load average: {one:.2f} {five:.2f} {fifteen:.2f} "
                 f"({os.cpu_count()} CPUs); reports in {result.reports}")  # fmt: skip
    lines.append(f"verdict: {'PASSED' if result.ok else 'FAILED'}")
    return "\n".join(lines)


def locust_command(options: LoadOptions, target: str, records: Path, out: Path) -> list[str]:
    """The Locust command line of a run."""
    p = options.profile
    longest = max(k.hold for k in p.mix)
    mix = json.dumps([{"name": k.name, "weight": k.weight, "hold": k.hold} for k in p.mix])
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE),
        "-u", str(p.users), "-r", f"{p.spawn_rate:g}",
        "--stop-timeout", f"{longest + CALL_BOUND:g}",
        "--callproof-target", target, "--callproof-expect", options.expect,
        "--callproof-mix", mix, "--callproof-rate-per-user", f"{p.rate_per_user:.6g}",
        "--callproof-records", str(records),
        "--loglevel", "WARNING", "--exit-code-on-error", "1",
    ]  # fmt: skip
    if options.web:  # the person at the web UI starts and stops the test
        command += ["--web-host", "127.0.0.1", "--web-port", str(options.web_port)]
    else:
        command += ["--callproof-run-time", f"{p.duration:g}", "--headless", "--only-summary",
                    "--csv", str(out / "locust"), "--html", str(out / "locust.html")]  # fmt: skip
    if options.master:
        command += ["--master", "--master-bind-host", options.master_bind,
                    "--master-bind-port", str(options.master_port),
                    "--expect-workers", str(options.expect_workers)]  # fmt: skip
    elif p.processes > 1 or options.fork_workers:
        # Locust's master listens on every address and port 5557 unless told otherwise: here
        # it is loopback and a free port (the forked workers read the same options).
        port = str(free_tcp_port())
        command += ["--processes", str(p.processes), "--master-bind-host", "127.0.0.1",
                    "--master-bind-port", port, "--master-host", "127.0.0.1",
                    "--master-port", port]  # fmt: skip
    return command + options.locust_args


def free_tcp_port() -> int:
    """A TCP port free on 127.0.0.1 at this moment (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_command(master_host: str, master_port: int, extra: list[str]) -> list[str]:
    """The Locust worker command that joins a master started with ``--master``."""
    return [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--worker",
        "--master-host", master_host, "--master-port", str(master_port), "--loglevel", "WARNING",
        *extra,
    ]  # fmt: skip


async def run_process(
    command: list[str], limit: float, progress: Progress, watch: Callable[[str], None] | None = None
) -> int | None:
    """Run ``command`` in its own process group; kill that group past ``limit`` seconds.

    Its output goes to ours line by line (and to ``watch``). Returns the exit code, None when
    it had to be killed.
    """
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip

    async def pump() -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            text = raw.decode(errors="replace").rstrip()
            progress(text)
            if watch is not None:
                watch(text)

    reader = asyncio.ensure_future(pump())
    try:
        await asyncio.wait_for(process.wait(), limit)
        code: int | None = process.returncode
    except (TimeoutError, asyncio.CancelledError):
        code = None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
        if not reader.done():
            reader.cancel()
        raise_cancel = asyncio.current_task()
        if raise_cancel is not None and raise_cancel.cancelling():
            raise
    finally:
        # Workers forked by Locust share its process group: none may outlive the run.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    await asyncio.wait({reader}, timeout=5)
    return code


def read_records(path: Path) -> list[CallRecord]:
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            records.append(CallRecord.from_dict(json.loads(line)))
    return records


class SutCalls:
    """Calls the SUT created and ended, from its event stream."""

    def __init__(self) -> None:
        self.created: set[str] = set()
        self.ended: set[str] = set()
        self.settled = asyncio.Event()

    def __call__(self, event: SutEvent) -> None:
        if event.call_id is None:
            return
        if event.kind == "call.created":
            self.created.add(event.call_id)
        elif event.kind == "call.ended":
            self.ended.add(event.call_id)
        if self.created <= self.ended:
            self.settled.set()
        else:
            self.settled.clear()


@dataclass
class _Sut:
    target: str
    calls: SutCalls
    agents: AgentPool
    observation: Any


async def _open_sut(options: LoadOptions, cleanup: Cleanup, progress: Progress) -> _Sut:
    """The reference (started or joined), an account, the load number and its agents."""
    from harness.benchmarks.rig import start_reference
    from harness.data.numbers import e164
    from harness.runtime.ids import ScenarioIds
    from harness.sut.reference_adapter import ReferenceAdapter

    adapter: Any
    if options.sut == "reference":
        adapter = ReferenceAdapter(options.sut_url)
        progress("starting the reference" if options.sut_url is None
                 else f"joining the reference at {options.sut_url}")  # fmt: skip
        await start_reference(adapter, cleanup)
    else:
        adapter = load_adapter(options.sut)()
        cleanup.push("the SUT adapter", adapter.stop)
        await adapter.start()
    ids = ScenarioIds()
    tenant = await adapter.open_tenant(f"load {ids.prefix}")
    cleanup.push("the load account", tenant.close)
    directory, telephony, observation = tenant.directory, tenant.telephony, tenant.observation
    if directory is None or telephony is None or observation is None:
        raise RuntimeError("a load run needs the SUT's directory, telephony and observation")
    calls = SutCalls()
    calls.settled.set()
    cleanup.push("the SUT's event stream", await observation.subscribe(calls))
    p = options.profile
    number = await directory.create_number(f"Load {ids.prefix}", e164())
    await directory.configure_widget(number, ring_time=RING_TIME, strategy="sequential")
    pool = AgentPool(MediaClock())
    cleanup.push("the agents", pool.close)
    progress(f"provisioning {p.agents} agents taking {p.agent_capacity} calls each")
    for index in range(p.agents):
        agent = await directory.create_agent(f"Load agent {index + 1} {ids.prefix}")
        await directory.add_ring_to(number, "user", agent.id)
        if agent.sip is None:
            raise RuntimeError("the SUT gave a load agent no SIP credentials")
        await pool.add(f"agent {index + 1}", agent.sip, telephony.registrar(), p.agent_capacity)
    if options.number:
        number = Number(id="", e164=options.number, name="asked on the command line")
    return _Sut(telephony.number_uri(number), calls, pool, observation)


class LoadNotAllowed(RuntimeError):
    """The SUT's adapter does not declare that load may be run against it."""


def load_adapter(spec: str) -> Any:
    """The adapter factory ``spec``, refused unless it declares ``load_allowed = True``.

    A load run can take a platform down: only an adapter whose author says it may be loaded
    (a test platform, not production) is used. The reference always may.
    """
    from harness.sut.loader import resolve

    factory = resolve(spec)
    if getattr(factory, "load_allowed", False) is not True:
        raise LoadNotAllowed(
            f"the SUT adapter {spec} does not declare load_allowed = True; a load run is only "
            "made against a platform whose adapter says it may be loaded"
        )
    return factory


def _prepare_reports(reports: Path) -> Path:
    out = reports / REPORT_DIR
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    return out


async def run_load(options: LoadOptions, progress: Progress) -> LoadResult:
    """One load run as described in the module's docstring."""
    profile = options.profile.check(agents_needed=not options.target)
    out = _prepare_reports(options.reports)
    records_path = out / "calls.jsonl"
    cleanup = Cleanup()
    sut: _Sut | None = None
    notes: list[str] = []
    problems: list[str] = []
    missing_workers: list[str] = []

    def watch(text: str) -> None:
        if "missing" in text.lower() and "worker" in text.lower():
            missing_workers.append(text.strip())

    started = time.monotonic()
    code: int | None = None
    try:
        if options.target:
            target = options.target
        else:
            sut = await _open_sut(options, cleanup, progress)
            target = sut.target
        command = locust_command(options, target, records_path, out)
        progress(f"running Locust: {profile.users} users, {profile.rate:g} calls/s for "
                 f"{profile.duration:g} s, ramp {profile.ramp:g} s, target {target}")  # fmt: skip
        limit = profile.duration + max(k.hold for k in profile.mix) + LOCUST_GRACE
        if options.web:
            limit = 7 * 24 * 3600.0  # the user ends an interactive run (Ctrl-C)
        try:
            code = await run_process(command, limit, progress, watch)
            if code is None:
                problems.append(f"Locust did not end within {limit:g} s and was stopped")
        except asyncio.CancelledError:
            # Ctrl-C (the way an interactive run ends): Locust has been stopped; what it did
            # is still reconciled and reported.
            task = asyncio.current_task()
            if task is None or task.uncancel() > 0:
                raise
            code = None
            notes.append("the run was ended by Ctrl-C; calls up at that moment have no record")
        seconds = time.monotonic() - started
        records = read_records(records_path)
        reconciliation = None
        agents = None
        if sut is not None:
            try:
                await asyncio.wait_for(sut.calls.settled.wait(), END_TIMEOUT)
            except TimeoutError:
                open_calls = len(sut.calls.created - sut.calls.ended)
                notes.append(f"{open_calls} call(s) the SUT created had not ended "
                             f"{END_TIMEOUT:g} s after the run")  # fmt: skip
            reconciliation = reconcile(records, await sut.observation.call_log())
            agents = sut.agents.tally.as_dict()
    finally:
        progress("cleaning up: agents, the account, the reference")
        problems += await cleanup.run()
    problems += [f"RTP port left open: {e}" for e in open_endpoints()]
    if missing_workers:
        problems += [f"a Locust worker went missing: {text}" for text in missing_workers[:10]]
    problems += _workers_problems(out / "workers.json", profile, options)
    if not records:
        problems.append("no call was placed (see Locust's output above)")
    if records and not options.web and code is not None and code not in (0, 1):
        problems.append(f"Locust exited with code {code}")
    seconds = _active_seconds(records) or seconds
    result = LoadResult(profile, records, seconds, code, reconciliation, agents, problems, notes,
                        os.getloadavg(), out)  # fmt: skip
    (out / "summary.json").write_text(json.dumps(result.as_dict(), indent=2), encoding="utf-8")
    (out / "summary.txt").write_text(render(result) + "\n", encoding="utf-8")
    return result


def _workers_problems(path: Path, profile: LoadProfile, options: LoadOptions) -> list[str]:
    """Workers that went missing or never handed their last records in (master runs only)."""
    if options.web or (profile.processes < 2 and not options.master and not options.fork_workers):
        return []
    if not path.exists():
        return ["the Locust master wrote no account of its workers (it did not finish the run)"]
    run = json.loads(path.read_text(encoding="utf-8"))
    problems = [f"Locust worker {w} went missing during the run: the calls it had up are "
                "not in the records" for w in run["workers_missing"]]  # fmt: skip
    wanted = profile.processes if not options.master else options.expect_workers
    done = len(run["workers_done"])
    if done < wanted:
        problems.append(f"{done} of {wanted} Locust workers handed their last records in")
    return problems


def _active_seconds(records: list[CallRecord]) -> float:
    """From the first dial to the last hang-up."""
    if not records:
        return 0.0
    first = min(r.started_at for r in records)
    last = max(r.started_at + r.seconds for r in records)
    return last - first
