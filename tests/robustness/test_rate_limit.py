"""Rate limiting on the database backend: per account (the default, as the vendor) or per app; 429 in the error
shape with the vendor's message and Retry-After; shared by all workers."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, func, insert, select

from smartassist.auth import ratelimit
from smartassist.auth.ratelimit import RateLimitWindow, count_in_database
from smartassist.config import Settings
from smartassist.periodic import Every
from tests.robustness.probe import add_probe_route, ping, server_instance
from tests.support.tenants import create_account, create_app
from tests.support.tokens import token

LIMIT = 3
# The vendor's sentence, verbatim (its contact-center rate-limit page).
VENDOR_MSG = "You've exceeded the per-minute rate limit. Please wait for sometime before retrying."
# A window boundary: 1_700_000_040_000 = 28_333_334 * 60_000.
WINDOW = 1_700_000_040_000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"rate_limit_per_minute": LIMIT})


@pytest.fixture
def probe_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(add_probe_route(app), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The limiter's clock, settable by the test: now = clock[0]."""
    now = [WINDOW + 20_500]
    monkeypatch.setattr(ratelimit, "now_ms", lambda: now[0])
    monkeypatch.setattr(ratelimit, "PURGE", Every(ratelimit.PURGE.interval_ms))
    return now


def _window_rows(engine: Engine) -> list[tuple[str, int, int]]:
    with engine.connect() as conn:
        rows = conn.execute(select(RateLimitWindow.subject, RateLimitWindow.window_start, RateLimitWindow.count))
        return [(r[0], r[1], r[2]) for r in rows]


def test_over_the_limit_is_429_in_the_error_shape_with_retry_after(
    probe_client: TestClient, clock: list[int], db_engine: Engine
) -> None:
    app = create_app(probe_client, create_account(probe_client))
    assert [ping(probe_client, app).status_code for _ in range(LIMIT)] == [200, 200, 200]
    limited = ping(probe_client, app)
    assert limited.status_code == 429
    assert limited.json() == {"errors": [{"msg": VENDOR_MSG, "code": 429}]}
    # 20.5 s into the window: 39.5 s left, rounded up to whole seconds.
    assert limited.headers["Retry-After"] == "40"
    assert _window_rows(db_engine) == [(app["accountId"], WINDOW, 4)]  # counted against the account


def test_retry_after_is_at_least_one_second_and_the_next_window_starts_fresh(
    probe_client: TestClient, clock: list[int]
) -> None:
    app = create_app(probe_client, create_account(probe_client))
    clock[0] = WINDOW + 59_950
    for _ in range(LIMIT):
        assert ping(probe_client, app).status_code == 200
    limited = ping(probe_client, app)
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "1")
    clock[0] = WINDOW + 60_000
    assert ping(probe_client, app).status_code == 200


def test_apps_of_one_account_share_the_account_count(probe_client: TestClient, clock: list[int]) -> None:
    """The default scope, as the vendor: "Enforcement level: account"."""
    account = create_account(probe_client)
    first, second = create_app(probe_client, account), create_app(probe_client, account)
    other_account_app = create_app(probe_client, create_account(probe_client, "Globex"))
    assert [ping(probe_client, app).status_code for app in (first, second, first)] == [200, 200, 200]
    assert ping(probe_client, second).status_code == 429
    assert ping(probe_client, first).status_code == 429
    assert ping(probe_client, other_account_app).status_code == 200


@pytest.mark.usefixtures("app")  # empties the tables afterwards
def test_app_scope_gives_each_app_its_own_count(settings: Settings, clock: list[int], db_engine: Engine) -> None:
    with server_instance(settings.model_copy(update={"rate_limit_scope": "app"})) as client:
        account = create_account(client)
        first, second = create_app(client, account), create_app(client, account)
        for _ in range(LIMIT):
            assert ping(client, first).status_code == 200
        limited = ping(client, first)
        assert (limited.status_code, limited.json()["errors"][0]["msg"]) == (429, VENDOR_MSG)
        assert ping(client, second).status_code == 200
    assert sorted(_window_rows(db_engine)) == sorted([(first["clientId"], WINDOW, 4), (second["clientId"], WINDOW, 1)])


