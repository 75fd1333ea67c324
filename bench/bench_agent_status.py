"""Agent Status Details (v3) latency against a bare SQL fetch of the same rows, in the same run.

Data: the UserStatus bench's simulated month (200 agents x 31 days, ~50 status events per agent per day,
loaded with COPY into a fresh PostgreSQL database, dropped at the end), plus a reason on a fifth of the
events and 2 login events per agent per day. Request: a full v3 page of 50 agents over the last 7 days, in-process
through the ASGI app (TestClient), auth included. Also timed: the service alone (agent_status_details:
queries, spans, JSON; no auth, no HTTP). Baseline: the five queries the request needs (agent page, last
event before the window, events inside it, first event after it, login events inside it) sent with plain
psycopg, rows fetched as tuples. Target: the request's p50 <= 2x the bare fetch.

    .venv/bin/python bench/bench_agent_status.py [--reps 25]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from bench_user_status import AGENTS, DATA_END, DATA_START, DAY_MS, DAYS, PAGE, load
from common import bench_app, libpq_url, p95

from smartassist.analytics.agent_status.request import AgentStatusQuery
from smartassist.analytics.agent_status.service import agent_status_details

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LOGINS_PER_DAY = 2
WINDOW_DAYS = 7


def add_reasons_and_logins(url: str, account_id: str) -> None:
    rng = random.Random(14)
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("UPDATE agent_status_events SET reason = 'R' || (id % 7) WHERE id % 5 = 0")
        agent_ids = [row[0] for row in conn.execute("SELECT id FROM agents ORDER BY id")]
        with conn.cursor().copy(
            "COPY agent_login_events (account_id, agent_pk, event_id, kind, at, ip) FROM STDIN"
        ) as copy:
            for agent_id in agent_ids:
                times = sorted(rng.randrange(DATA_START, DATA_END) for _ in range(LOGINS_PER_DAY * DAYS))
                for i, at in enumerate(times):
                    ip = None if i % 3 == 0 else f"10.0.{agent_id % 250}.{i % 250}"
                    copy.write_row((account_id, agent_id, f"l-{agent_id}-{i}", ("entry", "exit")[i % 2], at, ip))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


NEAREST = (
    "SELECT e.agent_id, e.ts, e.status, e.reason FROM agents a CROSS JOIN LATERAL (SELECT agent_id, ts, status, "
    "reason FROM agent_status_events WHERE agent_id = a.id AND {} LIMIT 1) e "
    "WHERE a.account_id = %(acc)s AND a.id = ANY(%(ids)s)"
)
BARE_QUERIES = (
    (
        "SELECT id, user_id, first_name, last_name, email, custom_id, agent_key FROM agents "
        "WHERE account_id = %(acc)s ORDER BY user_id LIMIT %(limit)s OFFSET 0"
    ),
    NEAREST.format("ts < %(ws)s ORDER BY ts DESC, id DESC"),
    (
        "SELECT agent_id, ts, status, reason FROM agent_status_events WHERE agent_id = ANY(%(ids)s) "
        "AND ts >= %(ws)s AND ts < %(we)s ORDER BY agent_id, ts, id"
    ),
    NEAREST.format("ts >= %(we)s ORDER BY ts, id"),
    (
        "SELECT agent_pk, kind, at, ip FROM agent_login_events WHERE agent_pk = ANY(%(ids)s) "
        "AND at >= %(ws)s AND at < %(we)s ORDER BY agent_pk, at, id"
    ),
)


def bare_fetch(conn: psycopg.Connection[tuple[object, ...]], account_id: str, start: int, end: int) -> int:
    """The rows one request needs, fetched with no ORM, no spans, no JSON; returns the row count."""
    params: dict[str, object] = {"acc": account_id, "limit": PAGE + 1, "ws": start, "we": end}
    agents = conn.execute(BARE_QUERIES[0], params).fetchall()
    params["ids"] = [row[0] for row in agents[:PAGE]]
    return len(agents) + sum(len(conn.execute(sql, params).fetchall()) for sql in BARE_QUERIES[1:])


def timed_once(action: Callable[[], object]) -> list[float]:
    began = time.perf_counter()
    action()
    return [time.perf_counter() - began]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=25)
    args = parser.parse_args()
    began = time.perf_counter()
    with bench_app("SmartAssist Analytics") as bench:
        client, raw, account_id, headers = bench.client, bench.raw, bench.account_id, bench.headers
        app, url = client.app, bench.url
        load(url, account_id)
        add_reasons_and_logins(url, account_id)
        print(f"loaded {AGENTS} agents x {DAYS} days in {time.perf_counter() - began:.1f} s")
        path = f"/agentassist/api/public/analytics/account/{account_id}/v3/agentstatusdetails"
        start, end = DATA_END - WINDOW_DAYS * DAY_MS, DATA_END
        first_day, last_day = (time.strftime("%Y-%m-%d", time.gmtime(ms / 1000)) for ms in (start, end - 1))
        body = {"filter": {"dateFilter": {"startDate": first_day, "endDate": last_day, "timeZoneOffSet": 0}}}
        query = AgentStatusQuery(start, end, 0, None)

        def request() -> int:
            response = client.post(path, json=body, headers=headers)
            assert response.status_code == 200, response.text[:300]
            return len(response.content)

        def service() -> int:
            with app.state.runtime.read_engine.connect() as connection:
                return len(agent_status_details(connection, account_id, query, version=3, limit=PAGE, offset=0))

        size = request()
        fetched = bare_fetch(raw, account_id, start, end)
        # Interleaved, one of each per round: a load drifting on the shared cores weighs on all three alike.
        actions = (lambda: bare_fetch(raw, account_id, start, end), service, request)
        samples: list[list[float]] = [[], [], []]
        for action in actions:
            action()  # warm-up: caches, prepared plans, pool
        for _ in range(args.reps):
            for action, times in zip(actions, samples, strict=True):
                times.extend(timed_once(action))
        bare_s, service_s, request_s = samples
    bare, served, p50 = statistics.median(bare_s), statistics.median(service_s), statistics.median(request_s)
    print(
        f"\nAgent Status Details v3, {PAGE} agents x {WINDOW_DAYS} days, PostgreSQL, "
        f"{args.reps} interleaved reps (+1 warm-up)"
    )
    print(
        f"{'rows':>7} {'body MB':>8} {'bare p50 ms':>12} {'service p50':>12} {'req p50 ms':>11} {'req p95 ms':>11} "
        f"{'service/bare':>13} {'req/bare':>9}"
    )
    print(
        f"{fetched:>7} {size / 1e6:>8.2f} {bare * 1e3:>12.1f} {served * 1e3:>12.1f} {p50 * 1e3:>11.1f} "
        f"{p95(request_s) * 1e3:>11.1f} {served / bare:>13.2f} {p50 / bare:>9.2f}"
    )
    ratio = p50 / bare
    print(f"\ntarget: req/bare <= 2.00: {ratio:.2f} -> {'PASS' if ratio <= 2 else 'MISS'}")
    print(f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
