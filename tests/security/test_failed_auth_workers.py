"""Failed authentications are counted per client address across worker processes (`serve --workers 2`): the
count lives where the rate limiter's does, so an address gets the limit's worth of failures per minute, not
that many per worker."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, SERVER_KEY, fresh_database
from tests.server_process import ServerProcess
from tests.support.tenants import ANALYTICS, create_account, create_app
from tests.support.tokens import token

URL = "/api/public/bot/st-1/intentrealtimedata"
LIMIT = 4
WORKERS = 2
CONNECTIONS = 16  # kept-alive connections, opened at once so that both workers accept some


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    with fresh_database(request.param, tmp_path) as url:
        process = ServerProcess(
            url,
            tmp_path / "data",
            ADMIN_TOKEN,
            SERVER_KEY,
            workers=WORKERS,
            extra_env={"SMARTASSIST_FAILED_AUTH_PER_MINUTE": str(LIMIT)},
        )
        process.start()
        try:
            yield process
        finally:
            process.stop()


def test_the_failed_authentication_limit_holds_across_workers(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        account = create_account(http)
        app = create_app(http, account, scopes=[ANALYTICS])
    if time.time() % 60 > 45:  # the count is per UTC minute: don't straddle one
        time.sleep(61 - time.time() % 60)
    clients = [httpx.Client(base_url=server.base_url, timeout=30) for _ in range(CONNECTIONS)]
    try:
        for client in clients:  # open every connection (the workers accept them as they come)
            assert client.get("/healthz").status_code == 200
        bad = {"auth": token(app, secret="wrong" * 8)}
        statuses = [clients[n % CONNECTIONS].get(URL, headers=bad).status_code for n in range(4 * CONNECTIONS)]
        good = [client.get(URL, headers={"auth": token(app)}).status_code for client in clients]
    finally:
        for client in clients:
            client.close()
    failures = statuses.count(401)
    assert statuses[:LIMIT] == [401] * LIMIT, statuses
    # Each worker learns of the block from its own first failure past the limit: at most one more per other worker,
    # whenever that worker's first request after the limit comes (the kernel picks which worker takes a connection).
    assert LIMIT <= failures <= LIMIT + WORKERS - 1, statuses
    assert set(statuses) == {401, 429}, statuses
    assert set(good) == {429}, good  # the address is blocked in every worker, also for a valid token
