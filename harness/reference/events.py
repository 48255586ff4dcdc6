"""In-process event bus: each subscriber gets its own account's events, in order.

Queues are bounded. A subscriber that falls too far behind is cut off rather than silently
skipped past: a test harness that reads the stream must be able to trust that it saw every
event, so a gap is reported (:class:`EventsLost`) instead of hidden.

Used from the event-loop thread only (``asyncio.Queue`` is not thread-safe).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping
from typing import Any

Event = dict[str, Any]

DEFAULT_QUEUE_SIZE = 1000


class EventsLost(Exception):
    """The subscriber's queue overflowed or its account was deleted; the stream has ended."""


class Subscription:
    """One subscriber's view of an account's events, from the moment it subscribed."""

    def __init__(self, bus: EventBus, account_id: str, maxsize: int) -> None:
        self.account_id = account_id
        self._bus = bus
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize + 1)
        self._maxsize = maxsize
        self._closed_reason: str | None = None

    @property
    def closed_reason(self) -> str | None:
        """Why the bus ended this subscription, if it did."""
        return self._closed_reason

    async def get(self) -> Event:
        """The next event; raises :class:`EventsLost` once the bus has cut the stream."""
        item = await self._queue.get()
        if item is None:
            raise EventsLost(self._closed_reason or "closed")
        return item

    def get_nowait(self) -> Event | None:
        """The next event if one is queued, else ``None``; raises like :meth:`get`."""
        try:
            item = self._queue.get_nowait()
        except asyncio.QueueEmpty:
            return None
        if item is None:
            raise EventsLost(self._closed_reason or "closed")
        return item

    def close(self) -> None:
        """Stop receiving events; a pending :meth:`get` raises :class:`EventsLost` (idempotent)."""
        self._bus._unsubscribe(self)
        self._end("closed")

    def _offer(self, event: Event) -> bool:
        if self._queue.qsize() >= self._maxsize:
            return False
        self._queue.put_nowait(event)
        return True

    def _end(self, reason: str) -> None:
        if self._closed_reason is not None:
            return
        self._closed_reason = reason
        # The spare slot (maxsize + 1) guarantees the end marker always fits.
        self._queue.put_nowait(None)


class EventBus:
    """Publish account events to that account's subscribers."""

    def __init__(self, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self._queue_size = queue_size
        self._subscribers: dict[str, list[Subscription]] = {}
        self._sequence = itertools.count(1)

    def subscribe(self, account_id: str) -> Subscription:
        """Start receiving the account's events published from now on."""
        subscription = Subscription(self, account_id, self._queue_size)
        self._subscribers.setdefault(account_id, []).append(subscription)
        return subscription

    def publish(self, account_id: str, event: Mapping[str, Any]) -> Event:
        """Deliver ``event`` (needs a ``type``) to the account's subscribers.

        The delivered copy gets ``account_id`` and a bus-wide increasing ``seq``, so readers
        can check order. Returns that copy.
        """
        if "type" not in event:
            raise ValueError("an event needs a 'type'")
        delivered: Event = {**event, "account_id": account_id, "seq": next(self._sequence)}
        for subscription in list(self._subscribers.get(account_id, ())):
            if not subscription._offer(delivered):
                self._drop(subscription, "subscriber too slow: event queue overflowed")
        return delivered

    def close_account(self, account_id: str) -> None:
        """End every subscription of a deleted account."""
        for subscription in list(self._subscribers.get(account_id, ())):
            self._drop(subscription, "account deleted")

    def subscriber_count(self, account_id: str) -> int:
        """How many subscribers the account has."""
        return len(self._subscribers.get(account_id, ()))

    def _drop(self, subscription: Subscription, reason: str) -> None:
        self._unsubscribe(subscription)
        subscription._end(reason)

    def _unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._subscribers.get(subscription.account_id, [])
        if subscription in subscribers:
            subscribers.remove(subscription)
        if not subscribers:
            self._subscribers.pop(subscription.account_id, None)
