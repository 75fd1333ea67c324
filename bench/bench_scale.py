"""UserStatus and Agent Status Details on a year of data against the same requests on a month, in one run.

Data: one account, 1,000 agents x 365 days of one generated stream (~30 M rows), and the last 31 days of
the same stream in a second database, both made by the project's migrations. Each agent works a shift of
about 8.5 hours on 5 days of 7 (shifts start around 06:00, 14:00 or 22:00 UTC): a login entry and exit,
about 70 status events (Available first, Offline last, Busy / Away / On Break between, a reason on Away
and On Break) and about 42 interactions (lognormal durations, 20 s to 1 h). Generated with numpy a day at
a time for every agent, each day's rows in time order (the order ingest receives them), streamed with
COPY, one connection per table and database.

The load drops the three event tables' indexes, constraints and foreign keys first and recreates them from
their captured definitions afterwards (checked identical), as pg_restore does: maintaining five indexes
and two foreign-key checks per row would multiply the load time, and the reads see the same indexes. Then
VACUUM ANALYZE of the whole database (statistics, and the visibility map index-only scans need, which
autovacuum keeps on a live database).

Requests, in process through the ASGI app (bench/common.py), a page of 50 agents x 7 days: UserStatus at PT1H
(a body small enough that the database's part is not drowned by the test client's copies) and Agent Status
Details v3, on the most recent 7 days of both databases and on 7 days in the middle of the year (the month
database has no such days: its baseline is its own most recent 7 days, the same amount of data); also,
reported apart, on the year's second week. Requests are interleaved, in a shuffled order each round, so a load
drifting on the shared cores weighs on both databases alike. The recent bodies of the two databases must be
identical (same agents, same events). Then EXPLAIN (ANALYZE, BUFFERS) of each statement the two routes run,
and with --prune the time `smartassist db prune` (contactcenter/retention.py) takes to delete the year's first
week. Target: the recent and middle 365-day p50s <= 1.3x the 31-day p50.

    .venv/bin/python bench/bench_scale.py [--agents 1000] [--days 365] [--reps 31] [--plans] [--prune]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from sqlalchemy import Select
from sqlalchemy.dialects import postgresql

from smartassist.analytics.agent_status.service import STATEMENTS as AGENT_STATUS_STATEMENTS
from smartassist.analytics.user_status.service import STATEMENTS as USER_STATUS_STATEMENTS
from smartassist.contactcenter import retention
from smartassist.db import make_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import DB_PREFIX, Bench, bench_app, libpq_url, p95  # noqa: E402 - this folder is on the path when run as a script

SEED = 16
MINUTE_MS, HOUR_MS, DAY_MS = 60_000, 3_600_000, 86_400_000
DATA_END = 1_764_547_200_000  # 2025-12-01T00:00:00Z: the stream's last day ends here
RECENT_DAYS = 31
WINDOW_DAYS, PAGE = 7, 50
EVENTS_PER_SHIFT, INTERACTIONS_PER_SHIFT = 70, 42
SHIFT_STARTS_H = (6, 14, 22)
STATUSES = np.array(["Available", "Busy", "Away", "On Break", "Offline"], dtype=object)
AVAILABLE, OFFLINE = 0, 4
MIDDLE_WEIGHTS = (0.45, 0.33, 0.12, 0.10)  # Available, Busy, Away, On Break between the first and the last
REASONS = np.array(["\\N", "Meeting", "Training", "Coffee", "Personal"], dtype=object)  # \N: COPY's NULL
EVENT_TABLES = ("agent_status_events", "agent_interactions", "agent_login_events")
COPY_SQL = {
    "agent_status_events": "COPY agent_status_events (account_id, agent_id, event_id, status, reason, ts) FROM STDIN",
    "agent_interactions": (
        "COPY agent_interactions (account_id, agent_id, interaction_id, start_time, end_time) FROM STDIN"
    ),
    "agent_login_events": "COPY agent_login_events (account_id, agent_pk, event_id, kind, at, ip) FROM STDIN",
}


@dataclass(frozen=True)
class Agents:
    """The account's agents as generated: shift start (minutes after midnight UTC), the weekday phase of their
    two days off, and what identifies them (the same in both databases)."""

    shift_minute: np.ndarray
    off_phase: np.ndarray
    user_ids: list[str]
    agent_keys: list[str]


def make_agents(count: int) -> Agents:
    rng = np.random.default_rng(SEED)
    ids = random.Random(SEED)
    starts = np.array(SHIFT_STARTS_H)[rng.integers(0, len(SHIFT_STARTS_H), count)] * 60
    return Agents(
        shift_minute=starts + rng.integers(-120, 121, count),
        off_phase=rng.integers(0, 7, count),
        user_ids=[f"u-{uuid.UUID(int=ids.getrandbits(128))}" for _ in range(count)],
        agent_keys=[f"a-{uuid.UUID(int=ids.getrandbits(128))}" for _ in range(count)],
    )


@dataclass(frozen=True)
class Day:
    """One day of the stream, every table's rows in time order; agents are indices into Agents."""

    number: int  # days since the stream's first
    events: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # agent, ts, status code, reason code
    interactions: tuple[np.ndarray, np.ndarray, np.ndarray]  # agent, start, end
    logins: tuple[np.ndarray, np.ndarray, np.ndarray]  # agent, kind (0 entry, 1 exit), at


