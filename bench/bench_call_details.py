"""Call Details latency: a page of 100 rows over 7 days of a simulated month against a bare fetch of the same rows.

Data: the simulator's contact center (smartassist.simulation: build_world, simulate_day and
render.conversation_record, as `simulate` renders them) for 200 agents over 30 days, every Call Details row
validated and converted by the ingest's own validate_row, then loaded with COPY into `conversations` (a page
without a queue filter reads only that table; the rows' queue entries and segments are not loaded) in a fresh
PostgreSQL database, dropped at the end. Requests: POST calldetails (v1) and v2/calldetails with limit=100 over
the middle 7 days of the month (whole days, timeZoneOffset 0), first page (offset 0) and last (offset 10), in
process through the ASGI app (TestClient), auth included. Also timed: the service alone (call_details, v2, first
page: query, rendering, JSON; no auth, no HTTP), the same route on a window without rows (the floor: token check,
body, one indexed query, the test client) and GET /healthz.
Baseline: the statement the route sends (recorded from one call of its service, replayed as it is with plain
psycopg: the page's stored row texts fetched as tuples), so the ratio is the route's cost over the database work
it must do. Every timed call is interleaved, one of each per round.
Target: the page's p50 <= 2x its bare fetch.

    .venv/bin/python bench/bench_call_details.py [--reps 25] [--days 30] [--agents 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from smartassist.analytics.conversations.request import parse_call_details_body
from smartassist.analytics.conversations.service import call_details
from smartassist.ingest.conversations import validate_row
from smartassist.simulation.model import days_between, simulate_day
from smartassist.simulation.render import conversation_record
from smartassist.simulation.world import build_world

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import bench_app, interleaved, libpq_url, load_average  # noqa: E402 - this folder is on the path when run
from tests.analytics.plans import recorded  # noqa: E402 - the repository root is on the path (common.py)

FIRST_DAY = datetime(2026, 10, 1, tzinfo=UTC)  # a fixed month: the same rows on every run
PAGE = 100
WINDOW_DAYS = 7


def load(url: str, account_id: str, agents: int, days: int) -> int:
    """The simulated month's Call Details rows into `conversations` with COPY, then VACUUM ANALYZE."""
    world = build_world(15, agents)
    end = int((FIRST_DAY + timedelta(days=days)).timestamp())
    columns = (
        "account_id, contact_key, conversation_id, bot_id, session_id, channel, source, language, direction, "
        "start_time, end_time, skills, csat_score, row"
    )
    count = 0
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("INSERT INTO bots (account_id, bot_id, created_at) VALUES (%s, %s, 0)", (account_id, world.bot_id))
        with conn.cursor().copy(f"COPY conversations ({columns}) FROM STDIN") as copy:
            for day in days_between(FIRST_DAY.date(), FIRST_DAY.date() + timedelta(days=days - 1)):
                for contact in simulate_day(world, day).contacts:
                    row = conversation_record(world, contact, end)
                    if row is None:
                        continue
                    r = validate_row(count, row, None)
                    copy.write_row(
                        (account_id, r.contact_key, r.conversation_id, r.bot_id, r.session_id, r.channel, r.source)
                        + (r.language, r.direction, r.start_time, r.end_time, json.dumps(r.skills), r.csat_score)
                        + (r.text,)
                    )
                    count += 1
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE conversations")
    return count


def replay(conn: psycopg.Connection[tuple[object, ...]], statements: list[tuple[str, Any]]) -> int:
    return sum(len(conn.execute(sql, params).fetchall()) for sql, params in statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=25)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--agents", type=int, default=200)
    args = parser.parse_args()
    began = time.perf_counter()
    with bench_app("SmartAssist Analytics", "bench_volume_calldetails") as bench:
        client, raw, account_id, headers = bench.client, bench.raw, bench.account_id, bench.headers
        engine = client.app.state.runtime.read_engine
        rows = load(bench.url, account_id, args.agents, args.days)
        print(f"loaded {rows} Call Details rows ({args.agents} agents x {args.days} days) in "
              f"{time.perf_counter() - began:.1f} s")  # fmt: skip
        start = FIRST_DAY + timedelta(days=(args.days - WINDOW_DAYS) // 2)
        dates = {"startDate": f"{start:%Y-%m-%d}", "endDate": f"{start + timedelta(days=WINDOW_DAYS - 1):%Y-%m-%d}"}
        body = {**dates, "timeZoneOffset": 0}
        base = f"/agentassist/api/public/analytics/account/{account_id}"

        before = FIRST_DAY - timedelta(days=WINDOW_DAYS)
        empty = {"startDate": f"{before:%Y-%m-%d}", "endDate": f"{FIRST_DAY - timedelta(days=1):%Y-%m-%d}"}

        def post(path: str, offset: int, window: dict[str, object] = body) -> int:
            response = client.post(f"{base}/{path}?limit={PAGE}&offset={offset}", json=window, headers=headers)
            assert response.status_code == 200, response.text[:300]
            return len(response.content)

        query = parse_call_details_body(body, v2=True)

        def service(offset: int = 0) -> bytes:
            with engine.connect() as connection:
                return call_details(connection, account_id, query, v2=True, limit=PAGE, offset_pages=offset)

        statements = {}
        for offset in (0, 10):
            with recorded(engine) as statements[offset]:
                page = json.loads(service(offset))
            assert page["numResults"] == PAGE, page["numResults"]
        sizes = {offset: post("v2/calldetails", offset) for offset in (0, 10)}
        print(f"before: {load_average()}")
        s = interleaved(
            {
                "v1 first": lambda: post("calldetails", 0),
                "v2 first": lambda: post("v2/calldetails", 0),
                "service first": service,
                "bare first": lambda: replay(raw, statements[0]),
                "v2 last": lambda: post("v2/calldetails", 10),
                "bare last": lambda: replay(raw, statements[10]),
                "v2 empty": lambda: post("v2/calldetails", 0, empty),
                "healthz": lambda: client.get("/healthz"),
            },
            args.reps,
        )
        print(f"after:  {load_average()}")
    p50 = {name: statistics.median(times) * 1e3 for name, times in s.items()}
    print(f"\n{PAGE} rows of {WINDOW_DAYS} days, PostgreSQL, {args.reps} interleaved reps (+1 warm-up each); p50 in ms")
    print(f"  first page ({sizes[0] / 1e3:.0f} kB): v1 {p50['v1 first']:.2f}, v2 {p50['v2 first']:.2f}, "
          f"service {p50['service first']:.2f}, bare {p50['bare first']:.2f}")  # fmt: skip
    print(f"  last page, offset 10 ({sizes[10] / 1e3:.0f} kB): v2 {p50['v2 last']:.2f}, bare {p50['bare last']:.2f}")
    print(f"  the same route on a window without rows: {p50['v2 empty']:.2f}; GET /healthz {p50['healthz']:.2f}")
    ratios = {
        "v1 first page / bare": p50["v1 first"] / p50["bare first"],
        "v2 first page / bare": p50["v2 first"] / p50["bare first"],
        "service first page / bare": p50["service first"] / p50["bare first"],
        "v2 last page / bare": p50["v2 last"] / p50["bare last"],
        "v2 empty window / first page's bare": p50["v2 empty"] / p50["bare first"],
    }
    for name, ratio in ratios.items():
        print(f"  {name}: {ratio:.2f}")
    worst = max(ratios["v1 first page / bare"], ratios["v2 first page / bare"], ratios["v2 last page / bare"])
    print(f"target: each page's request / bare <= 2.00: worst {worst:.2f} -> {'PASS' if worst <= 2 else 'FAIL'}")
    print(f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
