"""Failed authentications per client address (auth/failed_auth.py): 429 beyond the limit, before the token is
verified (no JWE decryption, no database read), and only 401s count."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from smartassist.app import create_app
from smartassist.auth import deps
from smartassist.auth.failed_auth import WINDOW_S, FailedAuthLimiter
from smartassist.config import Settings
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


def test_the_window_and_the_address_table_are_bounded() -> None:
    now = [0.0]
    limiter = FailedAuthLimiter(2, clock=lambda: now[0])
    limiter.failed("a")
    limiter.failed("a")
    with pytest.raises(Exception, match="too many failed authentications"):
        limiter.check("a")
    limiter.check("b")
    now[0] += WINDOW_S
    limiter.check("a")
    off = FailedAuthLimiter(0)
    for _ in range(10):
        off.failed("a")
    off.check("a")