def _spread(rng: np.random.Generator, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For groups of `counts` items: each item's group, its sorted fraction of the group's span in [0, 1), and
    whether it is its group's first / last (as one array of 0 / 1 / 2 for neither / first / last)."""
    owner = np.repeat(np.arange(len(counts)), counts)
    fraction = np.sort(owner + rng.random(len(owner))) - owner  # sorted within each group
    starts = np.cumsum(counts) - counts
    position = np.arange(len(owner)) - np.repeat(starts, counts)
    edge = np.where(position == 0, 1, np.where(position == counts[owner] - 1, 2, 0))
    return owner, fraction, edge


def make_day(agents: Agents, number: int, first_day_ms: int) -> Day:
    rng = np.random.default_rng([SEED, number])  # a day is the same whatever was generated before it
    day_ms = first_day_ms + number * DAY_MS
    working = np.nonzero((number + agents.off_phase) % 7 < 5)[0]
    start = day_ms + (agents.shift_minute[working] + rng.integers(-10, 11, len(working))) * MINUTE_MS
    length = (510 + rng.integers(-20, 21, len(working))) * MINUTE_MS

    counts = np.maximum(rng.poisson(EVENTS_PER_SHIFT, len(working)), 2)
    owner, fraction, edge = _spread(rng, counts)
    ts = start[owner] + (np.where(edge == 2, 1.0, np.where(edge == 1, 0.0, fraction)) * length[owner]).astype(np.int64)
    status = rng.choice(4, size=len(owner), p=MIDDLE_WEIGHTS)
    status[edge == 1], status[edge == 2] = AVAILABLE, OFFLINE
    reason = np.where(status == 2, 1 + rng.integers(0, 2, len(owner)), 0)
    reason = np.where(status == 3, 3 + rng.integers(0, 2, len(owner)), reason)
    order = np.argsort(ts, kind="stable")
    events = (working[owner][order], ts[order], status[order], reason[order])

    counts = rng.poisson(INTERACTIONS_PER_SHIFT, len(working))
    owner, fraction, _ = _spread(rng, counts)
    began = start[owner] + (fraction * length[owner]).astype(np.int64)
    ended = began + np.clip(rng.lognormal(np.log(240_000), 0.8, len(owner)), 20_000, HOUR_MS).astype(np.int64)
    order = np.argsort(began, kind="stable")
    interactions = (working[owner][order], began[order], ended[order])

    entry = start - rng.integers(0, 5 * MINUTE_MS, len(working))
    leave = start + length + rng.integers(0, 5 * MINUTE_MS, len(working))
    at = np.concatenate([entry, leave])
    order = np.argsort(at, kind="stable")
    kinds = np.repeat([0, 1], len(working))
    logins = (np.concatenate([working, working])[order], kinds[order], at[order])
    return Day(number, events, interactions, logins)


def copy_text(day: Day, table: str, account_id: str, pks: list[int]) -> bytes:
    """COPY text lines of one table's rows of the day; ids are unique per account and the same in both databases."""
    n = day.number
    if table == "agent_status_events":
        agent, ts, status, reason = day.events
        rows = zip(agent.tolist(), ts.tolist(), STATUSES[status].tolist(), REASONS[reason].tolist(), strict=True)
        lines = [f"{account_id}\t{pks[a]}\te-{n}-{i}\t{s}\t{r}\t{t}\n" for i, (a, t, s, r) in enumerate(rows)]
    elif table == "agent_interactions":
        agent, began, ended = day.interactions
        rows_i = zip(agent.tolist(), began.tolist(), ended.tolist(), strict=True)
        lines = [f"{account_id}\t{pks[a]}\ti-{n}-{i}\t{b}\t{e}\n" for i, (a, b, e) in enumerate(rows_i)]
    else:
        agent, kind, at = day.logins
        rows_l = zip(agent.tolist(), kind.tolist(), at.tolist(), strict=True)
        lines = [
            f"{account_id}\t{pks[a]}\tl-{n}-{i}\t{('entry', 'exit')[k]}\t{t}\t10.{a // 250}.{a % 250}.{k + 1}\n"
            for i, (a, k, t) in enumerate(rows_l)
        ]
    return "".join(lines).encode()


# --- loading -----------------------------------------------------------------------------------------------


def _definitions(conn: psycopg.Connection[Any]) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The event tables' constraints (table, name, definition; primary and unique keys before foreign keys)
    and their other indexes (name, CREATE INDEX statement)."""
    constraints = conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('p', 'u', 'f') "
        "ORDER BY contype = 'f', conrelid::regclass::text, conname",
        [list(EVENT_TABLES)],
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u')) ORDER BY indexname",
        [list(EVENT_TABLES)],
    ).fetchall()
    return constraints, indexes


@contextmanager
def bare_tables(url: str) -> Iterator[None]:
    """The event tables without indexes, keys or foreign keys for the block; rebuilt as they were after it."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        constraints, indexes = _definitions(conn)
        for table, name, _ in reversed(constraints):  # foreign keys first
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        yield
        conn.execute("SET maintenance_work_mem = '512MB'")
        for table, name, definition in constraints:
            conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, statement in indexes:
            conn.execute(statement)
        assert _definitions(conn) == (constraints, indexes), "the rebuilt indexes differ from the migrated ones"


def load_agents(bench: Bench, agents: Agents) -> list[int]:
    """The agents by COPY; their primary keys, in generation order."""
    with psycopg.connect(libpq_url(bench.url)) as conn:
        with conn.cursor().copy(
            "COPY agents (account_id, user_id, email, email_norm, first_name, last_name, custom_id, agent_key) "
            "FROM STDIN"
        ) as copy:
            for n, (user_id, key) in enumerate(zip(agents.user_ids, agents.agent_keys, strict=True)):
                email = f"agent{n:04d}@scale.example"
                copy.write_row((bench.account_id, user_id, email, email, "Agent", f"N{n}", str(700000 + n), key))
        by_user = dict(conn.execute("SELECT user_id, id FROM agents WHERE account_id = %s", [bench.account_id]))
    return [by_user[user_id] for user_id in agents.user_ids]


@dataclass(frozen=True)
class Target:
    bench: Bench
    first_day: int  # the first day of the stream it holds
    pks: list[int]


def load(targets: list[Target], agents: Agents, days: int, first_day_ms: int) -> dict[str, float]:
    """Stream every day into every target that holds it: one COPY per table and database at once."""
    timings: dict[str, float] = {}
    began = time.perf_counter()
    with ExitStack() as stack:
        for target in targets:
            stack.enter_context(bare_tables(target.bench.url))
        copies: list[tuple[Target, str, psycopg.Copy]] = []
        for target in targets:
            for table in EVENT_TABLES:
                conn = stack.enter_context(psycopg.connect(libpq_url(target.bench.url)))
                copies.append((target, table, stack.enter_context(conn.cursor().copy(COPY_SQL[table]))))
        for number in range(days):
            day = make_day(agents, number, first_day_ms)
            for target, table, copy in copies:
                if number >= target.first_day:
                    copy.write(copy_text(day, table, target.bench.account_id, target.pks))
            if number % 30 == 29:
                print(f"  day {number + 1}/{days}, {time.perf_counter() - began:.0f} s", flush=True)
        timings["generate + COPY"] = time.perf_counter() - began
        stack.pop_all().close()  # the copies end and commit, then the indexes are rebuilt
    timings["indexes and keys rebuilt"] = time.perf_counter() - began - timings["generate + COPY"]
    mark = time.perf_counter()
    for target in targets:
        with psycopg.connect(libpq_url(target.bench.url), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    timings["VACUUM ANALYZE"] = time.perf_counter() - mark
    return timings


def table_figures(bench: Bench) -> dict[str, tuple[int, int]]:
    """Per event table: rows (counted) and total size with indexes in bytes."""
    with psycopg.connect(libpq_url(bench.url)) as conn:
        return {
            table: conn.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}").fetchone()  # type: ignore[misc]  # noqa: S608 - our table names
            for table in EVENT_TABLES
        }


# --- requests ----------------------------------------------------------------------------------------------


def day_text(ms: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ms / 1000))


