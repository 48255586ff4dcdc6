"""baresip (1.0) as a foreign SIP user agent: headless, on loopback, driven over ctrl_tcp.

What baresip 1.0.0 needs and does, found by running it here:

- ``-f DIR`` reads ``DIR/config`` and ``DIR/accounts`` (and writes ``uuid``, ``contacts``
  there). Modules come from ``module_path``; ``module_tmp account.so`` loads the accounts file.
  ``stdio.so`` must stay out: it fails when stdin cannot be polled, as under a test runner.
- ``sip_listen HOST:PORT`` binds UDP PORT, TCP PORT and TCP PORT+1; ``net_interface HOST`` makes
  it advertise HOST in SIP and SDP (otherwise it picks another interface's address).
- The account line ``<sip:USER@HOST>;regint=0;answermode=auto;audio_codecs=PCMU`` sends no
  REGISTER and answers at once. A request for another user gets 404, so dial USER.
  With ``answermode=auto`` an incoming call raises no ``CALL_INCOMING`` event: baresip sends
  180 and answers at once, and ``CALL_ESTABLISHED`` is the first event of the call.
- Registering: ``<sip:USER@REGISTRAR>;auth_pass=PASSWORD;regint=SECONDS`` registers at once,
  before the control connection can be open, so such an account is created with the
  ``uanew`` command once it is: then ``REGISTER_OK`` or ``REGISTER_FAIL`` (its ``param`` the
  reason) reaches us. Its Digest client (libre) answers MD5 challenges only, and gives up with
  ``Function not implemented`` when the first challenge of a 401 is of another algorithm.
- ``sndcode DIGITS`` keys the digits on the current call: each pressed in turn, then one
  release; sent as RFC 4733 telephone events when the call negotiated them.
- Audio: ``aufile`` is only a source in 1.0 (``audio_source aufile,FILE.wav``: 16-bit PCM WAV,
  here 8 kHz mono, loaded whole when the call starts); ``audio_player alsa,null`` plays into
  ALSA's null device. ``sndfile.so`` with ``snd_path DIR`` writes every call's audio as
  ``dump-<date-time>-enc.wav`` (what baresip sent) and ``dump-<date-time>-dec.wav`` (what it
  received and decoded): the second is how we know what reached baresip.
- ``ctrl_tcp.so`` with ``ctrl_tcp_listen HOST:PORT`` (default 0.0.0.0:4444) speaks JSON in
  netstrings: commands ``{"command", "params", "token"}`` get ``{"response": true, "ok", "data",
  "token"}``; events arrive as ``{"event": true, "type": "CALL_ESTABLISHED", "id": <SIP
  Call-ID>, "param", ...}``. The ``quit`` command (from ``menu.so``) ends the program cleanly.
- ``baresip is ready.`` on its output says it is listening.
- Not everything it binds can be held to loopback: its DNS client opens two wildcard UDP
  sockets at start-up, and each call's RTP and RTCP sockets listen on every interface (its
  ``stream_sock_alloc`` does so on purpose; no setting changes it). It sends only where SIP and
  SDP point, loopback here: every address is a literal, so nothing is resolved, and
  ``dns_server`` points at loopback in case something were.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.interop import netstring
from harness.interop.ports import TCP, UDP, free_port
from harness.interop.process import PeerProcess, PeerTimeout, describe_exit
from harness.runtime.journal import Event, Journal, Match

READY_LINE = "baresip is ready."
_REGISTER_OUTCOMES = ("REGISTER_OK", "REGISTER_FAIL")
RTP_PORTS = (10000, 19999)
"""baresip draws each call's RTP port from here (its default), below `ports.FLOOR`."""
MODULE_DIRS = (Path("/usr/lib/baresip/modules"), Path("/usr/local/lib/baresip/modules"))


class BaresipProtocolError(RuntimeError):
    """baresip's control connection carried something that is not its JSON protocol."""


class BaresipCommandFailed(RuntimeError):
    """baresip answered a command with ``ok: false``."""


class BaresipRegistrationFailed(RuntimeError):
    """baresip reported that its registration was refused or went unanswered."""


@dataclass(frozen=True, kw_only=True)
class BaresipEvent(Event):
    """An event baresip reported on its control connection (``kind`` is its ``type``)."""

    kind: str
    sip_call_id: str = ""
    param: str = ""
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False, repr=False)


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def find_baresip() -> str | None:
    """Path of the ``baresip`` program, or None when it is not installed."""
    return shutil.which("baresip")


def module_dir() -> Path | None:
    """Where baresip's modules are installed, or None."""
    return next((d for d in MODULE_DIRS if (d / "g711.so").exists()), None)


