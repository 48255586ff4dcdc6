"""An asyncio event loop on virtual time, for unit tests of code that schedules with the loop.

When nothing is ready, the loop's clock jumps straight to its next timer instead of waiting
for it, so timers fire exactly when they were asked for, however loaded the machine is, and a
test of a 20 ms media frame takes no real time. Only the loop's own clock is virtual: the
selector is still polled (without waiting) for the loop's self-pipe.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Awaitable, Callable
from typing import TypeVar

__all__ = ["VirtualTimeLoop", "run_virtual"]

T = TypeVar("T")


class _JumpingSelector(selectors.DefaultSelector):
    """Polls without waiting; the time the loop would have waited is added to its clock."""

    def __init__(self, advance: Callable[[float], None]) -> None:
        super().__init__()
        self._advance = advance

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:
            raise RuntimeError("the virtual loop has nothing scheduled: it would wait forever")
        if timeout > 0:
            self._advance(timeout)
        return super().select(0)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose ``time()`` only moves when the loop would otherwise wait."""

    def __init__(self) -> None:
        self._now = 0.0
        super().__init__(_JumpingSelector(self._jump))

    def time(self) -> float:
        """The virtual time, in seconds since the loop was made."""
        return self._now

    def _jump(self, seconds: float) -> None:
        self._now += seconds

    def stall(self, seconds: float) -> None:
        """Called from a callback: the loop's thread is held up for ``seconds`` (a blocking
        callback, or the process not scheduled), so everything due meanwhile runs late."""
        self._now += seconds


def run_virtual(coro: Awaitable[T]) -> T:
    """Run ``coro`` to its end on a fresh virtual-time loop."""

    async def main() -> T:
        return await coro

    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        return runner.run(main())