def requester(bench: Bench, route: str, start: int) -> Callable[[], bytes]:
    """One route's request for [start, start + 7 days), returning the body."""
    dates = {"startDate": day_text(start), "endDate": day_text(start + WINDOW_DAYS * DAY_MS - 1), "timeZoneOffSet": 0}
    if route == "UserStatus":
        path = f"/agentassist/api/public/analytics/1.1/account/{bench.account_id}/userstatus"
        body: dict[str, object] = {"filter": {"dateFilter": dates}, "granularity": "PT1H"}
    else:
        path = f"/agentassist/api/public/analytics/account/{bench.account_id}/v3/agentstatusdetails"
        body = {"filter": {"dateFilter": dates}}

    def request() -> bytes:
        response = bench.client.post(path, json=body, headers=bench.headers)
        assert response.status_code == 200, response.text[:300]
        return response.content

    return request


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


ROUTE_STATEMENTS: dict[str, dict[str, Select[Any] | Any]] = {
    "UserStatus": USER_STATUS_STATEMENTS["postgresql"]._asdict(),
    "Agent Status Details": {
        name: statement
        for name, statement in AGENT_STATUS_STATEMENTS["postgresql"]._asdict().items()
        if name != "event_before"  # the same plan as UserStatus's events_before
    },
}


