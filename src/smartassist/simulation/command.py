"""What `smartassist simulate` and `smartassist demo` do once their options are parsed: build the world, send
the backfill with a progress bar, then optionally keep going live. The HTTP client is given by the caller
(a remote server, or the in-process app), so this module never decides where the data goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from smartassist.app import create_app
from smartassist.clock import now_ms
from smartassist.collector import collector_paused
from smartassist.config import Settings
from smartassist.simulation.inprocess import InProcessTransport
from smartassist.simulation.model import day_start
from smartassist.simulation.render import zulu
from smartassist.simulation.run import Days, LiveTick, backfill_days, backfill_stream, first_day_of, run_live, send
from smartassist.simulation.world import DEFAULT_BOT_ID, World, build_world
from smartassist.simulation.writer import MAX_BATCH, Tally, Writer

# Batches queued beyond those in flight: two simulated days of a 200-agent world (six batches a day), so the next
# day is simulated while this one's are sent (simulation.writer: Writer.ahead).
AHEAD = 12


@dataclass(frozen=True)
class Options:
    seed: int = 1
    agents: int = 20
    days: int = 1
    until: int | None = None  # epoch seconds of the cut; None = now
    live: bool = False
    speed: float = 1.0
    duration_s: float | None = None
    bot_id: str | None = None
    batch_size: int = MAX_BATCH
    in_flight: int = 1  # requests at once (simulation.writer)


@dataclass(frozen=True)
class Outcome:
    world: World
    start: int  # the first backfilled day's midnight
    end: int  # the backfill's cut
    last_cut: int  # = end unless live
    tallies: dict[str, Tally]
    unsupported: frozenset[str]

    def summary(self) -> str:
        parts = [
            f"{name}: {t.accepted} new or changed, {t.duplicates} unchanged"
            + (f", {t.skipped} skipped" if t.skipped else "")
            for name, t in self.tallies.items()
        ]
        head = (
            f"Simulated {len(self.world.agents)} agents (seed {self.world.seed}) "
            f"from {zulu(self.start)} to {zulu(self.last_cut)}"
        )
        return "\n".join([head, *(f"  {part}" for part in parts)])


@contextmanager
def in_process_client(settings: Settings) -> Iterator[httpx.Client]:
    """The server's own app, called in process through its routes (no socket): same validation and writes."""
    with httpx.Client(transport=InProcessTransport(create_app(settings)), base_url="http://in-process") as client:
        yield client


def simulate(
    client: httpx.Client,
    account_id: str,
    ingest_headers: dict[str, str],
    options: Options,
    console: Console,
) -> Outcome:
    world = build_world(options.seed, options.agents, options.bot_id or DEFAULT_BOT_ID)
    end = options.until if options.until is not None else now_ms() // 1000
    first_day = first_day_of(end, options.days)
    days = Days(world)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("days"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        # Days are simulated as their batches are sent, so the bar counts days; the description counts records.
        task = progress.add_task("Simulating", total=backfill_days(first_day, end))
        days.on_day = lambda _: progress.advance(task)
        sent = 0

        def advance(records: int) -> None:
            nonlocal sent
            sent += records
            progress.update(task, description=f"Simulating ({sent:,} records)")

        writer = Writer(
            client=client,
            account_id=account_id,
            bot_id=world.bot_id,
            headers=ingest_headers,
            warn=lambda line: console.print(line, markup=False, highlight=False),
            on_progress=advance,
            batch_size=options.batch_size,
            in_flight=options.in_flight,
            overlap=True,
            ahead=AHEAD,
        )
        try:
            # The backfill's records are young containers by the hundred thousand, none in a cycle (gc.collect()
            # after a paused 30 x 200 backfill found 0): each day's collections walked them, 2.9 of the model's
            # 9.8 s of CPU (backfill_batches timed with the collector on and off). Reference counting still frees them.
            with collector_paused():
                send(writer, backfill_stream(world, days, first_day, end))
            last_cut = end
            if options.live:
                last_cut = _live(writer, days, end, first_day, options, progress, console)
        finally:
            writer.close()
    return Outcome(world, day_start(first_day), end, last_cut, writer.tallies, frozenset(writer.unsupported))


def _live(
    writer: Writer, days: Days, end: int, first_day: date, options: Options, progress: Progress, console: Console
) -> int:
    """Keep sending what happens after the backfill's cut; the last cut sent."""
    live_task = progress.add_task("Live", total=options.duration_s)
    sent = 0
    last_cut = end

    def tick(update: LiveTick) -> None:
        nonlocal sent, last_cut
        sent += update.records
        last_cut = update.cut
        progress.update(
            live_task,
            completed=(update.cut - end) / options.speed,
            description=f"Live {zulu(update.cut)} ({sent} records)",
        )

    try:
        run_live(
            writer,
            days,
            end,
            speed=options.speed,
            duration_s=options.duration_s,
            first_day=first_day,
            on_tick=tick,
        )
    except KeyboardInterrupt:
        console.print("stopped; every batch sent so far is complete")
    return last_cut
