"""Call Details latency: a page of 100 rows over 7 days of a simulated month, through a real server, against a bare
fetch of the same rows.

Data: the simulator's contact center (smartassist.simulation: build_world, simulate_day and
render.conversation_record, as `simulate` renders them) for 200 agents over 30 days, every Call Details row
validated and converted by the ingest's own validate_row, then loaded with COPY into `conversations` (a page
without a queue filter reads only that table; the rows' queue entries and segments are not loaded) in a fresh
PostgreSQL database, dropped at the end. Pages: limit=100 over the middle 7 days of the month (whole days,
timeZoneOffset 0), the first (offset 0) and the last (offset 10).

Figures, and the tool that produces each:
- route: POST calldetails (v1) and v2/calldetails through `smartassist serve` (one worker, tests/server_process),
  auth included, timed by wrk (C; bench/common.py's runner) with 1 thread and 1 connection, so one request at a
  time: p50 is the latency of a single request. A Python client on the same two cores (the in-process httpx
  client: 3 ms for GET /healthz) would bound the figure it reports; wrk does not. Also by wrk: the same route on
  a window without rows (its floor: token check, body, one indexed query) and GET /healthz (the HTTP stack's).
- bare: the statement the route sends (page_statement, compiled for psycopg, with the page's values), executed
  with plain sync psycopg in this process and its rows fetched as tuples, timed by perf_counter: the database
  work the route cannot avoid. (The route reads through reads.Reads: asyncpg on the server's event loop.)
- service: call_details awaited in this process on a reads.Reads of its own (fetch, rendering, body; no auth, no
  HTTP), timed by perf_counter.
Interleaving: rounds of [wrk phase, bare block] for each route phase, then a service block; a bare or service
block is timed calls for as long as a wrk phase lasts. A load drifting on the shared cores weighs on all alike.
p50s: the route's, the median of its wrk phases' p50s; bare and service, of all their calls.
Target: each page's route p50 <= 2x its bare fetch's p50.

`--compare-src DIR`: a second `serve` on the same database, running the source tree DIR/src (another commit's
checkout, its C extensions built in place) through PYTHONPATH, its route phases ("before ...") in the same
rounds: the code before and after, measured on the same machine at the same time.

    .venv/bin/python bench/bench_call_details.py [--rounds 3] [--seconds 4] [--days 30] [--agents 200]
        [--compare-src DIR]
    (SMARTASSIST_BENCH_DB_PREFIX names its PostgreSQL database; default smartassist_bench)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import psycopg
from sqlalchemy.dialects.postgresql import psycopg as pg_psycopg

from smartassist import migrate
from smartassist.analytics.conversations.request import parse_call_details_body
from smartassist.analytics.conversations.service import call_details, page_params, page_statement, shape_of
from smartassist.db import make_read_engine
from smartassist.ingest.conversations import validate_row
from smartassist.reads import Reads
from smartassist.simulation.model import days_between, simulate_day
from smartassist.simulation.render import conversation_record
from smartassist.simulation.world import build_world

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import ADMIN_TOKEN, BASE_URL, DB_PREFIX, libpq_url, load_average, wrk  # noqa: E402
from tests.databases import temporary_postgres_database  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

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


def tenant(base_url: str) -> tuple[str, str]:
    """An account and an app with the Analytics scope, through the server's admin routes: (accountId, token)."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=base_url, headers=admin, timeout=60) as http:
        account_id = http.post("/admin/accounts", json={"name": "bench"}).json()["accountId"]
        app = http.post(
            f"/admin/accounts/{account_id}/apps", json={"name": "bench", "scopes": ["SmartAssist Analytics"]}
        ).json()
    return account_id, jwt.encode({"appId": app["clientId"]}, app["clientSecret"])