def explain(bench: Bench, start: int, statement: Any) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of one route statement for the bench's first page of agents."""
    with psycopg.connect(libpq_url(bench.url)) as conn:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM agents WHERE account_id = %s ORDER BY user_id LIMIT %s", [bench.account_id, PAGE]
            )
        ]
    params = {"account_id": bench.account_id, "agent_ids": ids, "start": start, "end": start + WINDOW_DAYS * DAY_MS}
    return explained(bench, statement, params)


def explained(bench: Bench, statement: Any, params: dict[str, Any]) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of a SQLAlchemy statement: time, buffers, rows and the plan's text."""
    compiled = statement.compile(dialect=postgresql.psycopg.dialect())
    params = compiled.construct_params(params)  # with the statement's own literals (LIMIT 1)
    with psycopg.connect(libpq_url(bench.url)) as conn:
        row = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {compiled.string}", params).fetchone()
        text = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {compiled.string}", params).fetchall()
    assert row is not None
    plan = row[0][0]
    return {
        "ms": plan["Execution Time"],
        "hit": plan["Plan"]["Shared Hit Blocks"],
        "read": plan["Plan"]["Shared Read Blocks"],
        "rows": plan["Plan"]["Actual Rows"],
        "text": "\n".join(line for (line,) in text),
    }


