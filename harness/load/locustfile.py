"""The Locust file of ``callproof load``: users that place real SIP calls with real RTP.

Each Locust user is a customer dialling the load target at its share of the rate. The call
itself runs on the harness's asyncio loop, on its own thread in this worker process
(`harness.load.bridge` says why and how the hub is never blocked); the user's greenlet only
waits for the call's `CallRecord` and reports it to Locust as request metrics:

=========  ==========================  ===============================================
type       name                        value
=========  ==========================  ===============================================
CALL       ``<kind>``                  dial to hang-up, ms; a failure names the Call ID
SIP        ``<kind>: dial to answer``  dial to 200 OK, ms
AUDIO      ``answer to audio``         answer to the first audio the customer heard, ms
AUDIO      ``answer to two-way``       answer to both directions proven for this call, ms
MEDIA      ``jitter ms``               interarrival jitter at the customer (RFC 3550)
MEDIA      ``loss 1/100 %``            packets lost, in hundredths of a percent
MEDIA      ``MOS x100``                E-model MOS (G.107) times 100
=========  ==========================  ===============================================

Every call's record also goes to the records file the command reconciles with the SUT's call
log: a worker sends its records to the master in batches (Locust's worker-to-master
messages), so the master's machine has every record even when workers run elsewhere.
"""

from __future__ import annotations

import json
import os
import random
import resource
from collections import deque
from pathlib import Path
from typing import Any

import gevent
from gevent.event import Event
from gevent.lock import Semaphore
from locust import User, events, task
from locust.env import Environment
from locust.runners import STATE_MISSING, LocalRunner, MasterRunner, WorkerRunner

from harness.load.bridge import EngineThread, engine_thread, spawn_later
from harness.load.calls import (
    ANSWER_TIMEOUT,
    HANGUP_TIMEOUT,
    VERIFY_TIMEOUT,
    CallEngine,
    CallRecord,
    Expect,
)
from harness.load.watermark import MAX_WORKERS
from harness.media.transport import open_endpoints

MESSAGE = "callproof_calls"
DONE = "callproof_done"
FINISH_TIMEOUT = 10.0  # beyond the stop timeout: workers hand their last records in
FLUSH_SECONDS = 2.0
BATCH = 200


class CallFailed(Exception):
    """A load call that was not verified; the message names its Call ID and why."""


class _Process:
    """This process's engine, call engine and records not sent yet."""

    thread: EngineThread | None = None
    calls: CallEngine | None = None
    pending: deque[CallRecord] = deque()
    flushing = False
    opening = Semaphore()
    done: list[dict[str, Any]] = []
    all_done = Event()
    expected = 0
    rss_at_start: int | None = None
    cpu_at_start: float | None = None
    engine_cpu_at_start: float | None = None
    engine_cpu_at_end: float | None = None


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    group = parser.add_argument_group("callproof")
    group.add_argument("--callproof-target", default="",
                       help="SIP URI(s) the calls dial, comma-separated")  # fmt: skip
    group.add_argument("--callproof-expect", default="agent", choices=("agent", "echo"),
                       help="who answers: harness agents, or a UAS echoing the RTP")  # fmt: skip
    group.add_argument("--callproof-mix", default='[{"name": "call", "weight": 1, "hold": 3}]',
                       help="call kinds as JSON: [{name, weight, hold}]")  # fmt: skip
    group.add_argument("--callproof-rate-per-user", type=float, default=1.0,
                       help="calls per second of one user")  # fmt: skip
    group.add_argument("--callproof-records", default="",
                       help="JSON-lines file of every call (written by the master)")  # fmt: skip
    group.add_argument("--callproof-run-time", type=float, default=0.0,
                       help="seconds of load; then every worker hands its records in")  # fmt: skip


def _options(environment: Environment) -> Any:
    options = environment.parsed_options
    if options is None:
        raise RuntimeError("the callproof Locust file runs from the locust command line")
    return options


