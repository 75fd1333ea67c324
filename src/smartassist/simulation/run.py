"""Backfill and live runs: which simulated records to send for a period, and sending them through a Writer.

Backfill covers whole UTC days, from the first day of the period up to the cut (`end`), and sends each day's
records per kind (batches never straddle two days). A day is simulated and rendered with the cyclic garbage
collector paused: the model and its records are tens of thousands of young containers, and its collections were
a third of the simulator's CPU (none of them is garbage in a cycle; reference counting frees them). Live mode
advances the cut with the clock (times `speed`) and sends only what changed since the previous cut: new status
and login events, and the contacts that had a fact in between, rendered at the new cut.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import chain

from smartassist.collector import collector_paused
from smartassist.simulation import render
from smartassist.simulation.model import Day, days_between, simulate_day
from smartassist.simulation.world import World
from smartassist.simulation.writer import (
    AGENTS,
    CONVERSATIONS,
    LOGIN_EVENTS,
    QUEUES,
    SESSIONS,
    STATUS_EVENTS,
    Kind,
    Record,
    Writer,
)

Batch = tuple[Kind, list[Record]]


def utc_date(seconds: int) -> date:
    return datetime.fromtimestamp(seconds, tz=UTC).date()


@dataclass
class Days:
    """Simulated days, each computed once."""

    world: World
    cache: dict[date, Day] = field(default_factory=dict)
    on_day: Callable[[date], None] = lambda _: None  # told each day as it is first simulated

    def get(self, day: date) -> Day:
        if day not in self.cache:
            with collector_paused():
                self.cache[day] = simulate_day(self.world, day)
            self.on_day(day)
        return self.cache[day]

    def forget_before(self, day: date) -> None:
        """Drop the days before `day`: no later window looks at them (see window_batches)."""
        for old in [d for d in self.cache if d < day]:
            del self.cache[old]


def setup_batches(world: World) -> list[Batch]:
    return [(QUEUES, render.queue_records(world)), (AGENTS, render.agent_records(world))]


def window_batches(days: Days, since: int | None, cut: int, first_day: date) -> Iterator[Batch]:
    """Records that changed in [since, cut) (everything up to the cut when since is None), day by day.

    A day's contacts may have facts after its midnight, so a window also looks at the day before it.
    """
    world = days.world
    lo_day = first_day if since is None else max(first_day, utc_date(since) - timedelta(days=1))
    for day in days_between(lo_day, utc_date(cut - 1)):
        simulated = days.get(day)
        lo = -1 if since is None else since
        with collector_paused():
            contacts = list(render.changed_contacts(simulated, since, cut))
            rows = (render.conversation_record(world, contact, cut) for contact in contacts)
            batches = [
                (SESSIONS, [render.session_record(contact, cut) for contact in contacts]),
                (CONVERSATIONS, [row for row in rows if row is not None]),
                (STATUS_EVENTS, [render.status_record(world, e) for e in simulated.status_events if lo <= e.at < cut]),
                (LOGIN_EVENTS, [render.login_record(world, e) for e in simulated.logins if lo <= e.at < cut]),
            ]
        yield from batches
        # Later windows start at or after this cut, so they look at this day or later, and at the day before
        # theirs: nothing before yesterday-of-this-day (keeping a month of days made every collection walk them).
        days.forget_before(day - timedelta(days=1))


def backfill_stream(world: World, days: Days, first_day: date, end: int) -> Iterator[Batch]:
    """The world's setup, then every day from first_day as it stands at `end`; empty batches left out. Each day
    is simulated when its batches are asked for, so a day's batches are on the wire while the next is computed."""
    for kind, records in chain(setup_batches(world), window_batches(days, None, end, first_day)):
        if records:
            yield kind, records


def backfill_batches(world: World, days: Days, first_day: date, end: int) -> list[Batch]:
    return list(backfill_stream(world, days, first_day, end))


def backfill_days(first_day: date, end: int) -> int:
    """How many days a backfill from first_day to `end` simulates (Days.get calls)."""
    return len(list(days_between(first_day, utc_date(end - 1))))


def send(writer: Writer, batches: Iterable[Batch]) -> None:
    """Every batch, then wait for the last requests in flight."""
    for kind, records in batches:
        writer.write(kind, records)
    writer.flush()


def first_day_of(end: int, days: int) -> date:
    """Backfill start: the UTC day `days` days before the cut (whole days, so re-runs send the same batches)."""
    return utc_date(end) - timedelta(days=days)


@dataclass
class LiveTick:
    cut: int
    records: int


def run_live(
    writer: Writer,
    days: Days,
    start: int,
    *,
    speed: float,
    duration_s: float | None,
    first_day: date,
    interval_s: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_tick: Callable[[LiveTick], None] = lambda _: None,
) -> int:
    """Keep the data moving: every interval, send what happened since the last cut. Returns the last cut."""
    began = clock()
    cut = start
    while True:
        elapsed = clock() - began
        if duration_s is not None:
            elapsed = min(elapsed, duration_s)
        new_cut = start + int(elapsed * speed)
        if new_cut > cut:
            batches = [(k, r) for k, r in window_batches(days, cut, new_cut, first_day) if r]
            send(writer, batches)
            cut = new_cut
            on_tick(LiveTick(cut=cut, records=sum(len(r) for _, r in batches)))
        if duration_s is not None and elapsed >= duration_s:
            return cut
        sleep(interval_s)