def timed_for(seconds: float, action: Callable[[], object]) -> list[float]:
    """Calls of action, each timed, for about `seconds`."""
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4, help="duration of each wrk phase (and of each block)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--compare-src", type=Path, help="a source tree to serve too (its src/ on PYTHONPATH)")
    args = parser.parse_args()
    if not (0 < args.seconds <= 60 and 0 < args.rounds <= 20):
        parser.error("bounded run: seconds <= 60, rounds <= 20")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    began = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as tmp,
        temporary_postgres_database(BASE_URL, f"{DB_PREFIX}_calldetails") as url,
    ):
        migrate.upgrade(url)
        key = secrets.token_urlsafe(32)  # both servers read the same app secrets
        with ServerProcess(url, Path(tmp) / "data", ADMIN_TOKEN, key, workers=1) as server:
            account_id, token = tenant(server.base_url)
            rows = load(url, account_id, args.agents, args.days)
            print(f"loaded {rows} Call Details rows ({args.agents} agents x {args.days} days) in "
                  f"{time.perf_counter() - began:.1f} s")  # fmt: skip
            if args.compare_src is None:
                run(server, None, url, account_id, token, args)
                return
            source = {"PYTHONPATH": str(args.compare_src.resolve() / "src")}
            with ServerProcess(url, Path(tmp) / "before", ADMIN_TOKEN, key, workers=1, extra_env=source) as other:
                run(server, other, url, account_id, token, args)
    print(f"total {time.perf_counter() - began:.0f} s")