def _rss_kib() -> int | None:
    """This process's resident memory now (Linux), to compare with its peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _worker_index(environment: Environment) -> int:
    runner = environment.runner
    index = runner.worker_index if isinstance(runner, WorkerRunner) else 0
    return int(index) % MAX_WORKERS


def _write(path: str, records: list[dict[str, Any]]) -> None:
    if not path or not records:
        return
    with Path(path).open("a", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")


def _flush(environment: Environment) -> None:
    """Hand the records of finished calls on: to the master, or to the file."""
    pending = _Process.pending
    calls = _Process.calls
    if calls is not None:
        while calls.finished:
            pending.append(calls.finished.popleft())
    while pending:
        batch = [pending.popleft().as_dict() for _ in range(min(BATCH, len(pending)))]
        runner = environment.runner
        if isinstance(runner, WorkerRunner):
            runner.send_message(MESSAGE, {"calls": batch})
        else:
            _write(_options(environment).callproof_records, batch)


def _flush_periodically(environment: Environment) -> None:
    _flush(environment)
    if _Process.calls is not None:
        spawn_later(FLUSH_SECONDS, lambda: _flush_periodically(environment))
    else:
        _Process.flushing = False


@events.init.add_listener
def _on_init(environment: Environment, **_: Any) -> None:
    if isinstance(environment.runner, MasterRunner):
        path = _options(environment).callproof_records

        def received(msg: Any, **_: Any) -> None:
            _write(path, list(msg.data["calls"]))

        def done(msg: Any, **_: Any) -> None:
            _Process.done.append(dict(msg.data))
            if len(_Process.done) >= _Process.expected:
                _Process.all_done.set()

        environment.runner.register_message(MESSAGE, received)
        environment.runner.register_message(DONE, done)


@events.test_start.add_listener
def _on_test_start(environment: Environment, **_: Any) -> None:
    seconds = _options(environment).callproof_run_time
    if seconds > 0 and isinstance(environment.runner, MasterRunner | LocalRunner):
        spawn_later(seconds, lambda: _finish(environment))


def _finish(environment: Environment) -> None:
    """End the run: stop every user, wait for every worker's last records, then quit.

    Locust's own ``--run-time`` quits the master half a second after telling workers to quit,
    which loses the records of calls still up then; this waits for each worker's ``done``.
    """
    runner = environment.runner
    assert runner is not None
    if isinstance(runner, MasterRunner):
        _Process.expected = runner.worker_count
        if _Process.expected == 0:
            _Process.all_done.set()
    runner.stop()
    if isinstance(runner, MasterRunner):
        _Process.all_done.wait(timeout=environment.stop_timeout + FINISH_TIMEOUT)
        _write_run(environment, runner)
    runner.quit()


def _write_run(environment: Environment, runner: MasterRunner) -> None:
    """What the master knows of its workers, beside the records."""
    path = _options(environment).callproof_records
    if not path:
        return
    run = {
        "workers_expected": _Process.expected,
        "workers_done": _Process.done,
        "workers_missing": [c.id for c in runner.clients.all if c.state == STATE_MISSING],
    }
    Path(path).with_name("workers.json").write_text(json.dumps(run, indent=2), encoding="utf-8")


@events.test_stop.add_listener
def _on_test_stop(environment: Environment, **_: Any) -> None:
    """Hang up what is still up, send every record, stop the engine's use of its endpoint."""
    if not isinstance(environment.runner, WorkerRunner | LocalRunner):
        return
    calls, thread = _Process.calls, _Process.thread
    if calls is not None and thread is not None:
        try:
            thread.run(calls.close, timeout=HANGUP_TIMEOUT + 5)
        finally:
            _Process.engine_cpu_at_end = thread.cpu_seconds()
            _Process.calls = None
            while calls.finished:
                _Process.pending.append(calls.finished.popleft())
    _flush(environment)
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        runner.send_message(DONE, {
            "worker": _worker_index(environment), "pid": os.getpid(),
            "max_rss_kib": usage.ru_maxrss, "rss_kib": _rss_kib(),
            "rss_at_start_kib": _Process.rss_at_start,
            "cpu_at_start": _Process.cpu_at_start,
            "cpu_at_end": usage.ru_utime + usage.ru_stime,
            "engine_cpu_at_start": _Process.engine_cpu_at_start,
            "engine_cpu_at_end": _Process.engine_cpu_at_end,
            "open_rtp_ports": len(open_endpoints()),
        })  # fmt: skip
        if _options(environment).callproof_run_time > 0:
            # A timed run is over for this worker: it leaves now rather than idle through
            # Locust's stop timeout waiting for a next test that will not come.
            gevent.spawn(runner.quit)


