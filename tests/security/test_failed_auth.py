"""Failed authentications per client address (auth/failed_auth.py): 429 beyond the limit, before the token is
verified (no JWE decryption, no database read), and only 401s count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from smartassist.app import create_app
from smartassist.auth import deps, failed_auth
from smartassist.auth.failed_auth import FailedAuthLimiter, subject_of
from smartassist.auth.ratelimit import WINDOW_MS
from smartassist.config import Settings
from smartassist.errors import ApiError
from tests.support.tenants import ANALYTICS, create_account
from tests.support.tenants import create_app as create_client_app
from tests.support.tokens import token

URL = "/api/public/bot/st-1/intentrealtimedata"


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    application = create_app(settings.model_copy(update={"failed_auth_per_minute": 3}))
    assert application.state.failed_auth.per_minute == 3
    with TestClient(application, raise_server_exceptions=False) as test_client:
        yield test_client
    application.state.runtime.dispose()


@pytest.fixture(autouse=True)
def _emptied(app: FastAPI) -> None:
    """The shared `app` fixture empties the tables after each test (its teardown)."""


def test_over_the_limit_is_429_before_the_token_is_verified(
    limited: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = create_account(limited)
    app = create_client_app(limited, account, scopes=[ANALYTICS])
    good = {"auth": token(app)}
    assert limited.get(URL, headers=good).status_code == 404  # authenticated: the bot does not exist
    for _ in range(3):
        assert limited.get(URL, headers={"auth": token(app, secret="wrong" * 8)}).status_code == 401
    calls: list[Any] = []
    real = deps.verify_signature
    monkeypatch.setattr(deps, "verify_signature", lambda *a, **k: calls.append(a) or real(*a, **k))
    # a genuine token this worker has not verified yet (a verified one would be remembered: auth/genuine.py)
    response = limited.get(URL, headers={"auth": token(app, sub="not-yet-verified")})
    assert response.status_code == 429 and response.json()["errors"][0]["code"] == 429
    assert calls == []
    assert limited.get(URL, headers=good).status_code == 429  # remembered as genuine, refused all the same


def test_forbidden_scopes_do_not_count(limited: TestClient) -> None:
    account = create_account(limited)
    app = create_client_app(limited, account, scopes=["SmartAssist Data Ingestion"])
    for _ in range(5):
        assert limited.get(URL, headers={"auth": token(app)}).status_code == 403


def test_the_window_and_the_address_table_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0]
    counts: Counter[tuple[str, int]] = Counter()

    def count(subject: str, window_start: int) -> int:
        counts[subject, window_start] += 1
        return counts[subject, window_start]

    limiter = FailedAuthLimiter(2, count, clock=lambda: now[0])
    limiter.failed("a")
    limiter.check("a")
    limiter.failed("a")
    with pytest.raises(ApiError, match="too many failed authentications") as refused:
        limiter.check("a")
    assert refused.value.headers == {"Retry-After": "60"}
    limiter.check("b")
    now[0] += WINDOW_MS  # the next minute: a new count
    limiter.check("a")
    assert {subject for subject, _ in counts} == {subject_of("a")} and len(subject_of("::1" * 13)) <= 40
    monkeypatch.setattr(failed_auth, "MAX_ADDRESSES", 3)
    for n in range(5):
        limiter.failed(f"x{n}")
        limiter.failed(f"x{n}")
    assert list(limiter._blocked) == ["x2", "x3", "x4"]
    off = FailedAuthLimiter(0, count)
    for _ in range(10):
        off.failed("c")
    off.check("c")
    assert not any(subject == subject_of("c") for subject, _ in counts)
