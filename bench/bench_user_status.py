"""UserStatus latency against a bare SQL fetch of the same rows, and its growth with the window length.

Data: 200 agents x 31 days, ~50 status events and ~30 interactions per agent per day, loaded with COPY
into a fresh PostgreSQL database (dropped at the end). Request: a full page of 50 agents at PT15M over
the last 7, 14 and 28 days of the data, in-process through the ASGI app (TestClient), auth included.
Also timed: the service alone (user_status_chunks in-process: queries, bucketing, JSON chunks; no auth, no
HTTP). Baseline, in the same run: the four queries the request needs (agent page, last event before the
window, events inside it, interactions overlapping it) sent with plain psycopg, rows fetched as tuples.
Targets: the 7-day request's p50 <= 3x its bare fetch; time per window day within +-30% from 7 to 28
days.

    .venv/bin/python bench/bench_user_status.py [--reps 9]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

import psycopg

from smartassist.analytics.user_status.request import UserStatusQuery
from smartassist.analytics.user_status.service import user_status_chunks

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import bench_app, libpq_url, p95, timed  # noqa: E402 - this folder is on the path when run as a script

AGENTS, DAYS, EVENTS_PER_DAY, INTERACTIONS_PER_DAY = 200, 31, 50, 30
PAGE = 50
DAY_MS = 86_400_000
DATA_START = 1_669_852_800_000  # 2022-12-01T00:00:00Z
DATA_END = DATA_START + DAYS * DAY_MS
STATUSES = ["Available", "Available", "Busy", "Away", "On Break", "Offline"]


def load(url: str, account_id: str) -> None:
    """Agents, events and interactions with COPY; VACUUM ANALYZE so plans and index-only scans are realistic."""
    rng = random.Random(5)
    with psycopg.connect(libpq_url(url)) as conn:
        with conn.cursor().copy(
            "COPY agents (account_id, user_id, email, email_norm, first_name, last_name, custom_id, agent_key) "
            "FROM STDIN"
        ) as copy:
            for n in range(AGENTS):
                email = f"agent{n:03d}@bench.example"
                copy.write_row(
                    (
                        account_id,
                        f"u-{uuid.UUID(int=rng.getrandbits(128))}",
                        email,
                        email,
                        "Agent",
                        f"N{n}",
                        str(500000 + n),
                        f"a-{uuid.UUID(int=rng.getrandbits(128))}",
                    )
                )
        agent_ids = [row[0] for row in conn.execute("SELECT id FROM agents ORDER BY id")]
        with conn.cursor().copy(
            "COPY agent_status_events (account_id, agent_id, event_id, status, ts) FROM STDIN"
        ) as copy:
            for agent_id in agent_ids:
                times = sorted(rng.randrange(DATA_START, DATA_END) for _ in range(EVENTS_PER_DAY * DAYS))
                for i, ts in enumerate(times):
                    copy.write_row((account_id, agent_id, f"e-{agent_id}-{i}", rng.choice(STATUSES), ts))
        with conn.cursor().copy(
            "COPY agent_interactions (account_id, agent_id, interaction_id, start_time, end_time) FROM STDIN"
        ) as copy:
            for agent_id in agent_ids:
                for i in range(INTERACTIONS_PER_DAY * DAYS):
                    start = rng.randrange(DATA_START, DATA_END)
                    copy.write_row(
                        (account_id, agent_id, f"i-{agent_id}-{i}", start, start + rng.randrange(30_000, 1_200_000))
                    )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


BARE_QUERIES = (
    (
        "SELECT id, user_id, first_name, last_name, email, custom_id FROM agents WHERE account_id = %(acc)s "
        "ORDER BY user_id LIMIT %(limit)s OFFSET 0"
    ),
    (
        "SELECT e.agent_id, e.ts, e.status FROM agents a CROSS JOIN LATERAL (SELECT agent_id, ts, status "
        "FROM agent_status_events WHERE agent_id = a.id AND ts < %(ws)s ORDER BY ts DESC, id DESC LIMIT 1) e "
        "WHERE a.account_id = %(acc)s AND a.id = ANY(%(ids)s)"
    ),
    (
        "SELECT agent_id, ts, status FROM agent_status_events WHERE agent_id = ANY(%(ids)s) AND ts >= %(ws)s "
        "AND ts < %(we)s ORDER BY agent_id, ts, id"
    ),
    (
        "SELECT agent_id, start_time, end_time FROM agent_interactions WHERE agent_id = ANY(%(ids)s) "
        "AND (end_time > %(ws)s OR end_time IS NULL) AND start_time < %(we)s"
    ),
)


def bare_fetch(conn: psycopg.Connection[tuple[object, ...]], account_id: str, start: int, end: int) -> int:
    """The rows one request needs, fetched with no ORM, no bucketing, no JSON; returns the row count."""
    params: dict[str, object] = {"acc": account_id, "limit": PAGE + 1, "ws": start, "we": end}
    agents = conn.execute(BARE_QUERIES[0], params).fetchall()
    params["ids"] = [row[0] for row in agents[:PAGE]]
    return len(agents) + sum(len(conn.execute(sql, params).fetchall()) for sql in BARE_QUERIES[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args()
    began = time.perf_counter()
    with bench_app("SmartAssist Analytics") as bench:
        client, raw, account_id, headers = bench.client, bench.raw, bench.account_id, bench.headers
        app, url = client.app, bench.url
        load(url, account_id)
        print(f"loaded {AGENTS} agents x {DAYS} days in {time.perf_counter() - began:.1f} s")
        path = f"/agentassist/api/public/analytics/1.1/account/{account_id}/userstatus"
        rows = []
        for days in (7, 14, 28):
            start, end = DATA_END - days * DAY_MS, DATA_END
            first_day, last_day = (time.strftime("%Y-%m-%d", time.gmtime(ms / 1000)) for ms in (start, end - 1))
            body = {
                "filter": {"dateFilter": {"startDate": first_day, "endDate": last_day, "timeZoneOffSet": 0}},
                "granularity": "PT15M",
            }

            def request(body: dict[str, object] = body) -> int:
                response = client.post(path, json=body, headers=headers)
                assert response.status_code == 200, response.text[:300]
                return len(response.content)

            def service(query: UserStatusQuery = UserStatusQuery(start, end, 15 * 60_000, None)) -> int:
                with app.state.runtime.read_engine.connect() as connection:
                    chunks = user_status_chunks(connection, account_id, query, limit=PAGE, offset=0, now=DATA_END)
                return sum(map(len, chunks))  # rendered as iterated

            size = request()
            fetched = bare_fetch(raw, account_id, start, end)
            request_s = timed(request, args.reps)
            service_s = timed(service, args.reps)
            bare_s = timed(lambda start=start, end=end: bare_fetch(raw, account_id, start, end), args.reps)
            rows.append(
                (
                    days,
                    fetched,
                    size,
                    statistics.median(bare_s),
                    statistics.median(service_s),
                    statistics.median(request_s),
                    p95(request_s),
                )
            )
    base_per_day = rows[0][5] / rows[0][0]
    print(f"\nUserStatus, {PAGE} agents, PT15M, PostgreSQL, {args.reps} reps (+1 warm-up)")
    print(
        f"{'days':>4} {'rows':>7} {'body MB':>8} {'bare p50 ms':>12} {'service p50':>12} {'req p50 ms':>11} "
        f"{'req p95 ms':>11} {'req/bare':>9} {'per-day vs 7d':>14}"
    )
    for days, fetched, size, bare, service_p50, p50, high in rows:
        print(
            f"{days:>4} {fetched:>7} {size / 1e6:>8.1f} {bare * 1e3:>12.1f} {service_p50 * 1e3:>12.1f} "
            f"{p50 * 1e3:>11.1f} {high * 1e3:>11.1f} {p50 / bare:>9.2f} {p50 / days / base_per_day:>14.2f}"
        )
    seven = rows[0][5] / rows[0][3]
    linear = all(0.7 <= p50 / days / base_per_day <= 1.3 for days, _, _, _, _, p50, _ in rows)
    print(
        f"\ntarget: the 7-day page's req/bare <= 3.00: {seven:.2f} -> {'PASS' if seven <= 3 else 'MISS'}; "
        f"per-day vs 7d within 0.70..1.30 -> {'PASS' if linear else 'MISS'}"
    )
    print(f"total {time.perf_counter() - began:.0f} s")
    print(
        "(the request is timed through the in-process test client, whose own copies of a 45 MB body weigh on "
        "the 28-day row)"
    )


if __name__ == "__main__":
    main()
