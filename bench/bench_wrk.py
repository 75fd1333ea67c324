"""Throughput with a compiled load generator (wrk): IntentRealtimeData, Queue Size and UserStatus against a bare
endpoint (/healthz), on PostgreSQL and on SQLite, `smartassist serve --workers 2`, in one run.

wrk (C, event-driven, Debian package `wrk`) keeps 32 connections busy for a fraction of a core, so unlike a
Python client on the same two cores it does not bound the figures it reports. Each phase is bounded in time;
traffic goes to 127.0.0.1 only. Beside each throughput: the server's own CPU per request (its process group,
from /proc; less sensitive to other work on the machine than req/s) and the load average as the phase began.

Setup per backend: a fresh database seeded through the ingest routes (bench_load.seed: a bot with 600 sessions,
50 agents, 3 days of status events and interactions; here also a queue holding the 50 agents, no live contacts),
then ANALYZE.
Targets (PASS/FAIL lines): PostgreSQL IntentRealtimeData >= 0.50 of /healthz with p99 < 50 ms; SQLite
IntentRealtimeData >= 0.60 of /healthz; PostgreSQL Queue Size >= 0.50 of /healthz; UserStatus (50 agents x
1 day, PT1H) on PostgreSQL >= 2x the 63 req/s measured before this bench existed (the same wrk command on the
same machine).

    .venv/bin/python bench/bench_wrk.py [--seconds 15] [--connections 32] [--backends postgresql,sqlite]
                                        [--routes healthz,QueueSize]   (a subset of the phases; healthz always)
    (SMARTASSIST_BENCH_DB_PREFIX names its PostgreSQL database; default smartassist_bench)
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_load import ADMIN_TOKEN, AGENTS, FIRST_DAY, PG_URL, Target, seed  # noqa: E402
from bench.common import DB_PREFIX, WRK_HEADER, WrkResult, verdict, wrk, wrk_row  # noqa: E402
from tests.databases import temporary_postgres_database  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

USER_STATUS_BEFORE = 63.0  # req/s, PostgreSQL, wrk -c32, --workers 2, before the async hot path
QUEUE_ID = "qu-bench"


@dataclass(frozen=True)
class Phase:
    route: str
    method: str
    path: str
    body: str | None = None


def phases(target: Target) -> list[Phase]:
    day = (FIRST_DAY + timedelta(days=1)).date().isoformat()
    body = {"filter": {"dateFilter": {"startDate": day, "endDate": day, "timeZoneOffSet": 0}}, "granularity": "PT1H"}
    return [
        Phase("healthz", "GET", "/healthz"),
        Phase("IntentRealtimeData", "GET", f"/api/public/bot/{target.bot_id}/intentrealtimedata"),
        Phase("QueueSize", "POST", f"/agentassist/api/v1/public/{target.bot_id}/monitor/queueStatsById/{QUEUE_ID}"),
        Phase(
            "UserStatus",
            "POST",
            f"/agentassist/api/public/analytics/account/{target.account_id}/userstatus?limit=50",
            json.dumps(body),
        ),
    ]


def add_queue(base_url: str, target: Target) -> None:
    """A queue holding seed()'s agents (the agents upserted again by email, with their queues), then fresh planner
    statistics: on a just-loaded table PostgreSQL's estimates are of an empty one, and Queue Size's latest status
    per agent took ix_agent_status_events_account_ts (every event of the account, 170 ms) instead of one
    backward probe of ix_agent_status_events_agent_ts_id per agent."""
    ingest = f"{base_url}/ingest/accounts/{target.account_id}"
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    agents = [
        {"email": f"agent{i:02d}@load.example", "firstName": f"Agent{i}", "lastName": "Load", "queues": [QUEUE_ID]}
        for i in range(AGENTS)
    ]
    for path, records in (("queues", [{"queueId": QUEUE_ID, "name": "Bench"}]), ("agents", agents)):
        httpx.put(f"{ingest}/{path}", json=records, headers=admin, timeout=60).raise_for_status()


def analyze(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
        engine.dispose()


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    with temporary_postgres_database(PG_URL, f"{DB_PREFIX}_wrk") as url:
        yield url


def bench_backend(
    backend: str, seconds: int, connections: int, workers: int, routes: frozenset[str] | None = None
) -> list[WrkResult]:
    with tempfile.TemporaryDirectory() as tmp_name, database(backend, Path(tmp_name)) as url:
        tmp = Path(tmp_name)
        server = ServerProcess(url, tmp / "data", ADMIN_TOKEN, secrets.token_urlsafe(32), workers=workers)
        with server:
            target = seed(server.base_url)
            add_queue(server.base_url, target)
            analyze(url)
            headers = {"auth": target.token, "Content-Type": "application/json"}
            return [
                wrk(server, phase.route, phase.path, seconds=seconds, connections=connections, headers=headers,
                    method=phase.method, body=phase.body)
                for phase in phases(target)
                if routes is None or phase.route in routes
            ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="duration of each wrk phase")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--routes", help="comma-separated phases to run (healthz is always run): default all")
    args = parser.parse_args()
    known = {"healthz", "IntentRealtimeData", "QueueSize", "UserStatus"}
    routes = None if args.routes is None else frozenset({"healthz", *args.routes.split(",")})
    if routes is not None and not routes <= known:
        parser.error(f"--routes: unknown {sorted(routes - known)}; known {sorted(known)}")
    if not (0 < args.seconds <= 120 and 0 < args.connections <= 256):
        parser.error("bounded run: seconds <= 120, connections <= 256")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    by_backend = {
        backend: {r.route: r for r in bench_backend(backend, args.seconds, args.connections, args.workers, routes)}
        for backend in args.backends.split(",")
    }
    print(f"wrk -t2 -c{args.connections} -d{args.seconds}s, server --workers {args.workers}")
    for backend, results in by_backend.items():
        print(f"\n{backend}\n{WRK_HEADER}")
        for result in results.values():
            print(wrk_row(result, results["healthz"]))
    print()
    if "postgresql" in by_backend:
        pg = by_backend["postgresql"]
        if "IntentRealtimeData" in pg:
            ratio = pg["IntentRealtimeData"].rps / pg["healthz"].rps
            print(f"PostgreSQL IntentRealtimeData / healthz {ratio:.2f} (>= 0.50) -> {verdict(ratio >= 0.5)}")
            p99 = pg["IntentRealtimeData"].p99_ms
            print(f"PostgreSQL IntentRealtimeData p99 {p99:.1f} ms (< 50) -> {verdict(p99 < 50)}")
        if "QueueSize" in pg:
            ratio = pg["QueueSize"].rps / pg["healthz"].rps
            print(f"PostgreSQL Queue Size / healthz {ratio:.2f} (>= 0.50) -> {verdict(ratio >= 0.5)}")
        if "UserStatus" in pg:
            us = pg["UserStatus"].rps
            print(f"PostgreSQL UserStatus {us:.0f} req/s (>= 2 x {USER_STATUS_BEFORE:g}) -> "
                  f"{verdict(us >= 2 * USER_STATUS_BEFORE)}")  # fmt: skip
    if "sqlite" in by_backend and "IntentRealtimeData" in by_backend["sqlite"]:
        lite = by_backend["sqlite"]
        ratio = lite["IntentRealtimeData"].rps / lite["healthz"].rps
        print(f"SQLite IntentRealtimeData / healthz {ratio:.2f} (>= 0.60) -> {verdict(ratio >= 0.6)}")
    errors = sum(r.errors for results in by_backend.values() for r in results.values())
    print(f"errors {errors} (0) -> {verdict(errors == 0)}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
