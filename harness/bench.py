"""``callproof bench``: figures about the harness and the reference, never a pass/fail verdict.

    callproof bench                      calls, then run
    callproof bench calls [--calls 20]   answer-to-audio latency of calls, one after another
    callproof bench run [--workers 2]    wall time of the conformance run, 1 process and -n 2
    callproof bench capacity             the reference's clean calls/s, SIPp UAC -> B2BUA -> UAS
    callproof bench engine [--engine-calls 200] [--window 20] [--profile]
                                         our caller's calls/s, audio verified, beside SIPp's
    callproof bench concurrency [--seconds 60]
                                         calls with audio verified one process holds; CPU/call
    callproof bench browser [--calls 20] calls answered in the agent app in Chromium (WebRTC):
                                         answer-to-two-way-audio, CPU and memory of the browser
    callproof bench all                  calls, run, capacity, engine, concurrency, browser
    --json PATH                          also write the figures as JSON

Progress goes to stderr, figures to stdout. Everything runs on loopback, every wait is bounded,
and an interruption (Ctrl-C) still hangs up, closes the parties and stops the reference.

Exit code: 0 once every figure is measured, whatever the figures say; 1 when a benchmark could
not measure (the SUT stopped answering, a run timed out or could not run); 2 for a usage
problem or a reference that does not start; 130 on Ctrl-C.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness import __version__
from harness.benchmarks.browser import bench_browser, render_browser
from harness.benchmarks.calls import MAX_CALLS, bench_calls, render_calls
from harness.benchmarks.capacity import bench_capacity, render_capacity
from harness.benchmarks.concurrency import DEFAULT_SECONDS, bench_concurrency, render_concurrency
from harness.benchmarks.engine import DEFAULT_CALLS, DEFAULT_WINDOW, bench_engine, render_engine
from harness.benchmarks.engine import MAX_CALLS as MAX_ENGINE_CALLS
from harness.benchmarks.rig import Progress
from harness.benchmarks.stability import MAX_RUNS, bench_stability, render_stability
from harness.benchmarks.suite import RUN_TIMEOUT, bench_suite, render_suite
from harness.cli import values
from harness.cli.errors import CliError, report
from harness.cli.parser import Parser
from harness.cli.project import project_root, resolve_user_path
from harness.sut.reference_process import SutUnavailable

WHICH = ("all", "calls", "run", "capacity", "engine", "concurrency", "stability", "browser")
DEFAULT = ("calls", "run")
EVERYTHING = ("calls", "run", "capacity", "engine", "concurrency", "browser")
MAX_SECONDS = 3600.0


def build_parser() -> Parser:
    parser = Parser(
        prog="callproof bench",
        description="Benchmarks: call audio latency against the reference, the conformance run's "
        "wall time, the reference's signalling capacity, the caller engine's rate and how many "
        "calls one process holds. Figures only, no verdict.",
    )
    parser.add_argument(
        "which", nargs="?", choices=WHICH, default=None,
        help="one benchmark, or all of them in order (default: calls, then run)",
    )  # fmt: skip
    parser.add_argument(
        "--calls", type=values.whole(1, MAX_CALLS), default=20, metavar="N",
        help=f"calls to place one after another (1-{MAX_CALLS}, default 20)",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=values.whole(1, 64), default=2, metavar="N",
        help="xdist workers for the parallel run (default 2)",
    )  # fmt: skip
    parser.add_argument(
        "--run-timeout", type=values.seconds, default=RUN_TIMEOUT, metavar="S",
        help=f"stop a conformance run after S seconds (default {RUN_TIMEOUT:g})",
    )  # fmt: skip
    parser.add_argument(
        "--engine-calls", type=values.whole(1, MAX_ENGINE_CALLS), default=DEFAULT_CALLS,
        metavar="N",
        help=f"calls the engine places (1-{MAX_ENGINE_CALLS}, default {DEFAULT_CALLS})",
    )  # fmt: skip
    parser.add_argument(
        "--window", type=values.whole(1), default=DEFAULT_WINDOW, metavar="N",
        help=f"engine calls in flight at once (default {DEFAULT_WINDOW})",
    )  # fmt: skip
    parser.add_argument(
        "--profile", action="store_true",
        help="profile the engine's call loop (slows it down) and print where its time goes",
    )  # fmt: skip
    parser.add_argument(
        "--seconds", type=values.seconds, default=DEFAULT_SECONDS, metavar="S",
        help=f"how long the concurrency benchmark holds its calls (default {DEFAULT_SECONDS:g})",
    )  # fmt: skip
    parser.add_argument(
        "--sut-url", default=None, metavar="URL",
        help="calls and capacity against a running reference: http://TOKEN@127.0.0.1:PORT",
    )  # fmt: skip
    parser.add_argument(
        "--runs", type=values.whole(1, MAX_RUNS), default=20, metavar="N",
        help=f"stability: how many whole conformance runs, one after another (1-{MAX_RUNS}, "
        "default 20)",
    )  # fmt: skip
    parser.add_argument("--json", default=None, metavar="PATH", help="also write the figures here")
    return parser


def _progress() -> Progress:
    started = time.monotonic()

    def show(text: str) -> None:
        print(f"bench +{time.monotonic() - started:6.1f}s  {text}", file=sys.stderr, flush=True)

    return show


def _machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def selected(which: str | None) -> tuple[str, ...]:
    """The benchmarks a ``which`` argument runs, in the order they run."""
    if which is None:
        return DEFAULT
    if which == "all":
        return EVERYTHING
    if which not in WHICH:
        raise ValueError(f"no benchmark {which!r}")
    return (which,)


async def _bench(args: Any, progress: Progress) -> tuple[dict[str, Any], bool]:
    """The figures, and whether every benchmark could measure."""
    complete = True
    figures: dict[str, Any] = {
        "harness_version": __version__,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
    }
    which = selected(args.which)
    if "calls" in which:
        result = await bench_calls(args.calls, progress, args.sut_url)
        print(render_calls(result), end="\n\n", flush=True)
        figures["calls"] = result.as_dict()
        complete = not result.stopped
    if "run" in which:
        runs = await bench_suite(args.workers, project_root(), args.run_timeout, progress)
        print(render_suite(runs), end="\n\n", flush=True)
        figures["run"] = [run.as_dict() for run in runs]
        complete = complete and all(run.measured for run in runs)
    if "capacity" in which:
        capacity = await bench_capacity(progress, args.sut_url)
        print(render_capacity(capacity), end="\n\n", flush=True)
        figures["capacity"] = capacity.as_dict()
        complete = complete and capacity.measured
    if "engine" in which:
        engine = await bench_engine(progress, args.engine_calls, args.window, profile=args.profile)
        print(render_engine(engine), end="\n\n", flush=True)
        figures["engine"] = engine.as_dict()
        complete = complete and engine.measured
    if "concurrency" in which:
        concurrency = await bench_concurrency(progress, args.seconds)
        print(render_concurrency(concurrency), end="\n\n", flush=True)
        figures["concurrency"] = concurrency.as_dict()
        complete = complete and concurrency.measured
    if "browser" in which:
        browser = await bench_browser(args.calls, progress, args.sut_url)
        print(render_browser(browser), end="\n\n", flush=True)
        figures["browser"] = browser.as_dict()
        complete = complete and len(browser.calls) == args.calls
    if "stability" in which:
        stability = await bench_stability(
            args.runs, args.workers, project_root(), args.run_timeout, progress
        )
        print(render_stability(stability), end="\n\n", flush=True)
        figures["stability"] = stability.as_dict()
        complete = complete and len(stability.measured) == len(stability.runs)
    figures["complete"] = complete
    return figures, complete


def _check(args: Any, parser: Parser) -> Path | None:
    if not 1 <= args.calls <= MAX_CALLS:
        parser.error(f"--calls must be between 1 and {MAX_CALLS}")
    if args.workers < 2:
        parser.error("--workers must be 2 or more")
    if args.run_timeout <= 0:
        parser.error("--run-timeout must be positive")
    if not 1 <= args.engine_calls <= MAX_ENGINE_CALLS:
        parser.error(f"--engine-calls must be between 1 and {MAX_ENGINE_CALLS}")
    if not 1 <= args.window <= args.engine_calls:
        parser.error("--window must be between 1 and --engine-calls")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be positive and at most {MAX_SECONDS:g}")
    if args.json is None:
        return None
    path = resolve_user_path(args.json, project_root())
    if not path.parent.is_dir():
        raise CliError(f"no directory {path.parent} for --json", "create it or choose another path")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks named in ``argv``; 0 once the figures are printed."""
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        json_path = _check(args, parser)
        figures, complete = asyncio.run(_bench(args, _progress()))
    except CliError as error:
        return report(error)
    except SutUnavailable as exc:
        return report(CliError(f"the reference is not usable: {exc}", "run 'callproof doctor'"))
    except KeyboardInterrupt:
        print("callproof bench: interrupted; what it started is stopped", file=sys.stderr)
        return 130
    if json_path is not None:
        json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {json_path}")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
