"""One asyncio loop in a background thread, and a synchronous portal into it.

pytest-bdd steps cannot await, yet every party (callers, phones, the SUT adapter) lives on one
event loop. Steps reach that loop through :class:`Portal`; every call carries a timeout so that a
hung party fails the step with a clear message instead of hanging the run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0


class PortalTimeout(TimeoutError):
    """A coroutine run through the portal did not finish within its timeout."""


class Portal:
    """Runs an asyncio loop in a daemon thread and lets synchronous code call into it."""

    def __init__(self, name: str = "callproof-loop") -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()
        self._ready.wait()

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._ready.set)
        self._loop.run_forever()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = DEFAULT_TIMEOUT) -> T:
        """Run ``coro`` on the loop and return its result, or raise :class:`PortalTimeout`."""
        if self.in_loop_thread():
            coro.close()
            raise RuntimeError(
                "Portal.run() called from the loop thread; await the coroutine instead"
            )
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        done, _ = concurrent.futures.wait([future], timeout)
        if done:  # the coroutine's own exceptions (TimeoutError included) pass through unchanged
            return future.result()
        else:
            future.cancel()
            name = getattr(coro, "__qualname__", repr(coro))
            raise PortalTimeout(f"{name} did not finish within {timeout:g} s") from None

    def call(self, fn: Callable[..., T], *args: Any, timeout: float = DEFAULT_TIMEOUT) -> T:
        """Run a plain function on the loop thread (for objects that are not thread-safe)."""

        async def _call() -> T:
            return fn(*args)

        return self.run(_call(), timeout)

    def spawn(self, awaitable: Awaitable[T]) -> concurrent.futures.Future[T]:
        """Start ``awaitable`` on the loop without waiting for it."""

        async def _wrap() -> T:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(_wrap(), self._loop)

    def close(self, timeout: float = 10.0) -> None:
        """Cancel what is left on the loop, stop it and join the thread."""
        if not self._thread.is_alive():
            return

        async def _shutdown() -> None:
            current = asyncio.current_task()
            tasks = [t for t in asyncio.all_tasks() if t is not current]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self._loop.shutdown_asyncgens()

        try:
            self.run(_shutdown(), timeout)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
            if not self._thread.is_alive():
                self._loop.close()
