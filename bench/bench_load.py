"""Mixed load: 32 concurrent clients on IntentRealtimeData, UserStatus and ingest against
`smartassist serve --workers 2` on PostgreSQL, with a bare constant endpoint (/healthz) as the baseline.

Setup: a fresh database seeded through the ingest routes (a bot with sessions, 50 agents, a few days of
status events and interactions). Three phases with the same clients on loopback, each bounded in time:
  1. mixed   — 50% IntentRealtimeData (GET), 30% UserStatus (one day, PT1H, all agents), 20% ingest
               (a batch of 20 new status events); latency per route and error count;
  2. healthz — GET /healthz only: the throughput ceiling of this server, client and machine;
  3. intents — IntentRealtimeData only: compared with phase 2 as a ratio.
Targets: 0 errors, IntentRealtimeData p99 < 250 ms in the mixed phase, intents-only >= 50% of healthz.
Exits 1 when any request failed (a correctness problem); the timing targets are reported, not enforced,
since the clients share the machine's cores with the server.

    .venv/bin/python bench/bench_load.py [--seconds 60] [--baseline-seconds 15] [--clients 32]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.databases import temporary_postgres_database  # noqa: E402 - the repository root is on the path only now
from tests.server_process import ServerProcess  # noqa: E402

PG_URL = os.environ.get("SMARTASSIST_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ADMIN_TOKEN = secrets.token_urlsafe(32)
ANALYTICS, INGEST = "SmartAssist Analytics", "SmartAssist Data Ingestion"
AGENTS, DAYS, SESSIONS = 50, 3, 600
FIRST_DAY = datetime(2024, 3, 1, tzinfo=UTC)
STATUSES = ("Available", "Busy", "Away", "Available", "Offline")
MIX = (("IntentRealtimeData", 50), ("UserStatus", 30), ("ingest", 20))


@dataclass
class Target:
    """What the clients need to address the seeded data."""

    account_id: str
    bot_id: str
    token: str


def _check(response: httpx.Response) -> dict[str, Any]:
    if response.status_code not in (200, 201):
        raise RuntimeError(f"seeding failed: {response.request.url.path} -> {response.status_code} {response.text}")
    body: dict[str, Any] = response.json()
    return body


def seed(base_url: str) -> Target:
    """Account, app, agents, a bot with sessions, and DAYS of status events and interactions, via HTTP."""
    rng = random.Random(7)
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=120) as http:
        account = _check(http.post("/admin/accounts", json={"name": "Load"}))["accountId"]
        app = _check(http.post(f"/admin/accounts/{account}/apps", json={"name": "load", "scopes": [ANALYTICS, INGEST]}))
        ingest = f"/ingest/accounts/{account}"
        emails = [f"agent{i:02d}@load.example" for i in range(AGENTS)]
        _check(
            http.put(
                f"{ingest}/agents",
                json=[
                    {"email": email, "firstName": f"Agent{i}", "lastName": "Load", "customId": str(1000 + i)}
                    for i, email in enumerate(emails)
                ],
            )
        )
        agent_ids = [f"u-{uuid.UUID(int=rng.getrandbits(128))}" for _ in emails]
        bot_id = f"st-{uuid.uuid4()}"
        sessions = []
        for i in range(SESSIONS):
            start = FIRST_DAY + timedelta(seconds=rng.randrange(DAYS * 86400))
            handled = rng.randrange(20, 3000)
            sessions.append(
                {
                    "sessionId": f"sess-{i:05d}",
                    "userId": agent_ids[i % AGENTS],
                    "intent": ["Book a Flight"],
                    "ANI": f"+1555{i:06d}",
                    "DNI": "support@load.example",
                    "channel": "rtm",
                    "startTime": start.isoformat(),
                    "endTime": (start + timedelta(seconds=handled)).isoformat(),
                    "status": "completed",
                    "timeHandled": handled,
                    "deflectedTo": None,
                }
            )
        _check(http.post(f"{ingest}/bots/{bot_id}/sessions", json=sessions))
        events, interactions = [], []
        for a, email in enumerate(emails):
            t = FIRST_DAY + timedelta(minutes=rng.randrange(30))
            while t < FIRST_DAY + timedelta(days=DAYS):
                status = rng.choice(STATUSES)
                events.append(
                    {"eventId": f"ev-{a}-{len(events)}", "agent": email, "status": status, "timestamp": t.isoformat()}
                )
                if status == "Available":
                    end = t + timedelta(minutes=rng.randrange(2, 10))
                    interactions.append(
                        {
                            "interactionId": f"ix-{a}-{len(interactions)}",
                            "agent": email,
                            "startTime": t.isoformat(),
                            "endTime": end.isoformat(),
                        }
                    )
                t += timedelta(minutes=rng.randrange(10, 40))
        for chunk in range(0, len(events), 5000):
            _check(http.post(f"{ingest}/agent-status-events", json=events[chunk : chunk + 5000]))
        for chunk in range(0, len(interactions), 5000):
            _check(http.post(f"{ingest}/agent-interactions", json=interactions[chunk : chunk + 5000]))
    print(
        f"seeded: {AGENTS} agents, {SESSIONS} sessions, {len(events):,} status events, "
        f"{len(interactions):,} interactions over {DAYS} days"
    )
    token = jwt.encode({"sub": "bench", "appId": app["clientId"]}, app["clientSecret"], algorithm="HS256")
    return Target(account_id=account, bot_id=bot_id, token=token)


Request = Callable[[httpx.Client, random.Random], httpx.Response]


def requests_for(target: Target) -> dict[str, Request]:
    intents_path = f"/api/public/bot/{target.bot_id}/intentrealtimedata"
    status_path = f"/agentassist/api/public/analytics/account/{target.account_id}/userstatus"
    events_path = f"/ingest/accounts/{target.account_id}/agent-status-events"

    def intents(http: httpx.Client, _: random.Random) -> httpx.Response:
        return http.get(intents_path)

    def user_status(http: httpx.Client, rng: random.Random) -> httpx.Response:
        day = (FIRST_DAY + timedelta(days=rng.randrange(DAYS))).date().isoformat()
        body = {
            "filter": {"dateFilter": {"startDate": day, "endDate": day, "timeZoneOffSet": 0}},
            "granularity": "PT1H",
        }
        return http.post(status_path, params={"limit": 50}, json=body)

    def ingest(http: httpx.Client, rng: random.Random) -> httpx.Response:
        at = FIRST_DAY + timedelta(seconds=rng.randrange(DAYS * 86400))
        batch = [
            {
                "eventId": f"load-{uuid.uuid4().hex}",
                "agent": f"agent{rng.randrange(AGENTS):02d}@load.example",
                "status": rng.choice(STATUSES),
                "timestamp": (at + timedelta(seconds=i)).isoformat(),
            }
            for i in range(20)
        ]
        return http.post(events_path, json=batch)

    def healthz(http: httpx.Client, _: random.Random) -> httpx.Response:
        return http.get("/healthz")

    return {"IntentRealtimeData": intents, "UserStatus": user_status, "ingest": ingest, "healthz": healthz}


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    first_error: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    server_cpu_s: float = 0.0  # CPU the server's processes used during the phase


def run_phase(
    server: ServerProcess,
    token: str,
    mix: tuple[tuple[str, int], ...],
    requests: dict[str, Request],
    clients: int,
    seconds: float,
) -> Samples:
    """`clients` threads, each with its own keep-alive connection, issuing requests drawn from `mix`."""
    base_url = server.base_url
    samples = Samples()
    lock = threading.Lock()
    names = [name for name, _ in mix]
    weights = [weight for _, weight in mix]
    barrier = threading.Barrier(clients + 1)
    deadline: list[float] = [0.0]

    def client(index: int) -> None:
        rng = random.Random(index)
        latencies: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, int] = defaultdict(int)
        first_error = ""
        with httpx.Client(base_url=base_url, headers={"auth": token}, timeout=30) as http:
            barrier.wait()
            while time.perf_counter() < deadline[0]:
                name = rng.choices(names, weights)[0]
                started = time.perf_counter()
                try:
                    response = requests[name](http, rng)
                    ok = response.status_code == 200
                    detail = f"{name}: {response.status_code} {response.text[:200]}"
                except httpx.HTTPError as exc:
                    ok, detail = False, f"{name}: {exc!r}"
                latencies[name].append(time.perf_counter() - started)
                if not ok:
                    errors[name] += 1
                    first_error = first_error or detail
        with lock:
            for name, values in latencies.items():
                samples.latencies[name].extend(values)
            for name, count in errors.items():
                samples.errors[name] += count
            if first_error:
                samples.first_error.append(first_error)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    started, cpu_before = time.perf_counter(), server.cpu_seconds()
    barrier.wait()
    for thread in threads:
        thread.join()
    samples.elapsed_s = time.perf_counter() - started
    samples.server_cpu_s = server.cpu_seconds() - cpu_before
    return samples


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]


def report(phase: str, samples: Samples) -> None:
    for name, values in sorted(samples.latencies.items()):
        print(
            f"{phase:<8} {name:<20} {len(values):>8} {len(values) / samples.elapsed_s:>9.1f} "
            f"{percentile(values, 50):>8.1f} {percentile(values, 99):>8.1f} {samples.errors.get(name, 0):>7}"
        )


def throughput(samples: Samples, name: str) -> float:
    return len(samples.latencies.get(name, [])) / samples.elapsed_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="mixed phase duration")
    parser.add_argument("--baseline-seconds", type=float, default=15, help="healthz-only and intents-only phases")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not (0 < args.seconds <= 600 and 0 < args.baseline_seconds <= 120 and 0 < args.clients <= 256):
        parser.error("bounded run: seconds <= 600, baseline-seconds <= 120, clients <= 256")

    with temporary_postgres_database(PG_URL, "smartassist_bench_load") as url, tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(url, Path(tmp) / "data", ADMIN_TOKEN, secrets.token_urlsafe(32), workers=args.workers)
        with server:
            target = seed(server.base_url)
            requests = requests_for(target)
            print(
                f"phases: mixed {args.seconds:g} s, healthz {args.baseline_seconds:g} s, "
                f"intents {args.baseline_seconds:g} s; {args.clients} clients; server --workers {args.workers}"
            )
            mixed = run_phase(server, target.token, MIX, requests, args.clients, args.seconds)
            bare = run_phase(server, target.token, (("healthz", 1),), requests, args.clients, args.baseline_seconds)
            intents = run_phase(
                server, target.token, (("IntentRealtimeData", 1),), requests, args.clients, args.baseline_seconds
            )

    print(f"\n{'phase':<8} {'route':<20} {'requests':>8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for phase, samples in (("mixed", mixed), ("healthz", bare), ("intents", intents)):
        report(phase, samples)
    errors = sum(s.errors.get(name, 0) for s in (mixed, bare, intents) for name in s.latencies)
    p99 = percentile(mixed.latencies["IntentRealtimeData"], 99) if mixed.latencies["IntentRealtimeData"] else 0.0
    ratio = throughput(intents, "IntentRealtimeData") / max(throughput(bare, "healthz"), 1e-9)
    print(f"\nmixed total: {sum(map(len, mixed.latencies.values())) / mixed.elapsed_s:.1f} req/s")
    print(f"errors: {errors} (target 0) -> {'PASS' if errors == 0 else 'FAIL'}")
    print(f"IntentRealtimeData p99 in the mix: {p99:.1f} ms (target < 250) -> {'PASS' if p99 < 250 else 'MISS'}")
    print(
        f"IntentRealtimeData / healthz throughput: {ratio:.2f} (target >= 0.50) -> {'PASS' if ratio >= 0.5 else 'MISS'}"
    )
    # The clients are one Python process sharing the cores, so a fast route can be bound by them: the
    # server's own CPU per request, from /proc, is printed beside the throughputs.
    print(
        "server CPU per request: "
        + ", ".join(
            f"{name} {1000 * samples.server_cpu_s / max(1, sum(map(len, samples.latencies.values()))):.2f} ms"
            for name, samples in (("mixed", mixed), ("healthz", bare), ("IntentRealtimeData", intents))
        )
    )
    for line in (mixed.first_error + bare.first_error + intents.first_error)[:5]:
        print(f"  first error seen: {line}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