@dataclass(frozen=True)
class BaresipConfig:
    """The configuration of one headless baresip on loopback."""

    audio_source: Path
    recordings: Path
    user: str = "baresip"
    host: str = "127.0.0.1"
    sip_port: int = 0
    ctrl_port: int = 0
    modules: Path = MODULE_DIRS[0]
    registrar: str | None = None
    """``HOST:PORT`` to register with (the account's domain); None: no registration."""
    password: str | None = None
    """The Digest password (``auth_pass``) answering the registrar's challenges."""
    regint: int = 600
    """Seconds between registrations, when ``registrar`` is set."""

    @property
    def uri_host(self) -> str:
        """The host as it stands before ``:port`` or after ``@`` (IPv6 in brackets)."""
        return f"[{self.host}]" if ":" in self.host else self.host

    def config_text(self) -> str:
        h = self.uri_host
        return "\n".join([
            "poll_method epoll",
            f"sip_listen {h}:{self.sip_port}",
            f"net_interface {self.host}",
            f"dns_server {h}:53",
            "call_local_timeout 30",
            "audio_player alsa,null",
            "audio_alert alsa,null",
            f"audio_source aufile,{self.audio_source}",
            "audio_level no",
            f"rtp_ports {RTP_PORTS[0]}-{RTP_PORTS[1]}",
            f"module_path {self.modules}",
            "module g711.so",
            "module sndfile.so",
            "module aufile.so",
            "module alsa.so",
            "module_tmp account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            "statmode_default off",
            f"ctrl_tcp_listen {h}:{self.ctrl_port}",
            f"snd_path {self.recordings}",
            "",
        ])  # fmt: skip

    def account_line(self) -> str:
        common = "answermode=auto;audio_codecs=PCMU"
        if self.registrar is None:
            return f"<sip:{self.user}@{self.uri_host}>;regint=0;{common}\n"
        if not self.password or any(c.isspace() or c in ';"<>' for c in self.password):
            raise ValueError("registering needs a password without spaces, ';', '\"', '<' or '>'")
        return (
            f"<sip:{self.user}@{self.registrar}>;auth_pass={self.password};"
            f"regint={self.regint};{common}\n"
        )

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.recordings.mkdir(parents=True, exist_ok=True)
        (directory / "config").write_text(self.config_text())
        # A registering account is created over ctrl_tcp instead (see `Baresip.start`).
        accounts = "" if self.registrar is not None else self.account_line()
        (directory / "accounts").write_text(accounts)


