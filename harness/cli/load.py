"""``callproof load``: load on Locust against the SUT, every call's audio verified.

    callproof load [--profile FILE] [--rate N] [--duration S] [--ramp S] [--processes N]
                   [--agents N] [--agent-capacity N] [--mix name:weight:hold,...]
                   [--sut-url URL] [--target URI --echo] [--web [--web-port P]]
                   [--master [--master-bind H] [--master-port P] [--expect-workers N]]
                   [--reports DIR] [-- LOCUST-ARGS]
    callproof load --worker --master-host H [--master-port P]

Exit code: 0 when every call was verified and accounted for, 1 otherwise, 2 for bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

from harness.cli import values
from harness.cli.errors import CliError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``callproof load``'s options."""
    parser.add_argument("--profile", metavar="FILE", help="YAML load profile (see README)")
    parser.add_argument("--rate", type=float, metavar="N", help="calls per second, in total")
    parser.add_argument("--duration", type=float, metavar="S", help="seconds of load")
    parser.add_argument("--ramp", type=float, metavar="S", help="seconds to reach the rate")
    parser.add_argument("--processes", type=int, metavar="N", help="Locust worker processes")
    parser.add_argument("--agents", type=int, metavar="N", help="agents in the Ring to")
    parser.add_argument("--agent-capacity", type=int, metavar="N",
                        help="calls one agent's phone takes at once")  # fmt: skip
    parser.add_argument("--mix", metavar="KINDS", help="name:weight:hold[,...], e.g. short:3:2")
    parser.add_argument("--sut", default="reference", metavar="NAME",
                        help="'reference' or an adapter (package.module:factory) that declares "
                        "load_allowed = True")  # fmt: skip
    parser.add_argument("--sut-url", metavar="URL", help="a reference already running")
    parser.add_argument("--number", metavar="E164",
                        help="call this number of the SUT instead of the load number")  # fmt: skip
    parser.add_argument("--target", metavar="URI",
                        help="call this SIP URI instead of the SUT (with --echo)")  # fmt: skip
    parser.add_argument("--echo", action="store_true",
                        help="the target echoes the RTP (SIPp -rtp_echo)")  # fmt: skip
    parser.add_argument("--web", action="store_true", help="Locust's web UI instead of headless")
    parser.add_argument("--web-port", type=values.port, default=8089, metavar="PORT")
    parser.add_argument("--master", action="store_true",
                        help="run Locust's master only; workers join with --worker")  # fmt: skip
    parser.add_argument("--master-bind", default="127.0.0.1", metavar="HOST",
                        help="address the master listens on for workers")  # fmt: skip
    parser.add_argument("--master-port", type=values.port, default=5557, metavar="PORT")
    parser.add_argument("--expect-workers", type=int, default=1, metavar="N")
    parser.add_argument("--worker", action="store_true",
                        help="run one Locust worker joining --master-host")  # fmt: skip
    parser.add_argument("--master-host", metavar="HOST", help="the master a worker joins")
    parser.add_argument("--reports", default="reports", metavar="DIR")
    bench = parser.add_argument_group("figures (--bench)")
    bench.add_argument("--bench", action="store_true",
                       help="measure the README's load figures against a SIPp echo")  # fmt: skip
    bench.add_argument("--bench-rates", metavar="R,R,...", help="rate steps, calls/s")
    bench.add_argument("--bench-seconds", type=float, default=20.0, metavar="S",
                       help="seconds per rate step")  # fmt: skip
    bench.add_argument("--concurrency", metavar="N,N,...", help="levels of calls up at once")
    bench.add_argument("--soak", type=float, default=600.0, metavar="S",
                       help="seconds of the soak at half the best rate (0: none)")  # fmt: skip
    bench.add_argument("--json", metavar="PATH", help="also write the figures as JSON")


def execute(args: argparse.Namespace, extra: list[str]) -> int:
    """Run the load (or one worker); print the summary; 0 when everything was verified."""
    from harness.load.profile import LoadProfile, ProfileError, load_profile
    from harness.load.run import LoadOptions, render, run_load, worker_command

    if args.bench:
        return _bench(args)
    if args.worker:
        if not args.master_host:
            raise CliError("--worker needs --master-host", "the address the master listens on")
        command = worker_command(args.master_host, args.master_port, extra)
        return subprocess.run(command, check=False).returncode
    if args.target and not args.echo:
        raise CliError(
            "--target calls a SIP URI with no agents behind it",
            "add --echo for a UAS that echoes the RTP (SIPp -rtp_echo), or leave --target out",
        )
    try:
        profile = load_profile(Path(args.profile)) if args.profile else LoadProfile()
        profile = profile.with_overrides(
            rate=args.rate, duration=args.duration, ramp=args.ramp, processes=args.processes,
            agents=args.agents, agent_capacity=args.agent_capacity, mix=args.mix,
        )  # fmt: skip
        profile.check(agents_needed=not args.target)
    except ProfileError as exc:
        raise CliError(str(exc), "see `callproof load --help` and README's Load testing") from None
    if args.sut != "reference" and not args.target:
        from harness.load.run import LoadNotAllowed, load_adapter
        from harness.sut.loader import AdapterNotFound

        try:
            load_adapter(args.sut)
        except (AdapterNotFound, LoadNotAllowed) as exc:
            raise CliError(str(exc), "use --sut reference, or an adapter allowing load") from None
    options = LoadOptions(
        profile=profile, reports=Path(args.reports), target=args.target or "",
        expect="echo" if args.echo else "agent", sut_url=args.sut_url, web=args.web,
        number=args.number or "", sut=args.sut,
        web_port=args.web_port, master=args.master, master_bind=args.master_bind,
        master_port=args.master_port, expect_workers=args.expect_workers, locust_args=extra,
    )  # fmt: skip

    def progress(text: str) -> None:
        print(text, flush=True)

    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    result = asyncio.run(run_load(options, progress))
    print(render(result), file=sys.stdout)
    return 0 if result.ok else 1


def _numbers(text: str | None, what: str) -> list[float] | None:
    if text is None:
        return None
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise CliError(f"{what}: {text!r} is not a list of numbers", "e.g. 10,20,40") from None
    if not values or any(v <= 0 for v in values) or values != sorted(values):
        raise CliError(f"{what}: {text!r} must be positive and rising", "e.g. 10,20,40")
    return values


def _bench(args: argparse.Namespace) -> int:
    """Measure the load figures; print them (and write them as JSON with --json)."""
    import json

    from harness.cli.setup import ensure_debian_tools
    from harness.load.figures import CONCURRENCY, RATES, bench_load, render_figures

    rates = _numbers(args.bench_rates, "--bench-rates") or list(RATES)
    levels = [int(v) for v in (_numbers(args.concurrency, "--concurrency") or CONCURRENCY)]
    if args.soak < 0 or args.bench_seconds < 4:
        raise CliError("--soak must be >= 0 and --bench-seconds >= 4", "see --help")

    ensure_debian_tools("load-bench")

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    figures = asyncio.run(bench_load(progress, rates=rates, soak=args.soak,
                                     concurrency=levels, seconds=args.bench_seconds))  # fmt: skip
    print(render_figures(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return 0
