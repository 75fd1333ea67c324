"""`simulate` over HTTP into PostgreSQL: a month of 200 agents through a real `smartassist serve`, in records/s,
against the plain bulk-insert rate of bench_ingest measured on the same server's database in the same run.

The simulated run is what `smartassist simulate --base-url … --days 30 --agents 200` does: the model, the
rendering to the ingest record shapes, and every batch through the ingest routes over loopback HTTP (one
worker, one keep-alive connection). The baseline is bench_ingest's: a plain SQLAlchemy bulk insert of status
event rows already built as dicts. Target: simulated records/s >= 0.50 of the baseline.

    .venv/bin/python bench/bench_simulate_http.py [--agents 200] [--days 30]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from sqlalchemy import create_engine, select

from smartassist.clock import now_ms
from smartassist.contactcenter.models import Agent
from smartassist.simulation import command, setup

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_ingest import BATCH, as_rows, empty_events, make_events, run_plain  # noqa: E402
from tests.databases import temporary_postgres_database  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TARGET = 0.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--baseline-batches", type=int, default=10, help="batches of 10,000 status events")
    args = parser.parse_args()
    if not (0 < args.agents <= 1000 and 0 < args.days <= 31):
        parser.error("bounded run: agents <= 1000, days <= 31")
    admin_token = secrets.token_urlsafe(32)
    with temporary_postgres_database(PG_URL, "bench_ingestspeed_sim") as url, tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(url, Path(tmp) / "data", admin_token, secrets.token_urlsafe(32))
        with server, httpx.Client(base_url=server.base_url, timeout=300) as client:
            account_id = setup.ensure_account(client, admin_token, "Bench")
            started = time.perf_counter()
            outcome = command.simulate(
                client,
                account_id,
                {"Authorization": f"Bearer {admin_token}"},
                command.Options(agents=args.agents, days=args.days, until=now_ms() // 1000),
                Console(stderr=True, quiet=True),
            )
            simulate_s = time.perf_counter() - started
            records = sum(t.accepted + t.duplicates for t in outcome.tallies.values())

            # The baseline on the same database: bench_ingest's plain bulk insert of status events.
            engine = create_engine(url)
            agents = [{"email": f"agent{n}@example.com", "firstName": "A", "lastName": str(n)} for n in range(50)]
            admin = {"Authorization": f"Bearer {admin_token}"}
            client.put(f"/ingest/accounts/{account_id}/agents", json=agents, headers=admin).raise_for_status()
            with engine.connect() as conn:
                ids = {email: pk for pk, email in conn.execute(select(Agent.id, Agent.email_norm))}
            rows = [as_rows(batch, account_id, ids) for batch in make_events(args.baseline_batches + 1)]
            empty_events(engine)
            run_plain(engine, rows[:1])  # warm-up, untimed
            plain_rate = args.baseline_batches * BATCH / run_plain(engine, rows[1:])
            engine.dispose()

    rate = records / simulate_s
    print(f"simulate --days {args.days} --agents {args.agents}, PostgreSQL, over HTTP (serve, one worker)")
    print(f"{'kind':<16} {'accepted':>10} {'unchanged':>10}")
    for name, tally in outcome.tallies.items():
        print(f"{name:<16} {tally.accepted:>10,} {tally.duplicates:>10,}")
    print(f"\n{'path':<44} {'records/s':>10}")
    print(f"{'simulate (model + rendering + ingest routes)':<44} {rate:>10,.0f}   ({records:,} in {simulate_s:.1f} s)")
    print(f"{'plain SQLAlchemy bulk insert (bench_ingest)':<44} {plain_rate:>10,.0f}")
    ratio = rate / plain_rate
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"ratio {ratio:.2f} (target >= {TARGET:.2f}) -> {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