def prune_oldest_week(bench: Bench, cutoff: int, full: bool) -> None:
    """retention.prune of the year database's rows before `cutoff` (its first week), after the plans of the
    first batch of each table (of the first agent)."""
    print(f"\nprune before {day_text(cutoff)}: the first batch of each table (ms, shared buffers hit/read, rows)")
    with psycopg.connect(libpq_url(bench.url)) as conn:
        agent_pk = conn.execute("SELECT min(id) FROM agents WHERE account_id = %s", [bench.account_id]).fetchone()
    assert agent_pk is not None
    queries = {
        **retention.agent_history(bench.account_id, agent_pk[0], cutoff),
        "conversations": retention.old_conversations(bench.account_id, cutoff),
    }
    for table, ids in queries.items():
        plan = explained(bench, ids.limit(retention.DEFAULT_BATCH), {})
        print(f"{table:<22} {plan['ms']:8.2f} ms {plan['hit']:>7}/{plan['read']:<7} {plan['rows']:>6}")
        if full:
            print(plan["text"])
    engine = make_engine(bench.url)
    began = time.perf_counter()
    try:
        deleted = retention.prune(engine, cutoff)
    finally:
        engine.dispose()
    seconds = time.perf_counter() - began
    rows = sum(deleted.values())
    print(f"deleted {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s): {deleted}; load {load_average()}")


def print_load(timings: dict[str, float], figures: dict[str, dict[str, tuple[int, int]]], days: list[int]) -> None:
    print(f"\nload: {', '.join(f'{name} {s:.0f} s' for name, s in timings.items())}; load average {load_average()}")
    labels = [f"rows, {n} days" for n in days]
    print(f"{'table':<22} {labels[0]:>16} {'MB':>8} {labels[1]:>16} {'MB':>8}")
    for table in EVENT_TABLES:
        (rows_y, size_y), (rows_m, size_m) = figures["year"][table], figures["month"][table]
        print(f"{table:<22} {rows_y:>16,} {size_y / 1e6:>8,.0f} {rows_m:>16,} {size_m / 1e6:>8,.0f}")
    total = sum(rows for database in figures.values() for rows, _ in database.values())
    print(f"{'all, both databases':<22} {total:>16,}")


def time_requests(cases: dict[tuple[str, str], Callable[[], bytes]], reps: int) -> dict[tuple[str, str], list[float]]:
    """Every case once per round, in a shuffled order each round (after one warm-up of each)."""
    for request in cases.values():
        request()
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in cases}
    shuffle = random.Random(SEED)
    for _ in range(reps):
        keys = list(cases)
        shuffle.shuffle(keys)
        for key in keys:
            mark = time.perf_counter()
            cases[key]()
            samples[key].append(time.perf_counter() - mark)
    return samples


@dataclass(frozen=True)
class Windows:
    year_days: int
    month_days: int
    recent: int  # start of the most recent 7 days
    middle: int  # start of 7 days in the middle of the year
    early: int  # start of the year's second week: reported, not in the target

    def cases(self) -> tuple[tuple[str, str, int], ...]:
        """(label, database, window start): the month's baseline first."""
        return (
            (f"{self.month_days} days, recent", "month", self.recent),
            (f"{self.year_days} days, recent", "year", self.recent),
            (f"{self.year_days} days, middle", "year", self.middle),
            (f"{self.year_days} days, early", "year", self.early),
        )


def print_timings(
    windows: Windows, samples: dict[tuple[str, str], list[float]], sizes: dict[tuple[str, str], int]
) -> bool:
    print(f"{'route':<21} {'data':<18} {'window':<23} {'body KB':>8} {'p50 ms':>8} {'p95 ms':>8} {'vs month':>9}")
    verdicts = []
    for route in ROUTE_STATEMENTS:
        base = statistics.median(samples[(route, windows.cases()[0][0])])
        for label, database, start in windows.cases():
            times = samples[(route, label)]
            p50 = statistics.median(times)
            window = f"{day_text(start)}..{day_text(start + WINDOW_DAYS * DAY_MS - 1)}"
            print(
                f"{route:<21} {label.split(', ')[0]:<18} {window:<23} {sizes[(route, label)] / 1e3:>8.0f} "
                f"{p50 * 1e3:>8.1f} {p95(times) * 1e3:>8.1f} {p50 / base:>9.2f}"
            )
            if database == "year" and start != windows.early:
                verdicts.append(p50 / base <= 1.3)
    return all(verdicts)


