"""The harness's asyncio loop on its own OS thread inside a Locust (gevent) worker process.

Locust users are greenlets on gevent's hub; the harness (SIP, RTP, the media clock) is asyncio.
A Locust task must never block the hub: a greenlet that waits on anything gevent does not know
(a ``concurrent.futures.Future``, a ``threading.Event`` of the real thread library, a loop run
in place) stalls every other user of the worker, and Locust's own heartbeats with them. So:

- the asyncio loop runs on a real OS thread (``_thread.start_new_thread`` as it was before
  Locust's monkey-patching, which turns ``threading.Thread`` into a greenlet), with the
  unpatched epoll selector (gevent's patching swaps the ``selectors`` default for its own hub);
- a greenlet hands a call over with ``loop.call_soon_threadsafe`` (a write to the loop's wake-up
  socket, which never blocks) and waits on a gevent ``AsyncResult`` of its own hub;
- a finished call comes back through a thread-safe deque and one libev *async watcher*
  (``hub.loop.async_()``), whose ``send()`` is the one gevent primitive documented as safe to
  call from another thread: it wakes the hub, which sets the waiting greenlets' results in
  the hub's own thread. ``AsyncResult`` is never touched from the asyncio thread (gevent says
  it is not thread-safe).

Each call keeps only its greenlet parked while the loop runs it, so one worker process holds as
many calls as its one asyncio thread can carry (hundreds), and gevent's hub stays free for
Locust's messaging and statistics. The harness's UDP sockets are made with the socket class
gevent's patching left aside (`harness.net.udp.use_socket_class`): gevent's own wraps every
send and receive in Python and belongs to the hub's thread.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import gevent
import gevent.monkey
from gevent.event import AsyncResult
from gevent.lock import Semaphore

from harness.net import udp

T = TypeVar("T")

START_TIMEOUT = 10.0


class EngineThread:
    """One asyncio loop on a real thread, reached from greenlets without blocking the hub."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._done: deque[tuple[int, asyncio.Task[Any] | BaseException]] = deque()
        self._waiting: dict[int, AsyncResult] = {}
        self._tokens = itertools.count()
        self._watcher = gevent.get_hub().loop.async_()
        self._watcher.start(self._deliver)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ident: int | None = None
        self._stopped = AsyncResult()
        self._ready = AsyncResult()
        # The loop's sockets are plain ones: gevent's are for its hub's thread, and wrap
        # every send and receive in Python.
        udp.use_socket_class(gevent.monkey.get_original("socket", "socket"))
        start_new_thread = gevent.monkey.get_original("_thread", "start_new_thread")
        start_new_thread(self._main, ())
        self._ready.get(timeout=START_TIMEOUT)

    # -- the asyncio thread -------------------------------------------------------------------
    def cpu_seconds(self) -> float | None:
        """CPU time the asyncio thread has used so far (None before it started, or off Linux).

        Beside the process's own, it tells the calls' work from gevent's side (Locust's users,
        statistics and messages, the hand-over).
        """
        if self._ident is None:
            return None
        try:
            return time.clock_gettime(time.pthread_getcpuclockid(self._ident))
        except (AttributeError, OSError):
            return None

    def _main(self) -> None:
        get_ident = gevent.monkey.get_original("_thread", "get_ident")
        self._ident = get_ident()
        selector_class = gevent.monkey.get_original("selectors", "EpollSelector")
        loop = asyncio.SelectorEventLoop(selector_class())
        asyncio.set_event_loop(loop)
        self._loop = loop
        self._post(-1, None)  # ready
        try:
            loop.run_forever()
        finally:
            loop.close()
            self._post(-2, None)  # stopped

    def _post(self, token: int, item: Any) -> None:
        self._done.append((token, item))
        self._watcher.send()

    def _start(self, token: int, factory: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        try:
            task = asyncio.ensure_future(factory())
        except Exception as exc:  # noqa: BLE001 - any error of the factory goes to its caller
            self._post(token, exc)
            return
        task.add_done_callback(lambda t: self._post(token, t))

    # -- the gevent side ----------------------------------------------------------------------
    def _deliver(self) -> None:
        """On gevent's hub: hand every finished item to the greenlet waiting for it."""
        while self._done:
            token, item = self._done.popleft()
            if token == -1:
                self._ready.set(True)
                continue
            if token == -2:
                self._stopped.set(True)
                continue
            waiter = self._waiting.pop(token, None)
            if waiter is None:
                continue
            if isinstance(item, BaseException):
                waiter.set_exception(item)
            elif item.cancelled():
                waiter.set_exception(asyncio.CancelledError("the engine stopped"))
            elif item.exception() is not None:
                waiter.set_exception(item.exception())
            else:
                waiter.set(item.result())

    def run(self, factory: Callable[[], Coroutine[Any, Any, T]], timeout: float) -> T:
        """Run ``factory()`` on the loop; this greenlet waits, the hub does not."""
        loop = self._loop
        if loop is None or loop.is_closed():
            raise RuntimeError("the load engine's loop is not running")
        token = next(self._tokens)
        waiter = AsyncResult()
        self._waiting[token] = waiter
        loop.call_soon_threadsafe(self._start, token, factory)
        try:
            result: T = waiter.get(timeout=timeout)
        finally:
            self._waiting.pop(token, None)
        return result

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop the loop (after whatever ``run`` is given to close things); True once stopped."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return True
        loop.call_soon_threadsafe(loop.stop)
        stopped = bool(self._stopped.get(timeout=timeout))
        self._watcher.stop()
        self._watcher.close()
        return stopped


_engine: EngineThread | None = None
_starting = Semaphore()


def engine_thread() -> EngineThread:
    """This process's engine thread, started on first use (after a fork, a new one).

    Starting waits for the thread's loop, which lets other greenlets run: the semaphore keeps
    them from starting a second loop meanwhile.
    """
    global _engine
    with _starting:
        if _engine is None or _engine.pid != os.getpid():
            _engine = EngineThread()
        return _engine


def spawn_later(seconds: float, function: Callable[[], None]) -> None:
    """Call ``function`` on the hub after ``seconds`` (for periodic flushes)."""
    gevent.spawn_later(seconds, function)
