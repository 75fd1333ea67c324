"""Tokens remembered as genuine (auth/genuine.py): not verified again while their app's credentials snapshot is
the store's, yet their time claims and the previous secret's grace are checked on every use, and a change
of the app (through this worker at once, behind its back within the credentials cache's second) ends them."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, update

from smartassist.apps.models import App
from smartassist.auth import credentials as credentials_module
from smartassist.auth import deps
from smartassist.auth import tokens as tokens_module
from smartassist.auth.credentials import StoredCredentials
from smartassist.auth.genuine import GenuineTokens
from smartassist.auth.tokens import Genuine, Presented
from smartassist.config import Settings
from tests.auth.helpers import World
from tests.support.tenants import ADMIN
from tests.support.tokens import token


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """As the server runs: credentials remembered for a second (tests/conftest.py's read them every time)."""
    return settings.model_copy(update={"credentials_cache_seconds": 1.0})


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """One clock (seconds) for the credentials cache's TTL and the token checks' "now"."""
    now = [time.time()]
    monkeypatch.setattr(credentials_module.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(tokens_module, "now_ms", lambda: int(now[0] * 1000))
    return now


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    real = deps.verify_signature
    monkeypatch.setattr(deps, "verify_signature", lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


def status(client: TestClient, world: World, tok: str) -> tuple[int, str]:
    response = client.get(world.path, headers={"auth": tok})
    return response.status_code, response.json().get("errors", [{"msg": ""}])[0]["msg"]


def test_a_remembered_token_is_verified_once_and_its_exp_checked_every_time(
    client: TestClient, clock: list[float], verifications: list[Any]
) -> None:
    world = World(client)
    clock[0] = int(clock[0]) + 0.5  # so exp + leeway (whole seconds) falls 0.5 s ahead, whatever the time now
    tok = token(world.plain, exp=int(clock[0]) - 29)  # expired, but inside the 30 s leeway
    assert [status(client, world, tok)[0] for _ in range(3)] == [200, 200, 200]
    assert len(verifications) == 1
    clock[0] += 0.9  # within the credentials' second: still remembered, but now past exp + leeway
    assert status(client, world, tok) == (401, "token expired")
    assert len(verifications) == 1


def test_an_app_deleted_behind_the_workers_back_refuses_its_token_within_a_second(
    client: TestClient, db_engine: Engine, clock: list[float], verifications: list[Any]
) -> None:
    world = World(client)
    tok = token(world.plain)
    assert status(client, world, tok)[0] == 200
    with db_engine.begin() as conn:
        conn.execute(delete(App).where(App.client_id == world.plain["clientId"]))
    clock[0] += 0.5
    assert status(client, world, tok)[0] == 200  # the credentials cache's documented second
    clock[0] += 0.51
    assert status(client, world, tok) == (401, "appId does not name an app")
    assert len(verifications) == 2


def test_a_rotation_through_this_worker_refuses_the_remembered_token_at_once(
    client: TestClient, clock: list[float]
) -> None:
    world = World(client)
    old = token(world.plain)
    assert status(client, world, old)[0] == 200
    rotated = client.post(
        f"/admin/accounts/{world.account}/apps/{world.plain['clientId']}/rotate-secret",
        json={"graceSeconds": 0},
        headers=ADMIN,
    )
    assert rotated.status_code == 200
    assert status(client, world, old) == (401, "token signature invalid")
    assert status(client, world, token(world.plain, secret=rotated.json()["clientSecret"]))[0] == 200


def test_the_previous_secrets_grace_is_checked_on_every_use(
    client: TestClient, db_engine: Engine, clock: list[float], verifications: list[Any]
) -> None:
    world = World(client)
    old = token(world.plain)
    rotated = client.post(
        f"/admin/accounts/{world.account}/apps/{world.plain['clientId']}/rotate-secret",
        json={"graceSeconds": 600},
        headers=ADMIN,
    )
    assert rotated.status_code == 200
    with db_engine.begin() as conn:  # the grace ends half a second from now (the store has read nothing yet)
        conn.execute(
            update(App)
            .where(App.client_id == world.plain["clientId"])
            .values(previous_secret_until=int(clock[0] * 1000) + 500)
        )
    assert status(client, world, old)[0] == 200
    clock[0] += 0.6  # the same credentials snapshot, the grace over
    assert status(client, world, old) == (401, "token signature invalid")
    assert len(verifications) == 1


def test_the_table_is_bounded() -> None:
    app = StoredCredentials("cs-1", "a" * 24, [], ["HS256"], False, False, "enc", None, None, None)
    genuine = Genuine(app, {"appId": "cs-1"}, True)
    table = GenuineTokens(max_entries=2)
    for name in ("t1", "t2", "t3"):
        table.remember(name, Presented(name, False, "cs-1"), genuine)
    assert [table.get(name) is not None for name in ("t1", "t2", "t3")] == [False, False, True]
