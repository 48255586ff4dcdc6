"""``callproof bench browser``: calls answered in the agent app in Chromium, and what it costs.

One agent signs in to the reference's agent app in Debian's Chromium (the same browser, flags
and audio tap as the scenarios) and is the only one in the Ring to widget of one number. Calls
come in one after another; for each, the pop-up is awaited, Accept is clicked, and the figure is
the time from just before the click to the moment both directions are heard: the customer hears
the agent's microphone signature (sent over WebRTC, bridged to RTP), and the page hears the
customer's (analysed with Web Audio). The caller then hangs up and the SUT's ``call.ended`` is
awaited before the next call.

The browser's cost is read from /proc over the whole run: CPU time of the agent's Chromium
process tree (browser, renderer, GPU and utility processes) per second of wall time, and its
proportional set size (PSS: shared pages split between the processes that share them) at the end.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.benchmarks import stats
from harness.benchmarks.rig import Progress, start_reference
from harness.data.numbers import e164
from harness.endpoints.browser.chromium import BrowserHost
from harness.endpoints.browser.phone import BrowserPhone
from harness.endpoints.caller import SyntheticCaller
from harness.endpoints.events import AudioHeard, PhoneRinging
from harness.endpoints.stage import Stage
from harness.runtime.cleanup import Cleanup
from harness.runtime.ids import ScenarioIds
from harness.runtime.journal import Journal, Match, WaitTimeout
from harness.sut.contract import CallingApp
from harness.sut.events import SutEvent
from harness.sut.reference_adapter import ReferenceAdapter

AIM_MS = 300.0
AIM = f"median answer-to-two-way-audio in the browser under {AIM_MS:g} ms"
CUSTOMER = "customer"
AGENT = "agent"
RING_TIMEOUT = 10.0
AUDIO_TIMEOUT = 5.0
END_TIMEOUT = 10.0
MAX_CALLS = 1000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class BrowserCall:
    """One call answered in the browser: None where a direction was not heard in time."""

    two_way_ms: float | None  # click to both directions heard
    customer_hears_ms: float | None  # click to the customer hearing the agent
    agent_hears_ms: float | None  # click to the page hearing the customer
    ended: bool


@dataclass(frozen=True)
class BrowserResult:
    calls: tuple[BrowserCall, ...]
    seconds: float
    cpu_percent: float | None  # of one core, the agent's Chromium tree over the run
    pss_mb: float | None
    processes: int
    problems: tuple[str, ...] = ()

    def summary(self, field: str) -> stats.Summary:
        return stats.Summary.of(getattr(c, field) for c in self.calls)

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": len(self.calls),
            "seconds": self.seconds,
            "aim": {"text": AIM, "bound_ms": AIM_MS,
                    "met": self.summary("two_way_ms").median_within(AIM_MS)},
            "two_way_ms": self.summary("two_way_ms").as_dict(),
            "customer_hears_agent_ms": self.summary("customer_hears_ms").as_dict(),
            "agent_hears_customer_ms": self.summary("agent_hears_ms").as_dict(),
            "browser_cpu_percent_of_a_core": self.cpu_percent,
            "browser_pss_mb": self.pss_mb,
            "browser_processes": self.processes,
            "problems": list(self.problems),
        }  # fmt: skip


def render_browser(result: BrowserResult) -> str:
    """The figures as printed."""
    rows = []
    for label, field in (
        ("answer to two-way audio", "two_way_ms"),
        ("customer hears the agent", "customer_hears_ms"),
        ("agent hears the customer", "agent_hears_ms"),
    ):
        s = result.summary(field)
        rows.append([label, str(s.n), str(s.missing), stats.number(s.median),
                     stats.number(s.p95), stats.number(s.max)])  # fmt: skip
    two_way = result.summary("two_way_ms")
    lines = [
        f"browser: {len(result.calls)} calls answered in the agent app (Chromium, WebRTC) "
        f"in {result.seconds:.1f} s",
        "",
        stats.table(
            ["from the click on Accept", "n", "silent", "median ms", "p95 ms", "max ms"],
            rows,
            "lrrrrr",
        ),
        "",
        f"one browser agent: {stats.number(result.cpu_percent)} % of a core over the run, "
        f"{stats.number(result.pss_mb)} MB PSS in {result.processes} Chromium processes",
        f"aim: {AIM}: {'met' if two_way.median_within(AIM_MS) else 'NOT met'}",
    ]
    lines.extend(f"problem: {p}" for p in result.problems)
    return "\n".join(lines)


def _tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _browser_root(marker: str) -> int | None:
    """The Chromium main process whose command line carries ``marker`` (its microphone file)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(marker.encode() in part for part in cmdline) and not any(
            part.startswith(b"--type=") for part in cmdline
        ):
            return int(entry.name)
    return None


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _pss_mb(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


async def bench_browser(
    count: int, progress: Progress, sut_url: str | None = None
) -> BrowserResult:
    """Answer ``count`` calls in the agent app, one after another; everything is undone after."""
    if not 1 <= count <= MAX_CALLS:
        raise ValueError(f"--calls must be between 1 and {MAX_CALLS}, got {count}")
    cleanup = Cleanup()
    calls: list[BrowserCall] = []
    try:
        adapter = ReferenceAdapter(sut_url)
        progress("starting the reference" if sut_url is None else f"joining {sut_url}")
        await start_reference(adapter, cleanup)
        ids = ScenarioIds()
        tenant = await adapter.open_tenant(f"bench browser {ids.prefix}")
        cleanup.push("the benchmark's account", tenant.close)
        directory, telephony, observation = tenant.directory, tenant.telephony, tenant.observation
        desktop = tenant.desktop
        if directory is None or telephony is None or observation is None or desktop is None:
            raise RuntimeError(
                "the browser benchmark needs directory, telephony, observation, desktop"
            )
        journal = Journal()

        def sink(event: SutEvent) -> None:
            journal.record(event)

        cleanup.push("the SUT's event stream", await observation.subscribe(sink))
        stage = await Stage.open(journal)
        cleanup.push("the media clock", stage.close)
        number = await directory.create_number(f"Bench {ids.prefix}", e164())
        agent = await directory.create_agent(f"Bench agent {ids.prefix}")
        await directory.add_ring_to(number, "user", agent.id)

        progress("launching Chromium and signing the agent in to the agent app")
        host = await BrowserHost.launch()
        cleanup.push("the browsers", host.close)
        signature = stage.signature(AGENT)
        browser = await host.browser_for(signature)
        context = await browser.new_context()
        cleanup.push("the agent's browser context", context.close)
        phone = await BrowserPhone.install(context, AGENT, stage)
        app = await desktop.open_agent_app(context)
        if not isinstance(app, CallingApp):
            raise RuntimeError("the SUT's agent app does not take calls")
        await app.sign_in(await desktop.sign_in_secret(agent))
        await app.signed_in_as()
        page = context.pages[0]

        async def page_clock() -> float:
            return float(await page.evaluate("performance.now()"))

        async def last_click() -> float | None:
            value = await page.evaluate("window.__callproofLastClick ?? null")
            return None if value is None else float(value)

        phone.attach(app, page_clock, last_click)
        cleanup.push("the browser phone", phone.close)
        caller = await SyntheticCaller.open(CUSTOMER, stage, e164("fr_FR"))
        cleanup.push("the customer's caller", caller.close)
        root = _browser_root(f"signature-{signature.frequency_hz}.wav")
        tree = _tree(root) if root is not None else []
        cpu_before, started = _cpu_seconds(tree), time.monotonic()

        progress(f"answering {count} calls in the browser, one after another")
        for index in range(1, count + 1):
            call = await _one_call(journal, caller, phone, telephony.number_uri(number))
            calls.append(call)
            progress(f"call {index}/{count}: two-way audio {stats.number(call.two_way_ms)} ms "
                     "after the click")  # fmt: skip
        seconds = time.monotonic() - started
        tree = _tree(root) if root is not None else []
        cpu = (_cpu_seconds(tree) - cpu_before) / seconds * 100 if tree else None
        pss = _pss_mb(tree) if tree else None
    finally:
        progress("cleaning up: calls, the browser, the account, the reference")
        problems = await cleanup.run()
    return BrowserResult(tuple(calls), seconds, cpu, pss, len(tree), tuple(problems))


async def _one_call(
    journal: Journal, caller: SyntheticCaller, phone: BrowserPhone, uri: str
) -> BrowserCall:
    mark = journal.position
    sip_call_id = await caller.dial(uri)
    try:
        ring = await journal.wait_for_async(
            Match(PhoneRinging, party=AGENT), RING_TIMEOUT, after=mark
        )
    except WaitTimeout:
        await caller.hangup(sip_call_id)
        return BrowserCall(None, None, None, False)
    clicked = time.monotonic()
    await phone.answer(ring.sip_call_id)
    heard: dict[str, float | None] = {}
    for label, match in (
        ("customer", Match(AudioHeard, party=CUSTOMER, heard=AGENT, sip_call_id=sip_call_id)),
        ("agent", Match(AudioHeard, party=AGENT, heard=CUSTOMER, sip_call_id=ring.sip_call_id)),
    ):
        try:
            await journal.wait_for_async(match, AUDIO_TIMEOUT, after=mark)
        except WaitTimeout:
            heard[label] = None
            continue
        record = next(r for r in reversed(journal.records(AudioHeard)) if match(r.event))
        heard[label] = (record.at - clicked) * 1000
    both = None if None in heard.values() else max(v for v in heard.values() if v is not None)
    created = await journal.wait_for_async(
        Match(SutEvent, kind="call.created", data=lambda d: d.get("sip_call_id") == sip_call_id),
        END_TIMEOUT,
        after=mark,
    )
    await caller.hangup(sip_call_id)
    try:
        await journal.wait_for_async(
            Match(SutEvent, kind="call.ended", call_id=created.call_id), END_TIMEOUT, after=mark
        )
        ended = True
    except WaitTimeout:
        ended = False
    return BrowserCall(both, heard["customer"], heard["agent"], ended)
