"""Throughput with a compiled load generator (wrk): IntentRealtimeData and UserStatus against a bare endpoint
(/healthz), on PostgreSQL and on SQLite, `smartassist serve --workers 2`, in one run.

wrk (C, event-driven, Debian package `wrk`) keeps 32 connections busy for a fraction of a core, so unlike a
Python client on the same two cores it does not bound the figures it reports. Each phase is bounded in time;
traffic goes to 127.0.0.1 only. The server's own CPU per request (its process group, from /proc) is printed
beside each throughput.

Setup per backend: a fresh database seeded through the ingest routes (bench_load.seed: a bot with 600 sessions,
50 agents, 3 days of status events and interactions).
Targets (PASS/FAIL lines): PostgreSQL IntentRealtimeData >= 0.50 of /healthz with p99 < 50 ms; SQLite
IntentRealtimeData >= 0.60 of /healthz; UserStatus (50 agents x 1 day, PT1H) on PostgreSQL >= 2x the
63 req/s measured before this bench existed (the same wrk command on the same machine).

    .venv/bin/python bench/bench_wrk.py [--seconds 15] [--connections 32] [--backends postgresql,sqlite]
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_load import ADMIN_TOKEN, FIRST_DAY, PG_URL, Target, seed  # noqa: E402
from tests.databases import temporary_postgres_database  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

USER_STATUS_BEFORE = 63.0  # req/s, PostgreSQL, wrk -c32, --workers 2, before the async hot path

# wrk's Lua hooks: one request shape per phase; done() prints the summary as one JSON line.
LUA = """
wrk.method = {method}
wrk.headers["auth"] = {token}
wrk.headers["Content-Type"] = "application/json"
wrk.body = {body}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {{"requests": %d, "duration_us": %d, "socket_errors": %d, "status_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Phase:
    route: str
    method: str
    path: str
    body: str | None = None


@dataclass(frozen=True)
class Result:
    backend: str
    route: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float  # per request

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def phases(target: Target) -> list[Phase]:
    day = (FIRST_DAY + timedelta(days=1)).date().isoformat()
    body = {"filter": {"dateFilter": {"startDate": day, "endDate": day, "timeZoneOffSet": 0}}, "granularity": "PT1H"}
    return [
        Phase("healthz", "GET", "/healthz"),
        Phase("IntentRealtimeData", "GET", f"/api/public/bot/{target.bot_id}/intentrealtimedata"),
        Phase(
            "UserStatus",
            "POST",
            f"/agentassist/api/public/analytics/account/{target.account_id}/userstatus?limit=50",
            json.dumps(body),
        ),
    ]


def run_wrk(server: ServerProcess, token: str, phase: Phase, seconds: int, connections: int, tmp: Path) -> Result:
    script = tmp / f"{phase.route}.lua"
    script.write_text(
        LUA.format(method=json.dumps(phase.method), token=json.dumps(token), body=json.dumps(phase.body or ""))
    )
    cpu_before = server.cpu_seconds()
    completed = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
         server.base_url + phase.path],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    )  # fmt: skip
    cpu = server.cpu_seconds() - cpu_before
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRK "))
    summary = json.loads(line[4:])
    requests = max(1, summary["requests"])
    return Result(
        backend="",
        route=phase.route,
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        errors=summary["socket_errors"] + summary["status_errors"],
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        server_cpu_ms=1000 * cpu / requests,
    )


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    with temporary_postgres_database(PG_URL, "smartassist_bench_wrk") as url:
        yield url


def bench_backend(backend: str, seconds: int, connections: int, workers: int) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp_name, database(backend, Path(tmp_name)) as url:
        tmp = Path(tmp_name)
        server = ServerProcess(url, tmp / "data", ADMIN_TOKEN, secrets.token_urlsafe(32), workers=workers)
        with server:
            target = seed(server.base_url)
            results = []
            for phase in phases(target):
                result = run_wrk(server, target.token, phase, seconds, connections, tmp)
                results.append(Result(backend, *list(result.__dict__.values())[1:]))
            return results


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="duration of each wrk phase")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", default="postgresql,sqlite")
    args = parser.parse_args()
    if not (0 < args.seconds <= 120 and 0 < args.connections <= 256):
        parser.error("bounded run: seconds <= 120, connections <= 256")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    results = [r for backend in args.backends.split(",") for r in bench_backend(backend, args.seconds,
               args.connections, args.workers)]  # fmt: skip
    print(f"wrk -t2 -c{args.connections} -d{args.seconds}s, server --workers {args.workers}\n")
    print(f"{'backend':<11} {'route':<19} {'req/s':>9} {'vs healthz':>10} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7} {'CPU ms/req':>10}")  # fmt: skip
    ceiling = {r.backend: r.rps for r in results if r.route == "healthz"}
    for r in results:
        print(f"{r.backend:<11} {r.route:<19} {r.rps:>9.0f} {r.rps / ceiling[r.backend]:>10.2f} {r.p50_ms:>8.1f} "
              f"{r.p99_ms:>8.1f} {r.errors:>7} {r.server_cpu_ms:>10.2f}")  # fmt: skip
    by = {(r.backend, r.route): r for r in results}
    print()
    if ("postgresql", "IntentRealtimeData") in by:
        ird = by["postgresql", "IntentRealtimeData"]
        ratio = ird.rps / ceiling["postgresql"]
        print(f"PostgreSQL IntentRealtimeData / healthz {ratio:.2f} (>= 0.50) -> {verdict(ratio >= 0.5)}")
        print(f"PostgreSQL IntentRealtimeData p99 {ird.p99_ms:.1f} ms (< 50) -> {verdict(ird.p99_ms < 50)}")
        us = by["postgresql", "UserStatus"].rps
        print(f"PostgreSQL UserStatus {us:.0f} req/s (>= 2 x {USER_STATUS_BEFORE:g}) -> "
              f"{verdict(us >= 2 * USER_STATUS_BEFORE)}")  # fmt: skip
    if ("sqlite", "IntentRealtimeData") in by:
        ratio = by["sqlite", "IntentRealtimeData"].rps / ceiling["sqlite"]
        print(f"SQLite IntentRealtimeData / healthz {ratio:.2f} (>= 0.60) -> {verdict(ratio >= 0.6)}")
    errors = sum(r.errors for r in results)
    print(f"errors {errors} (0) -> {verdict(errors == 0)}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
