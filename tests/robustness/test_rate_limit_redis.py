"""Rate limiting on the Redis backend (SMARTASSIST_REDIS_URL): same contract (per account by default, or per
app), no database rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from smartassist.auth import ratelimit
from smartassist.auth.ratelimit import RateLimitWindow
from smartassist.config import Settings
from tests.robustness.probe import add_probe_route, ping, server_instance
from tests.support.tenants import create_account, create_app

REDIS_URL = "redis://127.0.0.1:6379/0"
LIMIT = 2
WINDOW = 1_700_000_040_000  # a window boundary (28_333_334 * 60_000)


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc!r}")
    return client


@pytest.fixture
def redis_client() -> redis.Redis:
    return _redis_or_skip()


@pytest.fixture
def settings(settings: Settings, redis_client: redis.Redis) -> Settings:
    return settings.model_copy(update={"rate_limit_per_minute": LIMIT, "redis_url": REDIS_URL})


@pytest.fixture
def probe_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(add_probe_route(app), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "now_ms", lambda: WINDOW + 30_000)


def test_redis_counts_per_account_and_window_with_an_expiry(
    probe_client: TestClient, redis_client: redis.Redis, db_engine: Engine
) -> None:
    account = create_account(probe_client)
    app, sibling = create_app(probe_client, account), create_app(probe_client, account)
    assert [ping(probe_client, app).status_code, ping(probe_client, sibling).status_code] == [200, 200]
    limited = ping(probe_client, app)
    assert limited.status_code == 429
    assert limited.json() == {
        "errors": [
            {"msg": "You've exceeded the per-minute rate limit. Please wait for sometime before retrying.", "code": 429}
        ]
    }
    assert limited.headers["Retry-After"] == "30"
    key = f"smartassist:ratelimit:{account}:{WINDOW}"
    assert redis_client.get(key) == b"3"
    assert 0 < redis_client.ttl(key) <= 120  # type: ignore[operator]
    with db_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(RateLimitWindow)).scalar_one() == 0
    redis_client.delete(key)


@pytest.mark.usefixtures("app")  # empties the tables afterwards
def test_redis_app_scope_counts_each_app(settings: Settings, redis_client: redis.Redis) -> None:
    with server_instance(settings.model_copy(update={"rate_limit_scope": "app"})) as client:
        account = create_account(client)
        app, sibling = create_app(client, account), create_app(client, account)
        keys = [f"smartassist:ratelimit:{a['clientId']}:{WINDOW}" for a in (app, sibling)]
        try:
            assert [ping(client, app).status_code for _ in range(LIMIT + 1)] == [200, 200, 429]
            assert ping(client, sibling).status_code == 200
            assert [redis_client.get(key) for key in keys] == [b"3", b"1"]
            assert redis_client.get(f"smartassist:ratelimit:{account}:{WINDOW}") is None
        finally:
            redis_client.delete(*keys)


def test_two_server_instances_share_the_redis_count(
    probe_client: TestClient, settings: Settings, redis_client: redis.Redis
) -> None:
    app = create_app(probe_client, create_account(probe_client))
    try:
        with server_instance(settings) as other_client:
            assert ping(probe_client, app).status_code == 200
            assert ping(other_client, app).status_code == 200
            assert ping(probe_client, app).status_code == 429
            assert ping(other_client, app).status_code == 429
    finally:
        redis_client.delete(f"smartassist:ratelimit:{app['accountId']}:{WINDOW}")


@pytest.mark.usefixtures("app")  # empties the tables afterwards
def test_unreachable_redis_fails_open(settings: Settings) -> None:
    """The limiter must not take the API down with it: requests pass, nothing is a 500."""
    closed_port = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with server_instance(closed_port) as client:
        app = create_app(client, create_account(client))
        assert [ping(client, app).status_code for _ in range(LIMIT + 2)] == [200] * (LIMIT + 2)
