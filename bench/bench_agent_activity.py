"""WFM Agent Activity for a 30-second window (the WFM poll) against /healthz, both under wrk, same run.

Server: `smartassist serve --workers 2` on a fresh PostgreSQL database holding the UserStatus bench's
simulated month (200 agents x 31 days, ~50 status events per agent per day: ~310 000 events). Load: wrk
(a C load generator; 2 threads, 32 connections, keep-alive) on GET /healthz, then on GET agentactivity with
a token (auth header) for a 30-second window in the middle of the data, then on the same route for a
1-hour window. Also measured: GET queues of an account without queues, the floor of any authenticated route
(token check and one indexed query on the event loop). Target: the 30-second window at >= 50% of
/healthz's throughput. wrk, the two workers and PostgreSQL share the machine's cores, so the ratio, not the
absolute rate, is the result.

    .venv/bin/python bench/bench_agent_activity.py [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx
import jwt
from bench_user_status import AGENTS, DATA_END, DATA_START, DAYS, load
from common import BASE_URL, DB_PREFIX, WRK_HEADER, verdict, wrk, wrk_row

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.databases import temporary_postgres_database  # noqa: E402 - the repository root is on the path only now
from tests.server_process import ServerProcess  # noqa: E402

ADMIN_TOKEN = secrets.token_urlsafe(32)


def iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    began = time.perf_counter()
    with temporary_postgres_database(BASE_URL, DB_PREFIX) as url, tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(url, Path(tmp) / "data", ADMIN_TOKEN, secrets.token_urlsafe(32), workers=2)
        with server:
            admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
            base = server.base_url
            account_id = httpx.post(f"{base}/admin/accounts", json={"name": "bench"}, headers=admin).json()["accountId"]
            app = httpx.post(
                f"{base}/admin/accounts/{account_id}/apps",
                headers=admin,
                json={"name": "wfm", "scopes": ["WFM Integration"]},
            ).json()
            load(url, account_id)
            print(f"loaded {AGENTS} agents x {DAYS} days in {time.perf_counter() - began:.1f} s")
            headers = {"auth": jwt.encode({"appId": app["clientId"]}, app["clientSecret"])}
            middle = (DATA_START + DATA_END) // 2 // 1000 * 1000
            route = f"/agentassist/api/public/analytics/account/{account_id}/agentactivity"
            poll = f"{route}?fromTimeStamp={iso(middle)}&toTimeStamp={iso(middle + 30_000)}"
            hour = f"{route}?fromTimeStamp={iso(middle)}&toTimeStamp={iso(middle + 3_600_000)}"
            sizes = [len(httpx.get(base + u, headers=headers).json()["AgentUpdates"]) for u in (poll, hour)]
            queues = f"/agentassist/api/public/analytics/account/{account_id}/queues"
            phases = [
                ("/healthz", "/healthz", {}),
                ("queues (auth + 1 tiny query)", queues, headers),
                (f"agentactivity 30 s ({sizes[0]} events)", poll, headers),
                (f"agentactivity 1 h ({sizes[1]} events)", hour, headers),
            ]
            runs = [
                wrk(server, name, path, seconds=args.seconds, connections=args.connections, headers=sent)
                for name, path, sent in phases
            ]
    print(f"\nwrk -t2 -c{args.connections} -d{args.seconds}s, serve --workers 2, PostgreSQL\n{WRK_HEADER}")
    for result in runs:
        print(wrk_row(result, runs[0]))
    ratio = runs[2].rps / runs[0].rps
    failed = sum(result.errors for result in runs)
    print(f"\nagentactivity 30-second window / healthz {ratio:.2f} (>= 0.50) -> {verdict(ratio >= 0.5)}")
    print(f"errors {failed} (0) -> {verdict(failed == 0)}")
    print(f"total {time.perf_counter() - began:.0f} s")
    if failed:
        raise SystemExit(f"{failed} requests failed")


if __name__ == "__main__":
    main()
