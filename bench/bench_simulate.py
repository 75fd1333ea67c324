"""`simulate`: the demo's week (20 agents, 7 days) into a fresh SQLite database through the ingest routes.

The run is the demo's path minus the CLI: migrations, the account through the admin routes, then every
batch through the in-process app (same parsing, validation and transactions as over HTTP). Reported: the
pure model's time (simulating the days), rendering the records, and the whole run with records/s, plus
which kinds this build of the server took. Target: the whole run in <= 10 s.

    .venv/bin/python bench/bench_simulate.py [--agents 20] [--days 7]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from smartassist import migrate
from smartassist.clock import now_ms
from smartassist.config import Settings
from smartassist.simulation import command, setup
from smartassist.simulation.model import days_between, simulate_day
from smartassist.simulation.run import Days, backfill_batches, first_day_of
from smartassist.simulation.world import build_world

TARGET_S = 10.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    end = now_ms() // 1000
    world = build_world(1, args.agents)

    started = time.perf_counter()
    for day in days_between(first_day_of(end, args.days), first_day_of(end, 0)):
        simulate_day(world, day)
    model_s = time.perf_counter() - started
    started = time.perf_counter()
    batches = backfill_batches(world, Days(world), first_day_of(end, args.days), end)
    render_s = time.perf_counter() - started  # includes simulating the days once more
    records = sum(len(r) for _, r in batches)

    with tempfile.TemporaryDirectory() as tmp:
        admin_token = secrets.token_urlsafe(32)
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
            admin_token=admin_token,
            secret_key=secrets.token_hex(16),
            data_dir=Path(tmp),
        )
        started = time.perf_counter()
        migrate.upgrade(settings.resolved_database_url())
        with command.in_process_client(settings) as client:
            account_id = setup.ensure_account(client, admin_token, "Bench")
            outcome = command.simulate(
                client,
                account_id,
                {"Authorization": f"Bearer {admin_token}"},
                command.Options(agents=args.agents, days=args.days, until=end),
                Console(stderr=True, quiet=True),
            )
        total_s = time.perf_counter() - started
    sent = sum(t.accepted + t.duplicates for t in outcome.tallies.values())
    print(f"simulate --days {args.days} --agents {args.agents} on SQLite, in process")
    print(f"  model (simulating {args.days + 1} days):      {model_s:6.2f} s")
    print(f"  records ({records}, rendered):       {render_s:6.2f} s")
    print(f"  whole run (migrate + ingest):        {total_s:6.2f} s  ({sent / total_s:,.0f} stored records/s)")
    print(f"  kinds taken: {', '.join(k for k in outcome.tallies if k not in outcome.unsupported)}")
    if outcome.unsupported:
        print(f"  kinds this build lacks (skipped): {', '.join(sorted(outcome.unsupported))}")
    ok = total_s <= TARGET_S
    print(f"  target <= {TARGET_S:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