def print_plans(benches: dict[str, Bench], windows: Windows, full: bool) -> None:
    print(f"\nEXPLAIN (ANALYZE, BUFFERS), the first page of {PAGE} agents (ms, shared buffers hit/read, rows)")
    for route, statements in ROUTE_STATEMENTS.items():
        for name, statement in statements.items():
            plans = {label: explain(benches[database], start, statement) for label, database, start in windows.cases()}
            cells = "  ".join(
                f"{label.replace(' days,', 'd')}: {p['ms']:6.2f} ms {p['hit']:>5}/{p['read']:<4} {p['rows']:>6}"
                for label, p in plans.items()
            )
            print(f"{route + ' ' + name:<38} {cells}")
            if full:
                for label, p in plans.items():
                    print(f"--- {label}\n{p['text']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365, help=f"more than {RECENT_DAYS} (e.g. 40 for a quick run)")
    parser.add_argument("--reps", type=int, default=31)
    parser.add_argument("--plans", action="store_true", help="print every EXPLAIN (ANALYZE, BUFFERS) plan")
    parser.add_argument("--prune", action="store_true", help="then time `db prune` of the year's first week")
    args = parser.parse_args()
    if args.days <= RECENT_DAYS:
        parser.error(f"--days must be more than the month's {RECENT_DAYS}")
    began = time.perf_counter()
    month_days = RECENT_DAYS
    first_day_ms = DATA_END - args.days * DAY_MS
    windows = Windows(
        args.days,
        month_days,
        recent=DATA_END - WINDOW_DAYS * DAY_MS,
        middle=first_day_ms + (args.days // 2 - WINDOW_DAYS // 2) * DAY_MS,
        early=first_day_ms + WINDOW_DAYS * DAY_MS,
    )
    agents = make_agents(args.agents)
    print(f"load average at start: {load_average()}")
    scope = "SmartAssist Analytics"
    with bench_app(scope, f"{DB_PREFIX}_scale_year") as year, bench_app(scope, f"{DB_PREFIX}_scale_month") as month:
        benches = {"year": year, "month": month}
        targets = [
            Target(year, 0, load_agents(year, agents)),
            Target(month, args.days - month_days, load_agents(month, agents)),
        ]
        print(f"loading {args.agents} agents x {args.days} days (and the last {month_days} apart) ...")
        timings = load(targets, agents, args.days, first_day_ms)
        print_load(timings, {name: table_figures(bench) for name, bench in benches.items()}, [args.days, month_days])

        cases = {
            (route, label): requester(benches[database], route, start)
            for route in ROUTE_STATEMENTS
            for label, database, start in windows.cases()
        }
        for route in ROUTE_STATEMENTS:
            month_body, year_body = (cases[(route, label)]() for label, _, _ in windows.cases()[:2])
            print(f"{route}: the recent bodies of the two databases are identical: {month_body == year_body}")
        sizes = {key: len(request()) for key, request in cases.items()}
        load_before = load_average()
        samples = time_requests(cases, args.reps)
        print(
            f"\n{PAGE} agents x {WINDOW_DAYS} days, {args.reps} interleaved reps (+1 warm-up), "
            f"load average {load_before} before, {load_average()} after"
        )
        passed = print_timings(windows, samples, sizes)
        print(
            f"\ntarget: the recent and middle {args.days}-day p50s <= 1.3x the {month_days}-day p50 -> "
            f"{'PASS' if passed else 'FAIL'} (the early window is reported, not in the target)"
        )
        print_plans(benches, windows, args.plans)
        if args.prune:
            prune_oldest_week(year, first_day_ms + WINDOW_DAYS * DAY_MS, args.plans)
    print(f"\ntotal {time.perf_counter() - began:.0f} s (databases dropped); load average {load_average()}")


if __name__ == "__main__":
    main()
