"""A token check's write (an Enforce-JTI app's jti) that waits for a lock waits in a thread: the worker's
other requests are served meanwhile, since the event loop is not held."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient

from smartassist import migrate
from smartassist.app import create_app
from smartassist.config import Settings
from tests.auth.helpers import World
from tests.conftest import ADMIN_TOKEN, SERVER_KEY
from tests.support.tokens import jti_claims, token

LOCK_S = 1.0


def test_a_jti_claim_waiting_for_sqlites_write_lock_does_not_hold_other_requests(tmp_path: Path) -> None:
    database = tmp_path / "locked.db"
    migrate.upgrade(f"sqlite:///{database}")
    app = create_app(
        Settings(
            database_url=f"sqlite:///{database}",
            admin_token=ADMIN_TOKEN,
            secret_key=SERVER_KEY,
            data_dir=tmp_path / "data",
        )
    )
    path = "/api/public/bot/st-missing/intentrealtimedata"  # authenticated first, then 404
    with TestClient(app, raise_server_exceptions=False) as client:
        world = World(client)
        jti_app, plain = world.jti, world.plain
        timings: dict[str, tuple[int, float]] = {}

        def jti_request() -> None:
            began = time.perf_counter()
            response = client.get(path, headers={"auth": token(jti_app, **jti_claims())})
            timings["jti"] = (response.status_code, time.perf_counter() - began)

        locker = sqlite3.connect(database, timeout=30)
        locker.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's write lock
        claimer = threading.Thread(target=jti_request)
        claimer.start()
        time.sleep(0.3)  # the jti claim is waiting for the lock by now
        began = time.perf_counter()
        other = client.get(path, headers={"auth": token(plain)})
        timings["other"] = (other.status_code, time.perf_counter() - began)
        time.sleep(max(0.0, LOCK_S - 0.3 - timings["other"][1]))
        locker.rollback()
        locker.close()
        claimer.join(timeout=30)

    assert timings["other"][0] == 404 and timings["other"][1] < LOCK_S / 2, timings
    assert timings["jti"][0] == 404 and timings["jti"][1] >= LOCK_S * 0.9, timings  # it did wait for the lock
