"""wrk against the bounded HTTP server (`smartassist serve`: uvicorn's httptools protocol with the limits of
ops/http_server.py) and against main's server (the same app under plain uvicorn httptools, which bounds
neither the request line nor the headers), on /healthz and IntentRealtimeData (25 ended sessions).
`--h11` runs plain uvicorn h11 as the baseline instead (the bounded alternative considered first).

One worker each, PostgreSQL, 127.0.0.1 only: `wrk -t2 -c32 -d10s` per route and server, two rounds
alternating the servers. Prints requests/s and the bounded/baseline ratio. Needs wrk (apt-get install wrk).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import jwt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import DB_PREFIX, one_minute_load, wrk  # noqa: E402
from tests.databases import temporary_postgres_database  # noqa: E402 - the repository root is on the path only now
from tests.server_process import ServerProcess, free_port, wait_ready  # noqa: E402

PG_URL = os.environ.get("SMARTASSIST_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ADMIN_TOKEN = secrets.token_urlsafe(32)
SERVER_KEY = secrets.token_urlsafe(32)
SECONDS, CONNECTIONS = 10, 32
ROUNDS = 2


def seed(base_url: str) -> tuple[str, str]:
    """An app and a bot with 30 ended sessions; the IntentRealtimeData path and a token for it."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=60) as http:
        account = http.post("/admin/accounts", json={"name": "Bench"}).json()["accountId"]
        app = http.post(
            f"/admin/accounts/{account}/apps", json={"name": "b", "scopes": ["SmartAssist Analytics"]}
        ).json()
        sessions = [
            {
                "sessionId": f"s-{i:03d}",
                "userId": f"caller-{i}",
                "intent": ["Book a Flight"],
                "ANI": "+15550000",
                "DNI": "dni@bench.example",
                "channel": "rtm",
                "startTime": f"2024-03-01T10:{i:02d}:00Z",
                "endTime": f"2024-03-01T11:{i:02d}:00Z",
                "status": "completed",
                "timeHandled": 3600,
            }
            for i in range(30)
        ]
        response = http.post(f"/ingest/accounts/{account}/bots/st-bench/sessions", json=sessions)
        response.raise_for_status()
    token = jwt.encode({"sub": "bench", "appId": app["clientId"]}, app["clientSecret"], algorithm="HS256")
    return "/api/public/bot/st-bench/intentrealtimedata", token


def rate(server: ServerProcess | str, route: str, path: str, token: str | None) -> float:
    """Requests/s of one wrk phase (bench.common.wrk); a request that failed or timed out fails the bench."""
    result = wrk(
        server, route, path, seconds=SECONDS, connections=CONNECTIONS, headers={"auth": token} if token else {}
    )
    if result.errors:
        raise RuntimeError(f"wrk saw {result.errors} failed or timed-out requests on {route}")
    return result.rps


def baseline(database_url: str, data_dir: Path, http: str) -> tuple[subprocess.Popen[bytes], str]:
    """The app under plain uvicorn (httptools: as `serve` ran it before the bounded protocol)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTASSIST_")}
    env.update(
        SMARTASSIST_DATABASE_URL=database_url,
        SMARTASSIST_ADMIN_TOKEN=ADMIN_TOKEN,
        SMARTASSIST_SECRET_KEY=SERVER_KEY,
        SMARTASSIST_DATA_DIR=str(data_dir),
        SMARTASSIST_LOG_LEVEL="warning",
    )
    command = [sys.executable, "-m", "uvicorn", "smartassist.app:serve_app", "--factory", "--http", http]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603
    base_url = f"http://127.0.0.1:{port}"
    wait_ready(base_url, process)
    return process, base_url


def main() -> None:
    http = "h11" if "--h11" in sys.argv[1:] else "httptools"
    if shutil.which("wrk") is None:
        print("bench_http_server: SKIPPED, wrk is not installed (apt-get install -y wrk)")
        return
    results: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp, temporary_postgres_database(PG_URL, DB_PREFIX) as url:
        data = Path(tmp)
        with ServerProcess(url, data / "bounded", ADMIN_TOKEN, SERVER_KEY) as server:
            intents, token = seed(server.base_url)
        for _ in range(ROUNDS):
            with ServerProcess(url, data / "bounded", ADMIN_TOKEN, SERVER_KEY) as server:
                for route, path, auth in (("/healthz", "/healthz", None), ("IntentRealtimeData", intents, token)):
                    results.setdefault(("bounded", route), []).append(rate(server, route, path, auth))
            process, base_url = baseline(url, data / "baseline", http)
            try:
                for route, path, auth in (("/healthz", "/healthz", None), ("IntentRealtimeData", intents, token)):
                    results.setdefault(("baseline", route), []).append(rate(base_url, route, path, auth))
            finally:
                os.killpg(process.pid, 15)
                process.wait(timeout=15)
    load = one_minute_load()
    print(f"wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, 1 worker, PostgreSQL, load {load:.1f} at the end; req/s per round")
    print(f"{'route':<20} {'uvicorn ' + http:>22} {'bounded (serve)':>22} {'ratio':>8}")
    for route in ("/healthz", "IntentRealtimeData"):
        before, after = results[("baseline", route)], results[("bounded", route)]
        ratio = (sum(after) / len(after)) / (sum(before) / len(before))
        fmt = ", ".join
        print(f"{route:<20} {fmt(f'{v:,.0f}' for v in before):>22} {fmt(f'{v:,.0f}' for v in after):>22} {ratio:>8.2f}")


if __name__ == "__main__":
    main()
