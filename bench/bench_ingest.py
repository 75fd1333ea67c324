"""Ingest throughput: agent status events per second through the HTTP batch route into PostgreSQL,
against a plain SQLAlchemy bulk insert of the same rows measured in the same run.

The route: a real `smartassist serve` (subprocess, 127.0.0.1, one worker) on a fresh database, batches of
10,000 events as JSON arrays over one keep-alive connection, each batch one transaction. The baseline:
`connection.execute(insert(table), rows)` of the same rows, already as dicts, one transaction per
10,000. Both start from an empty events table; rounds alternate and the median of each is reported.
Targets: the route reaches >= 50% of the baseline rate and >= 20,000 events/s.

    .venv/bin/python bench/bench_ingest.py [--batches 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, insert, select, text

from smartassist.contactcenter.models import Agent, AgentStatusEvent

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.databases import temporary_postgres_database  # noqa: E402 - the repository root is on the path only now
from tests.server_process import ServerProcess  # noqa: E402

PG_URL = os.environ.get("SMARTASSIST_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BATCH = 10_000
AGENTS = 50
STATUSES = ("Available", "Busy", "Away", "Offline")
ADMIN_TOKEN = secrets.token_urlsafe(32)


def make_events(batches: int) -> list[list[dict[str, Any]]]:
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    return [
        [
            {
                "eventId": f"ev-{b}-{i}",
                "agent": f"agent{i % AGENTS}@example.com",
                "status": STATUSES[i % 4],
                **({"reason": "NBK"} if i % 4 == 2 else {}),
                "timestamp": (start + timedelta(seconds=b * BATCH + i)).isoformat(timespec="milliseconds"),
            }
            for i in range(BATCH)
        ]
        for b in range(batches)
    ]


def as_rows(batch: list[dict[str, Any]], account_id: str, agent_ids: dict[str, int]) -> list[dict[str, Any]]:
    """The rows the route stores for a batch (epoch ms from the same ISO strings), prepared before timing."""
    return [
        {
            "account_id": account_id,
            "agent_id": agent_ids[e["agent"]],
            "event_id": e["eventId"],
            "status": e["status"],
            "reason": e.get("reason"),
            "ts": int(datetime.fromisoformat(e["timestamp"]).timestamp() * 1000),
        }
        for e in batch
    ]


def empty_events(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE agent_status_events"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE agent_status_events"))


def run_route(client: httpx.Client, account_id: str, bodies: list[bytes]) -> float:
    began = time.perf_counter()
    for body in bodies:
        response = client.post(f"/ingest/accounts/{account_id}/agent-status-events", content=body)
        if response.status_code != 200 or response.json() != {"accepted": BATCH, "duplicates": 0}:
            raise RuntimeError(f"route failed: {response.status_code} {response.text[:200]}")
    return time.perf_counter() - began


def run_plain(engine: Engine, batches: list[list[dict[str, Any]]]) -> float:
    table = AgentStatusEvent.__table__
    began = time.perf_counter()
    for rows in batches:
        with engine.begin() as conn:
            conn.execute(insert(table), rows)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=10, help="batches of 10,000 events per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    events = make_events(args.batches + 1)  # the first batch warms both paths up, untimed
    bodies = [json.dumps(batch).encode() for batch in events]
    prefix = os.environ.get("SMARTASSIST_BENCH_DB_PREFIX", "smartassist_bench")  # as bench/common.py
    with temporary_postgres_database(PG_URL, prefix) as url, tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(url, Path(tmp) / "data", ADMIN_TOKEN, secrets.token_urlsafe(32))
        engine = create_engine(url)
        with (
            server,
            httpx.Client(  # `serve` migrates the database before it answers
                base_url=server.base_url,
                timeout=60,
                headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"},
            ) as client,
        ):
            account_id = client.post("/admin/accounts", json={"name": "bench"}).json()["accountId"]
            agents = [{"email": f"agent{n}@example.com", "firstName": "A", "lastName": str(n)} for n in range(AGENTS)]
            client.put(f"/ingest/accounts/{account_id}/agents", json=agents).raise_for_status()
            with engine.connect() as conn:
                agent_ids = {email: agent_id for agent_id, email in conn.execute(select(Agent.id, Agent.email_norm))}
            rows = [as_rows(batch, account_id, agent_ids) for batch in events]
            route_s: list[float] = []
            plain_s: list[float] = []
            for _ in range(args.rounds):
                empty_events(engine)
                run_plain(engine, rows[:1])
                plain_s.append(run_plain(engine, rows[1:]))
                empty_events(engine)
                run_route(client, account_id, bodies[:1])
                route_s.append(run_route(client, account_id, bodies[1:]))
                with engine.connect() as conn:
                    stored = conn.execute(text("SELECT count(*) FROM agent_status_events")).scalar_one()
                if stored != (args.batches + 1) * BATCH:
                    raise RuntimeError(f"expected {(args.batches + 1) * BATCH} rows, found {stored}")
        engine.dispose()
    n = args.batches * BATCH
    route_rate, plain_rate = n / statistics.median(route_s), n / statistics.median(plain_s)
    ratio = route_rate / plain_rate
    print(f"ingest: {n:,} status events per round, batches of {BATCH:,}, {args.rounds} rounds (median)")
    print(f"{'path':<42} {'events/s':>12}")
    print(f"{'HTTP route (uvicorn, JSON, PostgreSQL)':<42} {route_rate:>12,.0f}")
    print(f"{'plain SQLAlchemy bulk insert (baseline)':<42} {plain_rate:>12,.0f}")
    print(f"{'ratio route / baseline':<42} {ratio:>12.2f}")
    verdict = "PASS" if ratio >= 0.5 and route_rate >= 20_000 else "FAIL"
    print(f"target: ratio >= 0.50 and >= 20,000 events/s -> {verdict}")
    if verdict == "FAIL":
        sys.exit(1)


if __name__ == "__main__":
    main()
