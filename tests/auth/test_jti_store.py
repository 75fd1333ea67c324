"""The jti store: single use under real concurrency (threads through the app, and separate processes
each with its own engine), stale rows replaced, expired rows purged without reopening a live jti."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.synchronize import Barrier
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select

from smartassist.accounts.models import Account
from smartassist.apps.models import App
from smartassist.auth import jti as jti_store
from smartassist.auth.credentials import BY_CLIENT_ID, StoredCredentials
from smartassist.auth.errors import AuthFailure
from smartassist.auth.models import UsedJti
from smartassist.auth.tokens import present, verify_token
from smartassist.crypto import SecretBox
from smartassist.db import make_engine
from smartassist.periodic import Every
from tests.auth.helpers import World
from tests.conftest import SERVER_KEY
from tests.support.tokens import jti_claims, jwe_token, token

THREADS = 8
PROCESSES = 4
ROUNDS = 3


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(UsedJti)) or 0)


def _race(client: TestClient, path: str, tok: str) -> list[tuple[int, str]]:
    """THREADS requests with one token released at the same instant; (status, msg or "") each."""
    barrier = threading.Barrier(THREADS)

    def send(_: int) -> tuple[int, str]:
        barrier.wait(timeout=30)
        response = client.get(path, headers={"auth": tok})
        body = response.json()
        return response.status_code, body["errors"][0]["msg"] if "errors" in body else ""

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(send, range(THREADS)))


@pytest.mark.parametrize("mode", ["jws", "jwe"])
def test_threads_racing_one_token_exactly_one_wins(client: TestClient, db_engine: Engine, mode: str) -> None:
    world = World(client)
    app = world.jti if mode == "jws" else world.jwe_jti
    make: Callable[[], str] = (
        (lambda: token(app, **jti_claims())) if mode == "jws" else (lambda: jwe_token(app, token(app, **jti_claims())))
    )
    for _ in range(ROUNDS):
        results = _race(client, world.path, make())
        assert sorted(results) == [(200, "")] + [(401, "error verifying the jwt: possibly a replay")] * (THREADS - 1)
    assert _count(db_engine) == ROUNDS


def _process_worker(url: str, tok: str, barrier: Barrier, results: Any) -> None:
    """One "server process": its own engine and autocommit connection, verifying and claiming (as
    require_app does) after all are ready."""
    engine = make_engine(url)
    try:
        # Connected before the barrier, so the race is on the insert.
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
            barrier.wait(timeout=60)
            try:
                presented = present(tok, max_bytes=8192)
                row = connection.execute(BY_CLIENT_ID, {"key": presented.key}).first()
                stored = None if row is None else StoredCredentials(*row)
                verified = verify_token(presented, stored, SecretBox(SERVER_KEY), leeway_s=30)
                assert verified.jti is not None
                jti_store.claim_jti(
                    connection, verified.app.client_id, verified.jti, verified.jti_expires_at, int(time.time() * 1000)
                )
                results.put("ok")
            except AuthFailure as exc:
                results.put(exc.reason)
    finally:
        engine.dispose()


def test_processes_racing_one_token_exactly_one_wins(client: TestClient, database_url: str, db_engine: Engine) -> None:
    world = World(client)
    tok = token(world.jti, **jti_claims())
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    workers = [
        ctx.Process(target=_process_worker, args=(database_url, tok, barrier, results)) for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    outcomes = sorted(results.get(timeout=5) for _ in range(PROCESSES))
    assert outcomes == ["jti_replayed"] * (PROCESSES - 1) + ["ok"]
    assert _count(db_engine) == 1


APP_ID = "cs-a"  # the app the store tests' rows belong to (used jtis reference their app)


@pytest.fixture
def store(app: FastAPI, db_engine: Engine) -> Engine:
    """The database engine with an app APP_ID, and the app fixture's clean-up of every table after the test."""
    with db_engine.begin() as conn:
        conn.execute(insert(Account).values(id="a" * 24, name="store", created_at=0))
        conn.execute(
            insert(App).values(
                client_id=APP_ID,
                account_id="a" * 24,
                name="store",
                scopes=[],
                algorithms=["HS256"],
                enforce_jti=True,
                enforce_jwe=False,
                secret_enc="",
                created_at=0,
                updated_at=0,
            )
        )
    return db_engine


def _now() -> int:
    return int(time.time() * 1000)


def _insert(engine: Engine, client_id: str, jti: str, expires_at: int) -> None:
    with engine.begin() as conn:
        conn.execute(insert(UsedJti).values(client_id=client_id, jti=jti, expires_at=expires_at))


def test_purge_deletes_only_rows_past_the_keep_window(store: Engine) -> None:
    now = _now()
    keep = jti_store.KEEP_AFTER_EXPIRY_MS
    _insert(store, APP_ID, "long-gone", now - keep - 1)
    _insert(store, APP_ID, "just-expired", now - 1000)  # kept: a slower clock still accepts it
    _insert(store, APP_ID, "live", now + 600_000)
    with store.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        assert jti_store.purge_expired(connection, now) == 1
    with store.connect() as conn:
        assert sorted(conn.scalars(select(UsedJti.jti))) == ["just-expired", "live"]


def test_live_jti_stays_used_after_a_purge(store: Engine) -> None:
    now = _now()
    with store.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        jti_store.claim_jti(connection, APP_ID, "j1", now + 600_000, now)
        jti_store.purge_expired(connection, now)
        with pytest.raises(AuthFailure) as refused:
            jti_store.claim_jti(connection, APP_ID, "j1", now + 600_000, now)
    assert refused.value.reason == "jti_replayed"


def test_stale_row_is_replaced_but_a_recent_one_is_not(store: Engine) -> None:
    """A jti value may come back in a new token once the old token is long expired, not before."""
    now = _now()
    _insert(store, APP_ID, "old", now - jti_store.KEEP_AFTER_EXPIRY_MS - 1)
    _insert(store, APP_ID, "recent", now - 1000)
    with store.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        jti_store.claim_jti(connection, APP_ID, "old", now + 600_000, now)
        with pytest.raises(AuthFailure):
            jti_store.claim_jti(connection, APP_ID, "recent", now + 600_000, now)
        with pytest.raises(AuthFailure):
            jti_store.claim_jti(connection, APP_ID, "old", now + 600_000, now)
    with store.connect() as conn:
        rows = {row.jti: row.expires_at for row in conn.execute(select(UsedJti.jti, UsedJti.expires_at))}
    assert rows == {"old": now + 600_000, "recent": now - 1000}


def test_requests_purge_expired_rows(client: TestClient, db_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The purge is wired into the request path (at most once a minute per process)."""
    monkeypatch.setattr(jti_store, "PURGE", Every(jti_store.PURGE.interval_ms))
    world = World(client)
    _insert(db_engine, world.jti["clientId"], "ancient", _now() - 3_600_000)
    response = client.get(world.path, headers={"auth": token(world.jti, **jti_claims())})
    assert response.status_code == 200
    with db_engine.connect() as conn:
        assert list(conn.scalars(select(UsedJti.jti))) != ["ancient"]
        assert conn.scalar(select(func.count()).where(UsedJti.jti == "ancient")) == 0
    assert _count(db_engine) == 1


def test_stored_expiry_is_exp_plus_leeway(client: TestClient, db_engine: Engine) -> None:
    world = World(client)
    claims = jti_claims(ttl=900)
    assert client.get(world.path, headers={"auth": token(world.jti, **claims)}).status_code == 200
    with db_engine.connect() as conn:
        stored = conn.scalar(select(UsedJti.expires_at))
    assert stored == (claims["exp"] + 30) * 1000