def test_scope_setting_reads_account_or_app_and_refuses_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMARTASSIST_RATE_LIMIT_SCOPE", raising=False)
    assert Settings(_env_file=None).rate_limit_scope == "account"  # type: ignore[call-arg]
    monkeypatch.setenv("SMARTASSIST_RATE_LIMIT_SCOPE", "app")
    assert Settings(_env_file=None).rate_limit_scope == "app"  # type: ignore[call-arg]
    monkeypatch.setenv("SMARTASSIST_RATE_LIMIT_SCOPE", "user")
    with pytest.raises(ValidationError, match="rate_limit_scope"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_failed_authentication_is_not_counted(probe_client: TestClient, clock: list[int], db_engine: Engine) -> None:
    app = create_app(probe_client, create_account(probe_client))
    path = f"/probe/accounts/{app['accountId']}/ping"
    forged = token(app, secret="wrong-secret-" + "x" * 32)
    for _ in range(LIMIT + 2):
        assert probe_client.get(path, headers={"auth": forged}).status_code == 401
    # Counted only against the client's address (auth/failed_auth.py, the `fa:` subjects), not the account or app.
    assert [row for row in _window_rows(db_engine) if not row[0].startswith("fa:")] == []
    assert [ping(probe_client, app).status_code for _ in range(LIMIT)] == [200, 200, 200]


def test_two_server_instances_on_one_database_share_the_count(
    probe_client: TestClient, clock: list[int], settings: Settings
) -> None:
    app = create_app(probe_client, create_account(probe_client))
    with server_instance(settings) as other_client:
        assert ping(probe_client, app).status_code == 200
        assert ping(other_client, app).status_code == 200
        assert ping(probe_client, app).status_code == 200
        assert ping(other_client, app).status_code == 429
        assert ping(probe_client, app).status_code == 429


@pytest.mark.usefixtures("app")  # empties the tables afterwards
def test_limit_zero_turns_limiting_off(settings: Settings, db_engine: Engine, clock: list[int]) -> None:
    with server_instance(settings.model_copy(update={"rate_limit_per_minute": 0})) as client:
        app = create_app(client, create_account(client))
        assert [ping(client, app).status_code for _ in range(LIMIT * 3)] == [200] * (LIMIT * 3)
    assert _window_rows(db_engine) == []


def test_windows_older_than_the_previous_one_are_purged(
    probe_client: TestClient, clock: list[int], db_engine: Engine
) -> None:
    app = create_app(probe_client, create_account(probe_client))
    with db_engine.begin() as conn:
        conn.execute(
            insert(RateLimitWindow),
            [
                {"subject": app["accountId"], "window_start": WINDOW - 120_000, "count": 9},
                {"subject": app["accountId"], "window_start": WINDOW - 60_000, "count": 9},
            ],
        )
    assert ping(probe_client, app).status_code == 200
    assert sorted(_window_rows(db_engine)) == [(app["accountId"], WINDOW - 60_000, 9), (app["accountId"], WINDOW, 1)]


@pytest.mark.usefixtures("app")  # empties the tables afterwards
def test_concurrent_increments_are_atomic(db_engine: Engine) -> None:
    """Twenty simultaneous hits of one window each see a distinct count: no lost update."""
    threads_n = 20
    barrier = threading.Barrier(threads_n)
    seen: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        barrier.wait()
        count = count_in_database(db_engine, "cs-concurrent", WINDOW)
        with lock:
            seen.append(count)

    threads = [threading.Thread(target=hit) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, threads_n + 1))
    with db_engine.connect() as conn:
        assert conn.execute(select(func.sum(RateLimitWindow.count))).scalar_one() == threads_n
