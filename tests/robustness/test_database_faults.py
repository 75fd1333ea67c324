"""The database connection drops under a running server: 503 in the contract's shape, never 500,
/readyz tells the truth, and the server recovers by itself once the database is back."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import Engine

from tests.robustness.conftest import allow_connections, database_name, terminate_backends
from tests.server_process import ServerProcess
from tests.support.tenants import ADMIN, ANALYTICS
from tests.support.tokens import token

pytestmark = pytest.mark.postgres_only

UNAVAILABLE = {"errors": [{"msg": "database unavailable, retry shortly", "code": 503}]}


def _assert_ok_or_unavailable(response: httpx.Response, ok: int) -> None:
    assert response.status_code in (ok, 503), (response.status_code, response.text)
    if response.status_code == 503:
        assert response.json() == UNAVAILABLE
        assert response.headers["Retry-After"] == "1"


def test_terminated_connections_are_replaced_without_a_failed_request(server: ServerProcess, pg_admin: Engine) -> None:
    with httpx.Client(base_url=server.base_url, headers=ADMIN, timeout=10) as http:
        account = http.post("/admin/accounts", json={"name": "Before"}).json()["accountId"]
        assert terminate_backends(pg_admin, database_name(server.database_url)) >= 1
        # The pool's checkout check notices the dead pooled connection and opens a new one before using it.
        response = http.get(f"/admin/accounts/{account}")
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Before"
        assert http.get("/readyz").status_code == 200


def test_connections_killed_mid_traffic_give_503_or_success_and_nothing_acknowledged_is_lost(
    server: ServerProcess, pg_admin: Engine
) -> None:
    database = database_name(server.database_url)
    created: list[str] = []
    failures: list[str] = []
    statuses: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client_loop(worker: int) -> None:
        with httpx.Client(base_url=server.base_url, headers=ADMIN, timeout=10) as http:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    response = http.post("/admin/accounts", json={"name": f"w{worker}-{n}"})
                    _assert_ok_or_unavailable(response, 201)
                    listing = http.get("/admin/accounts")
                    _assert_ok_or_unavailable(listing, 200)
                except (AssertionError, httpx.HTTPError) as exc:
                    with lock:
                        failures.append(repr(exc))
                    return
                with lock:
                    statuses.extend([response.status_code, listing.status_code])
                    if response.status_code == 201:
                        created.append(response.json()["accountId"])

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(8):
            time.sleep(0.15)
            terminate_backends(pg_admin, database)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert failures == [], f"{failures[:3]}\n{server.log_tail()}"
    assert 500 not in statuses and statuses.count(201) >= 4
    with httpx.Client(base_url=server.base_url, headers=ADMIN, timeout=10) as http:
        listing = http.get("/admin/accounts")
        assert listing.status_code == 200
        stored = {account["accountId"] for account in listing.json()}
    assert set(created) <= stored


def test_unreachable_database_gives_503_and_not_ready_then_recovers_without_restart(
    server: ServerProcess, pg_admin: Engine
) -> None:
    database = database_name(server.database_url)
    with httpx.Client(base_url=server.base_url, headers=ADMIN, timeout=10) as http:
        account = http.post("/admin/accounts", json={"name": "Survivor"}).json()["accountId"]
        allow_connections(pg_admin, database, False)
        try:
            terminate_backends(pg_admin, database)
            for _ in range(3):
                down = http.get(f"/admin/accounts/{account}")
                assert down.status_code == 503, down.text
                assert down.json() == UNAVAILABLE
                assert down.headers["Retry-After"] == "1"
            write = http.post("/admin/accounts", json={"name": "Lost"})
            assert (write.status_code, write.json()) == (503, UNAVAILABLE)
            ready = http.get("/readyz")
            assert (ready.status_code, ready.json()) == (503, {"status": "unavailable", "database": "unreachable"})
            assert http.get("/healthz").status_code == 200
        finally:
            allow_connections(pg_admin, database, True)
        assert http.get("/readyz").status_code == 200
        response = http.get(f"/admin/accounts/{account}")
        assert (response.status_code, response.json()["name"]) == (200, "Survivor")
        names = sorted(a["name"] for a in http.get("/admin/accounts").json())
        assert names == ["Survivor"]


def test_the_async_read_pool_replaces_terminated_connections(server: ServerProcess, pg_admin: Engine) -> None:
    """The hot path's reads (token check, IntentRealtimeData) go through reads.Reads' own async pool: its dead
    connections must be replaced too, not handed out again until every request times out."""
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        account = http.post("/admin/accounts", json={"name": "Reader"}, headers=ADMIN).json()["accountId"]
        app = http.post(
            f"/admin/accounts/{account}/apps", json={"name": "r", "scopes": [ANALYTICS]}, headers=ADMIN
        ).json()
        path = "/api/public/bot/st-unknown/intentrealtimedata"
        headers = {"auth": token(app)}
        # Enough requests at once that the pool holds several connections, all of them to be killed.
        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(lambda _: http.get(path, headers=headers).status_code, range(32))) == {404}
        assert terminate_backends(pg_admin, database_name(server.database_url)) >= 2
        time.sleep(1.1)  # past the credentials' one-second memory: the token check reads through the pool
        started = time.monotonic()
        statuses = [http.get(path, headers=headers).status_code for _ in range(20)]
        assert set(statuses) <= {404, 503} and statuses[-10:] == [404] * 10, statuses
        assert time.monotonic() - started < 5, "a dead connection was handed out again (pool timeouts)"
