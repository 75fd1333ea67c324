"""What the benchmarks share: for the in-process ones, a fresh PostgreSQL database with the app, an account and
an app token, a raw psycopg connection for the bare fetch, and the timing helpers; for those under load, the
one wrk runner (a phase of wrk against a `serve` process, with the server's CPU per request and the load
average)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jwt
import psycopg
from fastapi.testclient import TestClient

from smartassist import migrate
from smartassist.app import create_app
from smartassist.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.databases import temporary_postgres_database  # noqa: E402 - the repository root is on the path only now
from tests.server_process import ServerProcess  # noqa: E402

# Benches create (and drop) databases named <prefix>_<pid>_<random>; a prefix of one's own keeps parallel runs
# on a shared PostgreSQL apart.
DB_PREFIX = os.environ.get("SMARTASSIST_BENCH_DB_PREFIX", "smartassist_bench")

BASE_URL = os.environ.get("SMARTASSIST_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ADMIN_TOKEN = "bench-admin-" + secrets.token_hex(16)


@dataclass(frozen=True)
class Bench:
    url: str  # the SQLAlchemy URL of the bench's database
    client: TestClient  # the app, in process
    raw: psycopg.Connection[tuple[object, ...]]  # for the bare fetch
    account_id: str
    headers: dict[str, str]  # an app token with the bench's scope


def libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def bench_app(scope: str, prefix: str = DB_PREFIX) -> Iterator[Bench]:
    """A migrated throwaway database (named `<prefix>_<pid>_<random>`), the app over it, an account and an app
    granted `scope`."""
    with temporary_postgres_database(BASE_URL, prefix) as url:
        migrate.upgrade(url)
        settings = Settings(database_url=url, admin_token=ADMIN_TOKEN, secret_key="bench-" + secrets.token_hex(8))
        with TestClient(create_app(settings)) as client, psycopg.connect(libpq_url(url)) as raw:
            admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
            account_id = client.post("/admin/accounts", json={"name": "bench"}, headers=admin).json()["accountId"]
            api_app = client.post(
                f"/admin/accounts/{account_id}/apps", headers=admin, json={"name": "bench", "scopes": [scope]}
            ).json()
            headers = {"auth": jwt.encode({"appId": api_app["clientId"]}, api_app["clientSecret"])}
            yield Bench(url, client, raw, account_id, headers)


def timed(action: Callable[[], object], reps: int) -> list[float]:
    action()  # warm-up: caches, prepared plans, pool
    samples = []
    for _ in range(reps):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return samples


def interleaved(actions: dict[str, Callable[[], object]], reps: int) -> dict[str, list[float]]:
    """Each action's times, one of each per round after one warm-up each: a load drifting on the shared cores
    weighs on all of them alike, so their ratios hold within the run."""
    for action in actions.values():
        action()  # warm-up: caches, prepared plans, pool
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(reps):
        for name, action in actions.items():
            began = time.perf_counter()
            action()
            samples[name].append(time.perf_counter() - began)
    return samples


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages (`uptime`'s), to print beside every figure."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# wrk's Lua hooks: one request shape per phase; done() prints the summary as one JSON line.
WRK_LUA = """
wrk.method = {method}
{headers}
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
class WrkResult:
    route: str
    requests: int
    seconds: float
    errors: int  # socket errors and non-2xx/3xx responses
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float  # the server's processes' CPU (user + system) per request, from /proc (nan: not measured)
    postgres_cpu_ms: float  # every PostgreSQL process's CPU per request, from /proc (0 on SQLite, or idle)
    load: float  # the 1-minute load average as the phase began (other work on the machine)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def postgres_cpu_seconds() -> float:
    """User + system CPU time used so far by the machine's PostgreSQL processes (backends included), from /proc:
    the database's share of a phase, on a machine where the bench is its only client."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        if name.startswith("postgres"):
            fields = rest.split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def one_minute_load() -> float:
    """The 1-minute load average, as a number (a wrk phase records it as it begins)."""
    return os.getloadavg()[0]


def wrk(
    server: ServerProcess | str,
    route: str,
    path: str,
    *,
    seconds: int,
    connections: int,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: str | None = None,
    threads: int = 2,
) -> WrkResult:
    """One phase: `wrk -t<threads> -c<connections> -d<seconds>s` on the server's base URL + path (loopback only);
    the server's CPU is measured when it is a ServerProcess (a bare base URL: another server, not measured)."""
    base_url = server if isinstance(server, str) else server.base_url
    cpu_seconds = (lambda: 0.0) if isinstance(server, str) else server.cpu_seconds
    lines = [f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}" for name, value in (headers or {}).items()]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_LUA.format(method=json.dumps(method), headers="\n".join(lines), body=json.dumps(body or "")))
        script.flush()
        load = one_minute_load()
        cpu_before, postgres_before = cpu_seconds(), postgres_cpu_seconds()
        completed = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name,
             base_url + path],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        )  # fmt: skip
        cpu, postgres = cpu_seconds() - cpu_before, postgres_cpu_seconds() - postgres_before
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRK "))
    summary = json.loads(line[4:])
    return WrkResult(
        route=route,
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        errors=summary["socket_errors"] + summary["status_errors"],
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        server_cpu_ms=float("nan") if isinstance(server, str) else 1000 * cpu / max(1, summary["requests"]),
        postgres_cpu_ms=1000 * postgres / max(1, summary["requests"]),
        load=load,
    )


WRK_HEADER = (
    f"{'route':<36} {'req/s':>9} {'vs healthz':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'CPU ms/req':>10} "
    f"{'PG ms/req':>9} {'load':>5}"
)


def wrk_row(result: WrkResult, healthz: WrkResult) -> str:
    return (
        f"{result.route:<36} {result.rps:>9.0f} {result.rps / healthz.rps:>10.2f} {result.p50_ms:>8.1f} "
        f"{result.p99_ms:>8.1f} {result.errors:>7} {result.server_cpu_ms:>10.3f} {result.postgres_cpu_ms:>9.3f} "
        f"{result.load:>5.1f}"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
