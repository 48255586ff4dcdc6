"""The reference contact center as a process: HTTP API, SIP edge and SQLite store on loopback.

``python -m harness.reference`` (or ``callproof reference``) starts it. With ``--ready-json`` it
prints one JSON line once every port is bound (the harness waits for that line); otherwise it
prints the addresses and, unless ``--no-demo``, a ready demo set-up a person can call at once from
any softphone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import secrets
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from harness import __version__
from harness.cli import values
from harness.reference.api.agent_socket import APP_PHONES
from harness.reference.api.app import build_app
from harness.reference.api.consumer_context import CONSUMERS
from harness.reference.api.context import access
from harness.reference.api.supervision import CALL_SUPERVISION
from harness.reference.api.transfers import CALL_TRANSFERS
from harness.reference.clock import AccountClock
from harness.reference.events import EventBus
from harness.reference.service import ContactCenter
from harness.reference.store import Store
from harness.reference.telephony.edge import SipEdge
from harness.reference.telephony.guard import LockoutPolicy
from harness.reference.telephony.offer_sms import OfferSms
from harness.reference.telephony.redaction import RecordingRedaction
from harness.reference.telephony.supervision import CallSupervision
from harness.reference.telephony.transfer import CallTransfers

LOG = logging.getLogger("callproof.reference")
# Tasks kept alive by reference until the loop ends (the loop itself holds tasks only weakly).
_WATCHERS: set[asyncio.Task[None]] = set()
LOOPBACK = "127.0.0.1"
GROUP_COMMIT_DELAY = 0.05  # seconds: call saves made meanwhile share one commit


@dataclass
class Running:
    center: ContactCenter
    runner: web.AppRunner
    edge: SipEdge
    http_url: str
    admin_token: str

    async def close(self) -> None:
        await self.edge.close()
        await self.runner.cleanup()
        self.center.store.close()


async def start(
    data_dir: Path,
    *,
    http_port: int = 0,
    sip_port: int = 0,
    admin_token: str | None = None,
    lockout: LockoutPolicy | None = None,
) -> Running:
    """Open the store, bind the HTTP API and the SIP edge on loopback (OSError: a busy port)."""
    data_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before serving
    loop = asyncio.get_running_loop()
    store = Store(
        data_dir / "reference.sqlite3",
        group_commit=lambda commit: loop.call_later(GROUP_COMMIT_DELAY, commit),
    )
    center = ContactCenter(store, AccountClock(store), EventBus())
    for call in center.close_interrupted_calls():
        LOG.warning("call %s was cut by the restart: logged as %s", call.call_id, call.status)
    token = admin_token or secrets.token_hex(16)
    edge = await SipEdge.open(center, host=LOOPBACK, port=sip_port, lockout=lockout)
    app = build_app(center, token)
    app[APP_PHONES] = edge.apps
    app[CALL_TRANSFERS] = CallTransfers(edge)
    app[CALL_SUPERVISION] = CallSupervision(edge)
    edge.offer_hooks.append(OfferSms(app[CONSUMERS].sms).notify)
    app[CONSUMERS].smart_actions.redact_hooks.append(RecordingRedaction(edge))
    sip_host, sip_port_bound = edge.local_address

    @access("public")
    async def info(_: web.Request) -> web.Response:
        return web.json_response(
            {
                "name": "callproof-reference",
                "version": __version__,
                "sip": {"host": sip_host, "port": sip_port_bound, "transport": "udp"},
            }
        )

    app.router.add_get("/info", info)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, LOOPBACK, http_port)
    try:
        await site.start()
    except OSError:
        await edge.close()
        await runner.cleanup()
        store.close()
        raise
    port = int(runner.addresses[0][1])
    center.tickets.public_url = f"http://{LOOPBACK}:{port}"  # links in notification emails
    return Running(center, runner, edge, f"http://{LOOPBACK}:{port}", token)


def create_demo(running: Running) -> dict[str, Any]:
    """A number, a team and two agents ringing on it, so a person can call at once."""
    center = running.center
    account = center.create_account("Demo")
    team = center.create_team(account.id, "Support team")
    agents = []
    for name in ("Alice Martin", "Bruno Garcia"):
        email = name.lower().replace(" ", ".") + "@demo.test"
        user = center.create_user(account.id, name, email, "agent")
        center.add_team_member(account.id, team.id, user.id)
        agents.append(user)
    taken = {n for n in range(1, 100) if center.number_by_e164(f"+331000000{n:02d}") is not None}
    free = min(set(range(1, 100)) - taken)  # a reused --data-dir keeps earlier demo numbers
    number = center.create_number(account.id, f"+331000000{free:02d}", "Support")
    center.add_ring_to(account.id, number.id, 0, "team", team.id)
    host, port = running.edge.local_address
    return {
        "account": {"id": account.id, "api_token": account.token},
        "number": {"e164": number.e164, "sip_uri": f"sip:{number.e164}@{host}:{port}"},
        "team": team.name,
        "agents": [
            {
                "name": u.name,
                "sip_username": u.sip_username,
                "sip_password": u.sip_password,
                "registrar": f"{host}:{port}",
                "web_sign_in": {"email": u.email},
            }
            for u in agents
        ],
    }


def _print_human(running: Running, demo: dict[str, Any] | None) -> None:
    host, port = running.edge.local_address
    print(f"callproof reference {__version__}")
    print(f"  HTTP API  {running.http_url}   (admin token {running.admin_token})")
    print(f"  SIP       sip:{host}:{port};transport=udp")
    print(
        f"  join it   callproof run --sut-url http://{running.admin_token}@{running.http_url[7:]}"
    )
    if demo:
        print(f"  demo number  {demo['number']['e164']}  ->  {demo['number']['sip_uri']}")
        print(f"  account API token  {demo['account']['api_token']}")
        for agent in demo["agents"]:
            print(
                f"  agent {agent['name']}: register {agent['sip_username']} / "
                f"{agent['sip_password']} at {agent['registrar']}"
            )
    print("Ctrl-C stops it.", flush=True)


async def serve(args: argparse.Namespace) -> int:
    data_dir = (
        Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="callproof-ref-"))
    )
    try:
        running = await start(
            data_dir,
            http_port=args.http_port,
            sip_port=args.sip_port,
            admin_token=args.admin_token,
            lockout=LockoutPolicy(lockout=args.lockout_seconds),
        )
    except OSError as exc:
        print(
            f"callproof reference: error: cannot bind on {LOOPBACK}: {exc.strerror or exc} "
            "(hint: choose another --http-port/--sip-port, or 0 for any)",
            file=sys.stderr,
        )
        return 2
    demo = None if args.no_demo else create_demo(running)
    host, port = running.edge.local_address
    if args.ready_json:
        ready = {
            "ready": True,
            "pid": os.getpid(),
            "http": running.http_url,
            "sip": {"host": host, "port": port},
            "demo": demo,
        }
        print(json.dumps(ready), flush=True)
    else:
        _print_human(running, demo)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if args.exit_with_stdin:
        await _stop_when_stdin_closes(stop)
    await stop.wait()
    await running.close()
    return 0


async def _stop_when_stdin_closes(stop: asyncio.Event) -> None:
    """Set ``stop`` once standard input reaches its end.

    The harness starts the reference with a pipe as its standard input and never writes to it;
    the pipe closes when the harness's process ends, however it ends (SIGKILL included), so a
    reference never outlives the test session that started it.
    """
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    async def watch() -> None:
        while await reader.read(4096):
            pass
        LOG.warning("standard input closed: the process that started the reference is gone")
        stop.set()

    _WATCHERS.add(loop.create_task(watch()))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="callproof reference", description=__doc__.splitlines()[0])
    p.add_argument(
        "--http-port", type=values.port, default=0, help="HTTP API port on 127.0.0.1 (0: any)"
    )
    p.add_argument(
        "--sip-port", type=values.port, default=0, help="SIP UDP port on 127.0.0.1 (0: any)"
    )
    p.add_argument(
        "--data-dir", default=None, help="where the SQLite store lives (default: a temp dir)"
    )
    p.add_argument("--admin-token", default=None, help="admin API token (default: random)")
    p.add_argument("--no-demo", action="store_true", help="start empty, without the demo set-up")
    p.add_argument("--ready-json", action="store_true", help="print one JSON line when ready")
    p.add_argument(
        "--lockout-seconds",
        type=values.seconds,
        default=LockoutPolicy.lockout,
        help="first lockout after 10 failed REGISTERs from one source for one user (doubles after)",
    )
    p.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="stop when standard input closes (for a parent that gives the reference a pipe)",
    )
    p.add_argument("--log-level", default="WARNING")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(serve(args))
    return 0
