"""Account clock, event bus and contact bindings, on virtual time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from harness.reference.clock import AccountClock, iso_utc, parse_iso_utc
from harness.reference.domain.errors import InvalidField
from harness.reference.domain.registrations import ContactBindings
from harness.reference.events import EventBus, EventsLost

REAL = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


class Wall:
    def __init__(self) -> None:
        self.now = REAL

    def __call__(self) -> datetime:
        return self.now


def test_clock_offset_follows_real_time_and_is_per_account():
    wall = Wall()
    clock = AccountClock(real=wall)
    clock.set("a", "2025-01-06T08:59:00+01:00")
    wall.now += timedelta(seconds=30)
    assert clock.now("a") == datetime(2025, 1, 6, 7, 59, 30, tzinfo=UTC)
    assert clock.now("b") == wall.now
    clock.advance("a", 3600)
    assert clock.now("a") == datetime(2025, 1, 6, 8, 59, 30, tzinfo=UTC)


def test_frozen_clock_stands_still_until_advanced_or_unfrozen():
    wall = Wall()
    clock = AccountClock(real=wall)
    clock.set("a", "2025-01-06T09:00:00Z", frozen=True)
    wall.now += timedelta(hours=1)
    assert clock.now("a") == datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    clock.advance("a", 7 * 86400)
    assert clock.now("a") == datetime(2025, 1, 13, 9, 0, tzinfo=UTC)
    assert clock.is_frozen("a")
    clock.unfreeze("a")
    wall.now += timedelta(seconds=5)
    assert clock.now("a") == datetime(2025, 1, 13, 9, 0, 5, tzinfo=UTC)
    clock.forget("a")
    assert clock.now("a") == wall.now


def test_clock_refuses_naive_times_and_going_back():
    clock = AccountClock(real=Wall())
    with pytest.raises(InvalidField) as caught:
        clock.set("a", "2025-01-06T09:00:00")
    assert caught.value.field == "now"
    with pytest.raises(InvalidField):
        clock.set("a", "yesterday")
    with pytest.raises(InvalidField):
        clock.advance("a", -1)


def test_iso_round_trip_is_fixed_width_utc():
    moment = datetime(2025, 1, 6, 9, 0, 0, 5, tzinfo=UTC)
    assert iso_utc(moment) == "2025-01-06T09:00:00.000005Z"
    assert parse_iso_utc(iso_utc(moment)) == moment


def test_bus_delivers_own_account_events_in_order():
    async def scenario() -> None:
        bus = EventBus()
        mine, other = bus.subscribe("a"), bus.subscribe("b")
        for n in range(3):
            bus.publish("a", {"type": "call.ringing", "n": n})
        bus.publish("b", {"type": "call.created"})
        got = [await asyncio.wait_for(mine.get(), 1) for _ in range(3)]
        assert [e["n"] for e in got] == [0, 1, 2]
        assert all(e["account_id"] == "a" for e in got)
        assert got[0]["seq"] < got[1]["seq"] < got[2]["seq"]
        assert mine.get_nowait() is None
        assert (await asyncio.wait_for(other.get(), 1))["type"] == "call.created"

    asyncio.run(scenario())


def test_bus_cuts_off_a_subscriber_that_overflows_instead_of_skipping():
    async def scenario() -> None:
        bus = EventBus(queue_size=2)
        slow = bus.subscribe("a")
        for n in range(3):
            bus.publish("a", {"type": "x", "n": n})
        assert [(await slow.get())["n"] for _ in range(2)] == [0, 1]
        with pytest.raises(EventsLost):
            await slow.get()
        assert bus.subscriber_count("a") == 0

    asyncio.run(scenario())


def test_closing_a_subscription_ends_its_stream():
    async def scenario() -> None:
        bus = EventBus()
        sub = bus.subscribe("a")
        waiting = asyncio.ensure_future(sub.get())
        sub.close()
        bus.publish("a", {"type": "too.late"})
        with pytest.raises(EventsLost):
            await asyncio.wait_for(waiting, 1)
        assert sub.closed_reason == "closed"
        assert bus.subscriber_count("a") == 0

    asyncio.run(scenario())


def test_contact_bindings_expire_and_unregister():
    bindings = ContactBindings()
    bindings.bind("u1", "sip:ana@127.0.0.1:5070", 60, now=0.0)
    bindings.bind("u1", "sip:ana@127.0.0.1:5072", 120, now=0.0)
    assert bindings.contacts("u1", now=59.0) == ["sip:ana@127.0.0.1:5070", "sip:ana@127.0.0.1:5072"]
    assert bindings.contacts("u1", now=60.0) == ["sip:ana@127.0.0.1:5072"]
    bindings.bind("u1", "sip:ana@127.0.0.1:5072", 0, now=61.0)
    assert bindings.contacts("u1", now=61.0) == []
    with pytest.raises(ValueError):
        bindings.bind("u1", "sip:x@127.0.0.1", -1, now=0.0)