def run(
    server: ServerProcess,
    before: ServerProcess | None,
    url: str,
    account_id: str,
    token: str,
    args: argparse.Namespace,
) -> None:
    start = FIRST_DAY + timedelta(days=(args.days - WINDOW_DAYS) // 2)
    dates = {"startDate": f"{start:%Y-%m-%d}", "endDate": f"{start + timedelta(days=WINDOW_DAYS - 1):%Y-%m-%d}"}
    body = {**dates, "timeZoneOffset": 0}
    earlier = FIRST_DAY - timedelta(days=WINDOW_DAYS)
    empty = {"startDate": f"{earlier:%Y-%m-%d}", "endDate": f"{FIRST_DAY - timedelta(days=1):%Y-%m-%d}"}
    base = f"/agentassist/api/public/analytics/account/{account_id}"
    headers = {"auth": token, "Content-Type": "application/json"}

    query = parse_call_details_body(body, v2=True)
    reads = Reads(url, make_read_engine(url))
    statement = page_statement(shape_of(query, v2=True))
    # The route's statement for psycopg (`%(name)s` parameters; reads.Reads sends the same text to asyncpg with `$n`
    # ones); the page without filters has no list parameter to rewrite.
    compiled = statement.compile(dialect=pg_psycopg.dialect())  # type: ignore[no-untyped-call]
    sql, defaults = str(compiled), dict(compiled.params)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(reads.open())

    def service(offset: int = 0) -> bytes:
        return loop.run_until_complete(call_details(reads, account_id, query, v2=True, limit=PAGE, offset_pages=offset))

    async def service_for(seconds: float) -> list[float]:
        """The first page's service calls, each timed inside the loop (no run_until_complete per call)."""
        samples: list[float] = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            await call_details(reads, account_id, query, v2=True, limit=PAGE, offset_pages=0)
            samples.append(time.perf_counter() - began)
        return samples

    sizes = {}
    for each in (server, before) if before is not None else (server,):
        with httpx.Client(base_url=each.base_url, headers=headers, timeout=60) as http:
            for offset in (0, 10):
                response = http.post(f"{base}/v2/calldetails?limit={PAGE}&offset={offset}", json=body)
                assert response.status_code == 200, response.text[:300]
                assert response.json()["numResults"] == PAGE
                assert response.content == service(offset), "a server and the service disagree"
                sizes[offset] = len(response.content)
            assert http.post(f"{base}/v2/calldetails?limit={PAGE}", json=empty).json()["numResults"] == 0

    with psycopg.connect(libpq_url(url), autocommit=True) as raw:

        def bare(offset: int) -> Callable[[], object]:
            params = {**defaults, **page_params(account_id, query, PAGE, offset)}
            return lambda: raw.execute(sql, params).fetchall()

        bares = {offset: bare(offset) for offset in (0, 10)}
        for action in (*bares.values(), service):
            for _ in range(20):  # warm-up: prepared statements, pool, caches
                action()
        phases: list[tuple[str, ServerProcess, str, dict[str, Any] | None, int | None]] = [
            ("v1 first", server, f"{base}/calldetails?limit={PAGE}&offset=0", body, 0),
            ("v2 first", server, f"{base}/v2/calldetails?limit={PAGE}&offset=0", body, 0),
            ("v2 last", server, f"{base}/v2/calldetails?limit={PAGE}&offset=10", body, 10),
            ("v2 empty", server, f"{base}/v2/calldetails?limit={PAGE}&offset=0", empty, None),
            ("healthz", server, "/healthz", None, None),
        ]
        if before is not None:
            phases += [(f"before {name}", before, *rest) for name, _, *rest in phases[:4]]
        route: dict[str, list[float]] = {name: [] for name, *_ in phases}
        blocks: dict[str, list[float]] = {"bare first": [], "bare last": [], "service first": []}
        loads = []
        for _ in range(args.rounds):
            for name, target, path, window, offset in phases:
                loads.append(load_average())
                result = wrk(
                    target, name, path, seconds=args.seconds, connections=1, threads=1, headers=headers,
                    method="GET" if window is None else "POST", body=None if window is None else json.dumps(window),
                )  # fmt: skip
                assert result.errors == 0, f"{name}: {result.errors} errors"
                route[name].append(result.p50_ms)
                if offset is not None:
                    blocks["bare first" if offset == 0 else "bare last"] += timed_for(args.seconds / 2, bares[offset])
            blocks["service first"] += loop.run_until_complete(service_for(args.seconds / 2))
    loop.run_until_complete(reads.close())
    loop.close()

    p50 = {name: statistics.median(times) for name, times in route.items()}
    p50.update({name: statistics.median(times) * 1e3 for name, times in blocks.items()})
    print(f"load: {loads[0]} at the start, {loads[len(loads) // 2]} midway, {loads[-1]} at the end")
    print(f"\n{PAGE} rows of {WINDOW_DAYS} days, PostgreSQL, serve --workers 1, {args.rounds} rounds; p50 in ms")
    phase_p50s = "; ".join(f"{name} {', '.join(f'{v:.2f}' for v in times)}" for name, times in route.items())
    print(f"  route: wrk -t1 -c1, {args.seconds} s a phase; each phase's p50: {phase_p50s}")
    print(f"  first page ({sizes[0] / 1e3:.0f} kB): v1 {p50['v1 first']:.2f}, v2 {p50['v2 first']:.2f}, "
          f"bare {p50['bare first']:.2f}, service alone {p50['service first']:.2f}")  # fmt: skip
    print(f"  last page, offset 10 ({sizes[10] / 1e3:.0f} kB): v2 {p50['v2 last']:.2f}, bare {p50['bare last']:.2f}")
    print(f"  the same route on a window without rows: {p50['v2 empty']:.2f}; GET /healthz {p50['healthz']:.2f}")
    ratios = {
        "v1 first page / bare": p50["v1 first"] / p50["bare first"],
        "v2 first page / bare": p50["v2 first"] / p50["bare first"],
        "v2 last page / bare": p50["v2 last"] / p50["bare last"],
        "service first page / bare": p50["service first"] / p50["bare first"],
        "v2 empty window / first page's bare": p50["v2 empty"] / p50["bare first"],
        "healthz / first page's bare": p50["healthz"] / p50["bare first"],
    }
    if before is not None:
        print(f"  before (--compare-src {args.compare_src}): v1 first {p50['before v1 first']:.2f}, "
              f"v2 first {p50['before v2 first']:.2f}, v2 last {p50['before v2 last']:.2f}, "
              f"empty window {p50['before v2 empty']:.2f}")  # fmt: skip
        for name in ("v1 first", "v2 first"):
            ratios[f"before: {name} page / bare"] = p50[f"before {name}"] / p50["bare first"]
        ratios["before: v2 last page / bare"] = p50["before v2 last"] / p50["bare last"]
        for name in ("v1 first", "v2 first", "v2 last", "v2 empty"):
            ratios[f"{name}: after / before"] = p50[name] / p50[f"before {name}"]
    for name, ratio in ratios.items():
        print(f"  {name}: {ratio:.2f}")
    worst = max(ratios["v1 first page / bare"], ratios["v2 first page / bare"], ratios["v2 last page / bare"])
    print(f"target: each page's route / bare <= 2.00: worst {worst:.2f} -> {'PASS' if worst <= 2 else 'FAIL'}")


if __name__ == "__main__":
    main()
