"""What the in-process benchmarks share: a fresh PostgreSQL database with the app, an account and an app
token, a raw psycopg connection for the bare fetch, and the timing helpers."""

from __future__ import annotations

import os
import secrets
import sys
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
def bench_app(scope: str, prefix: str = "smartassist_bench") -> Iterator[Bench]:
    """A migrated throwaway database `<prefix>_…`, the app over it, an account and an app granted `scope`."""
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