class Baresip:
    """One baresip process answering calls for ``sip:USER@HOST:PORT``; events go to ``journal``."""

    def __init__(
        self,
        workdir: Path,
        journal: Journal,
        audio_source: Path,
        *,
        name: str = "baresip",
        user: str = "baresip",
        host: str = "127.0.0.1",
        program: str = "baresip",
        registrar: tuple[str, int] | None = None,
        password: str | None = None,
        regint: int = 600,
    ) -> None:
        modules = module_dir()
        if modules is None:
            raise FileNotFoundError(f"no baresip modules in {[str(d) for d in MODULE_DIRS]}")
        self.name = name
        self.journal = journal
        self.config = BaresipConfig(
            audio_source=audio_source, recordings=workdir / "recordings", user=user, host=host,
            sip_port=free_port(host, ((UDP, 0), (TCP, 0), (TCP, 1))),
            ctrl_port=free_port(host, ((TCP, 0),)), modules=modules,
            registrar=None if registrar is None else _host_port(*registrar),
            password=password, regint=regint,
        )  # fmt: skip
        self.config_dir = workdir / "config"
        self._ready: asyncio.Future[None] | None = None
        argv = [program, "-f", str(self.config_dir), "-n", host]
        self.process = PeerProcess(
            name, argv, cwd=workdir, log_path=workdir / "baresip-output.txt", on_line=self._on_line
        )
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._pump: asyncio.Task[None] | None = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tokens = itertools.count(1)
        self.protocol_error: BaresipProtocolError | None = None
        """Set when the control connection carried something baresip should not have sent."""

    @property
    def uri(self) -> str:
        """The SIP URI baresip answers."""
        return f"sip:{self.config.user}@{self.config.uri_host}:{self.config.sip_port}"

    def _on_line(self, line: str) -> None:
        if READY_LINE in line and self._ready is not None and not self._ready.done():
            self._ready.set_result(None)

    async def start(self, timeout: float = 10.0) -> None:
        """Start baresip, wait for its readiness line and open the control connection."""
        self.config.write(self.config_dir)
        self._ready = asyncio.get_running_loop().create_future()
        await self.process.start()
        exited: asyncio.Future[int] = asyncio.ensure_future(self.process.wait(timeout))
        waiting: set[asyncio.Future[Any]] = {self._ready, exited}
        try:
            await asyncio.wait(waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            exited.cancel()
        if not self._ready.done():
            if self.process.running:
                what = f"not ready within {timeout:g} s"
            else:
                what = f"ended before it was ready ({describe_exit(self.process.returncode)})"
            raise PeerTimeout(f"{self.name} {what}:\n{self.process.log_tail()}")
        host, port = self.config.host, self.config.ctrl_port
        self._reader, self._writer = await asyncio.open_connection(host, port)
        self._pump = asyncio.create_task(self._read_messages(self._reader))
        if self.config.registrar is not None:
            # Read from the accounts file, the account would register before this connection
            # opens and its REGISTER_OK or REGISTER_FAIL would reach nobody.
            await self.command("uanew", self.config.account_line().strip())

    async def _read_messages(self, reader: asyncio.StreamReader) -> None:
        decoder = netstring.NetstringDecoder()
        ended: Exception = ConnectionResetError(f"{self.name} closed its control connection")
        try:
            while chunk := await reader.read(4096):
                for payload in decoder.feed(chunk):
                    self._dispatch(payload)
        except netstring.NetstringError as exc:
            self.protocol_error = ended = BaresipProtocolError(f"{self.name}: {exc}")
        except BaresipProtocolError as exc:
            self.protocol_error = ended = exc
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ended)

    def _dispatch(self, payload: bytes) -> None:
        try:
            message = json.loads(payload)
        except ValueError as exc:
            raise BaresipProtocolError(f"{self.name}: not JSON: {payload[:80]!r}") from exc
        if not isinstance(message, dict):
            raise BaresipProtocolError(f"{self.name}: not a JSON object: {payload[:80]!r}")
        if message.get("event"):
            self.journal.record(BaresipEvent(
                party=self.name, kind=str(message.get("type", "")),
                sip_call_id=str(message.get("id", "")), param=str(message.get("param", "")),
                data=message,
            ))  # fmt: skip
        elif message.get("response"):
            future = self._pending.pop(str(message.get("token", "")), None)
            if future is not None and not future.done():
                future.set_result(message)

    async def command(self, name: str, params: str = "", timeout: float = 5.0) -> str:
        """Run a baresip command; returns its text output, raises if it answers ``ok: false``."""
        if self._writer is None:
            raise RuntimeError(f"{self.name} is not started")
        token = f"callproof-{next(self._tokens)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[token] = future
        body = json.dumps({"command": name, "params": params, "token": token}).encode()
        try:
            self._writer.write(netstring.encode(body))
            await self._writer.drain()
            response = await asyncio.wait_for(future, timeout)
        finally:
            self._pending.pop(token, None)
        if not response.get("ok"):
            raise BaresipCommandFailed(f"{name} {params}: {response.get('data')!r}")
        return str(response.get("data", ""))

    async def registered(self, timeout: float = 10.0) -> BaresipEvent:
        """Wait until baresip reports its registration accepted (``REGISTER_OK``).

        ``REGISTER_FAIL`` fails at once, with the reason baresip gives (its ``param``).
        """
        done = Match(BaresipEvent, party=self.name, kind=lambda k: k in _REGISTER_OUTCOMES)
        event = await self.journal.wait_for_async(done, timeout)
        if event.kind != "REGISTER_OK":
            raise BaresipRegistrationFailed(f"{self.name}: {event.kind} {event.param}")
        return event

    async def send_digits(self, digits: str, timeout: float = 5.0) -> None:
        """Key ``digits`` on the current call (``sndcode``: each digit pressed, one release).

        baresip sends them as RFC 4733 events when the call negotiated telephone-event.
        """
        if not digits or any(d not in "0123456789*#ABCD" for d in digits):
            raise ValueError(f"{digits!r} is not a string of DTMF digits")
        await self.command("sndcode", digits, timeout)

    async def quit(self, timeout: float = 5.0) -> int:
        """Ask baresip to end (it hangs up its calls first) and wait for it to exit."""
        try:
            await self.command("quit", timeout=timeout)
        except ConnectionResetError:
            pass  # it may close the connection before the answer leaves
        return await self.process.wait(timeout)

    async def stop(self) -> None:
        """End baresip if still running: ``quit``, then SIGTERM/SIGKILL to its PID."""
        if self.process.running and self._writer is not None:
            try:
                await self.quit()
            except (TimeoutError, OSError, BaresipCommandFailed):
                pass  # the signals below end it anyway
        await self.process.stop()
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):  # the peer may have reset it already
                await self._writer.wait_closed()
            self._writer = None
        if self._pump is not None:
            await self._pump
            self._pump = None
        if self.protocol_error is not None:
            raise self.protocol_error

    def leaks(self) -> list[str]:
        return self.process.leaks()

    def recording(self, direction: str) -> Path | None:
        """The newest call recording: ``"dec"`` (received by baresip) or ``"enc"`` (sent)."""
        if direction not in ("dec", "enc"):
            raise ValueError("direction is 'dec' (received) or 'enc' (sent)")
        found = sorted(self.config.recordings.glob(f"dump-*-{direction}.wav"))
        return found[-1] if found else None