@events.quitting.add_listener
def _on_quitting(environment: Environment, **_: Any) -> None:
    thread = _Process.thread
    if thread is not None:
        thread.stop()
        _Process.thread = None


def _call_engine(environment: Environment) -> tuple[EngineThread, CallEngine]:
    """This process's engine; the first user opens it while the others wait for it."""
    with _Process.opening:
        if _Process.thread is None:
            _Process.thread = engine_thread()
        thread = _Process.thread
        if _Process.calls is None:
            worker = _worker_index(environment)
            _Process.calls = thread.run(lambda: CallEngine.open(worker), timeout=10)
            _Process.rss_at_start = _rss_kib()
            start = resource.getrusage(resource.RUSAGE_SELF)
            _Process.cpu_at_start = start.ru_utime + start.ru_stime
            _Process.engine_cpu_at_start = thread.cpu_seconds()
            print(f"callproof load: worker {worker} (pid {os.getpid()}) placing calls", flush=True)
            if not _Process.flushing:
                _Process.flushing = True
                spawn_later(FLUSH_SECONDS, lambda: _flush_periodically(environment))
        return thread, _Process.calls


class Customer(User):
    """A customer calling the load target, at its share of the rate, each call verified."""

    def on_start(self) -> None:
        options = _options(self.environment)
        self.targets: list[str] = [t for t in options.callproof_target.split(",") if t]
        self.expect: Expect = options.callproof_expect
        self.kinds = [(k["name"], float(k["weight"]), float(k["hold"]))
                      for k in json.loads(options.callproof_mix)]  # fmt: skip
        self.interval = 1.0 / float(options.callproof_rate_per_user)
        self.random = random.Random()
        self.thread, self.calls = _call_engine(self.environment)
        # Start at a random point of the interval so users do not call in step.
        self.first_wait = self.random.uniform(0, self.interval)

    def wait_time(self) -> float:
        # constant_throughput by hand: the time left of this user's interval.
        elapsed = getattr(self, "_last_call_seconds", 0.0)
        return max(0.0, self.interval - elapsed)

    @task
    def call(self) -> None:
        if self.first_wait:
            self._sleep(self.first_wait)
            self.first_wait = 0.0
        name, _, hold = self.random.choices(self.kinds, [k[1] for k in self.kinds])[0]
        bound = ANSWER_TIMEOUT + VERIFY_TIMEOUT + hold + 2 * HANGUP_TIMEOUT + 5
        calls, target, expect = self.calls, self.random.choice(self.targets), self.expect
        record: CallRecord = self.thread.run(
            lambda: calls.call(target, name, hold, expect), timeout=bound
        )
        self._last_call_seconds = record.seconds
        self._report(record)

    def _sleep(self, seconds: float) -> None:
        import gevent

        gevent.sleep(seconds)

    def _report(self, record: CallRecord) -> None:
        fire = self.environment.events.request.fire
        failure = (
            CallFailed(f"Call ID {record.sip_call_id} (key {record.key}): {record.failure}")
            if record.failure
            else None
        )
        context = {"sip_call_id": record.sip_call_id}
        fire(request_type="CALL", name=record.kind, response_time=record.seconds * 1000,
             response_length=0, exception=failure, context=context)  # fmt: skip
        measures = [
            ("SIP", f"{record.kind}: dial to answer", record.answer_ms),
            ("AUDIO", "answer to audio", record.audio_ms),
            ("AUDIO", "answer to two-way", record.two_way_ms),
            ("MEDIA", "jitter ms", record.jitter_ms),
            ("MEDIA", "loss 1/100 %", None if record.loss_percent is None
             else record.loss_percent * 100),
            ("MEDIA", "MOS x100", None if record.mos is None else record.mos * 100),
        ]  # fmt: skip
        for kind, name, value in measures:
            if value is not None:
                fire(request_type=kind, name=name, response_time=value, response_length=0,
                     exception=None, context={})  # fmt: skip
