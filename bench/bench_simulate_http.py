"""`simulate` over HTTP into PostgreSQL: a month of 200 agents through a real `smartassist serve`, in records/s,
against the plain bulk-insert rate of bench_ingest measured on the same server's database in the same run.

The simulated run is what `smartassist simulate --base-url … --days 30 --agents 200 --in-flight 4` does against
`smartassist serve --workers 2` (both options a user chooses; simulate's default is one request in flight, serve's
one worker; `--in-flight 1 --workers 1` measures those): the model, the rendering to the ingest record shapes, and
every batch through the ingest routes over loopback HTTP, four requests at once, the client simulating ahead of
them. On the 2 cores, one request at a time left one of them idle on average: the client, the server and
PostgreSQL took turns (client + server + backends' CPU about the run's wall time). The baseline is
bench_ingest's: a plain SQLAlchemy bulk insert of status event rows already built as dicts, one transaction of
10,000 at a time. Target: simulated records/s >= 0.50 of the baseline.

A record is not a row: a conversation is its row plus its queue entries, agent segments and interactions. So a
second, fairer ratio: database rows the run wrote per second against a plain SQLAlchemy bulk insert of the same
rows (a sample of each table, re-inserted as dicts after the run) into the same tables.

Phases: the client's model and rendering and its JSON encoding (timed apart, before the run), the time the
requests took (encoding excluded), the CPU of the client, of the server's processes and of PostgreSQL's backends
(from /proc), the whole machine's busy and idle CPU (/proc/stat: others' work on the cores shows there), the time
with 0, 1, 2, … requests in flight, and the run's wall time.

    .venv/bin/python bench/bench_simulate_http.py [--agents 200] [--days 30] [--in-flight 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import orjson
from rich.console import Console
from sqlalchemy import Engine, MetaData, Table, create_engine, insert, select, text

from smartassist.clock import now_ms
from smartassist.collector import collector_paused
from smartassist.contactcenter.models import Agent
from smartassist.simulation import command, setup
from smartassist.simulation.run import Days, backfill_batches, first_day_of
from smartassist.simulation.world import build_world
from smartassist.simulation.writer import MAX_BATCH

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_ingest import BATCH, PG_URL, as_rows, empty_events, make_events, run_plain  # noqa: E402
from bench.common import DB_PREFIX, one_minute_load  # noqa: E402
from tests.databases import temporary_postgres_database  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

TARGET = 0.5
SAMPLE = 20_000  # rows per table re-inserted for the rows baseline
# The tables the run writes, parents first; conversations' children are sampled with their conversations.
WRITTEN = (
    "bot_sessions",
    "conversations",
    "queue_entries",
    "agent_segments",
    "agent_interactions",
    "agent_status_events",
    "agent_login_events",
)
CHILDREN = {"queue_entries", "agent_segments"}


class TimedTransport(httpx.HTTPTransport):
    """Seconds spent in requests (sent, served, answered), by route; the JSON encoding happens before."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: Counter[str] = Counter()
        self.spans: list[tuple[float, float]] = []  # (began, ended) of each request

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        began = time.perf_counter()
        response = super().handle_request(request)
        response.read()
        ended = time.perf_counter()
        self.seconds[request.url.path.rsplit("/", 1)[-1]] += ended - began
        self.spans.append((began, ended))
        return response

    def in_flight_seconds(self, start: float, end: float) -> dict[int, float]:
        """Seconds of [start, end) with n requests in flight, by n."""
        edges = sorted(
            [(max(a, start), 1) for a, b in self.spans if b > start] + [(b, -1) for _, b in self.spans if b > start]
        )
        seconds: Counter[int] = Counter()
        now, at = 0, start
        for t, step in edges:
            t = min(t, end)
            seconds[now] += t - at
            now, at = now + step, t
        seconds[0] += max(end - at, 0.0)
        return dict(sorted(seconds.items()))


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its waited-for children (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def machine_cpu_s() -> tuple[float, float]:
    """CPU seconds so far of the whole machine, busy (everything but idle and I/O wait) and idle (/proc/stat)."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK"), idle / os.sysconf("SC_CLK_TCK")


def database_cpu_s(engine: Engine, database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to the database (the server runs on this host)."""
    with engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :db"), {"db": database}).scalars()
        cpu: dict[int, float] = {}
        for pid in pids:
            try:
                cpu[pid] = process_cpu_s(pid)
            except OSError:  # ended meanwhile, or another host's
                continue
        return cpu


def client_phases(agents: int, days: int, until: int, batch: int) -> tuple[float, float]:
    """Seconds of the model + rendering and of the JSON encoding of every batch, as simulate runs them."""
    began = time.perf_counter()
    world = build_world(1, agents)
    with collector_paused():  # as simulate's backfill runs
        batches = backfill_batches(world, Days(world), first_day_of(until, days), until)
    model_s = time.perf_counter() - began
    began = time.perf_counter()
    for _, records in batches:
        for start in range(0, len(records), batch):
            orjson.dumps(records[start : start + batch])  # as simulation.writer encodes a batch
    return model_s, time.perf_counter() - began


def plain_rows_rate(engine: Engine, counts: dict[str, int]) -> tuple[float, dict[str, float]]:
    """Rows/s a plain SQLAlchemy bulk insert (executemany of dicts) takes for the run's rows: a sample of up to
    SAMPLE rows of each table (conversations with all their children) is read, the tables emptied, the sample
    inserted again, timed per table; the rate is all the run's rows over the time their tables' rates give."""
    tables = MetaData()
    tables.reflect(engine, only=WRITTEN)
    samples: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for name in WRITTEN:
            table = tables.tables[name]
            query = select(table).order_by(table.c.id).limit(SAMPLE)
            if name in CHILDREN:
                last = max((row["id"] for row in samples["conversations"]), default=0)
                query = select(table).where(table.c.conversation_pk <= last).order_by(table.c.id)
            samples[name] = [dict(row._mapping) for row in conn.execute(query)]
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(WRITTEN)}"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM ANALYZE {', '.join(WRITTEN)}"))
    per_row: dict[str, float] = {}
    for name in WRITTEN:
        table: Table = tables.tables[name]
        rows = samples[name]
        began = time.perf_counter()
        for start in range(0, len(rows), MAX_BATCH):
            with engine.begin() as conn:
                conn.execute(insert(table), rows[start : start + MAX_BATCH])
        per_row[name] = (time.perf_counter() - began) / max(len(rows), 1)
    plain_s = sum(per_row[name] * counts[name] for name in WRITTEN)
    return sum(counts[name] for name in WRITTEN) / plain_s, {name: 1 / s for name, s in per_row.items() if s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--in-flight", type=int, default=4, help="requests at once (simulate --in-flight)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (serve --workers)")
    parser.add_argument("--baseline-batches", type=int, default=10, help="batches of 10,000 status events")
    args = parser.parse_args()
    if not (0 < args.agents <= 1000 and 0 < args.days <= 31):
        parser.error("bounded run: agents <= 1000, days <= 31")
    until = now_ms() // 1000
    options = command.Options(agents=args.agents, days=args.days, until=until, in_flight=args.in_flight)
    loads = {"start": one_minute_load()}
    model_s, encode_s = client_phases(args.agents, args.days, until, options.batch_size)
    loads["after the client phases"] = one_minute_load()
    admin_token = secrets.token_urlsafe(32)
    admin = {"Authorization": f"Bearer {admin_token}"}
    transport = TimedTransport()
    with temporary_postgres_database(PG_URL, f"{DB_PREFIX}_simulate_http") as url, tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(url, Path(tmp) / "data", admin_token, secrets.token_urlsafe(32), workers=args.workers)
        with server, httpx.Client(base_url=server.base_url, timeout=300, transport=transport) as client:
            account_id = setup.ensure_account(client, admin_token, "Bench")
            transport.seconds.clear()
            engine = create_engine(url)
            database = engine.url.database or ""
            db_before = database_cpu_s(engine, database)
            cpu_before, client_before, machine_before = server.cpu_seconds(), time.process_time(), machine_cpu_s()
            started = time.perf_counter()
            outcome = command.simulate(client, account_id, admin, options, Console(stderr=True, quiet=True))
            simulate_s = time.perf_counter() - started
            in_flight = transport.in_flight_seconds(started, started + simulate_s)
            loads["after the run"] = one_minute_load()
            server_cpu_s, client_cpu_s = server.cpu_seconds() - cpu_before, time.process_time() - client_before
            machine_busy_s, machine_idle_s = (
                after - before for after, before in zip(machine_cpu_s(), machine_before, strict=True)
            )
            db_cpu_s = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in database_cpu_s(engine, database).items())
            records = sum(t.accepted + t.duplicates for t in outcome.tallies.values())

            with engine.connect() as conn:
                counts = {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in WRITTEN}  # noqa: S608
            rows_plain_rate, table_rates = plain_rows_rate(engine, counts)

            # bench_ingest's baseline on the same database: the plain bulk insert of status events.
            agents = [{"email": f"agent{n}@example.com", "firstName": "A", "lastName": str(n)} for n in range(50)]
            client.put(f"/ingest/accounts/{account_id}/agents", json=agents, headers=admin).raise_for_status()
            with engine.connect() as conn:
                ids = {email: pk for pk, email in conn.execute(select(Agent.id, Agent.email_norm))}
            event_rows = [as_rows(batch, account_id, ids) for batch in make_events(args.baseline_batches + 1)]
            empty_events(engine)
            run_plain(engine, event_rows[:1])  # warm-up, untimed
            plain_rate = args.baseline_batches * BATCH / run_plain(engine, event_rows[1:])
            loads["after the baseline"] = one_minute_load()
            engine.dispose()

    rate = records / simulate_s
    rows = sum(counts.values())
    print(f"simulate --days {args.days} --agents {args.agents} --in-flight {args.in_flight}, PostgreSQL, over HTTP")
    print(f"(serve --workers {args.workers})")
    print(f"{'kind':<16} {'accepted':>10} {'unchanged':>10}")
    for name, tally in outcome.tallies.items():
        print(f"{name:<16} {tally.accepted:>10,} {tally.duplicates:>10,}")
    print("\nphases (s)")
    print(f"  client model + rendering (timed apart)  {model_s:8.1f}")
    print(f"  client JSON encoding (timed apart)      {encode_s:8.1f}")
    print(f"  client CPU during the run               {client_cpu_s:8.1f}")
    for route, seconds in transport.seconds.most_common():
        print(f"  requests to …/{route:<24} {seconds:8.1f}")
    print(f"  server process CPU during the run       {server_cpu_s:8.1f}")
    print(f"  PostgreSQL backends' CPU during the run {db_cpu_s:8.1f}")
    print(f"  the run (wall)                          {simulate_s:8.1f}")
    print(f"  the machine's CPU busy / idle in the run {machine_busy_s:7.1f} / {machine_idle_s:.1f}")
    print("  requests in flight: " + ", ".join(f"{n} for {s:.1f} s" for n, s in in_flight.items()))
    print("load average (1 min): " + ", ".join(f"{phase} {load:.1f}" for phase, load in loads.items()))
    print(f"\nrows written: {', '.join(f'{name} {n:,}' for name, n in counts.items())}")
    print("plain insert rows/s by table: " + ", ".join(f"{name} {r:,.0f}" for name, r in table_rates.items()))
    print(f"\n{'path':<52} {'per s':>10}")
    print(f"{'simulate records (model + rendering + ingest routes)':<52} {rate:>10,.0f}   ", end="")
    print(f"({records:,} in {simulate_s:.1f} s, {args.in_flight} in flight)")
    print(f"{'plain SQLAlchemy bulk insert of events (bench_ingest)':<52} {plain_rate:>10,.0f}")
    print(f"{'simulate rows written':<52} {rows / simulate_s:>10,.0f}   ({rows:,} rows)")
    print(f"{'plain SQLAlchemy bulk insert of the same rows':<52} {rows_plain_rate:>10,.0f}")
    ratio = rate / plain_rate
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"records ratio {ratio:.2f} (target >= {TARGET:.2f}) -> {verdict}")
    print(f"rows ratio {rows / simulate_s / rows_plain_rate:.2f} (the fairer comparison, no target)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
