"""Every route refuses an oversized body with 413 before reading it, authenticated or not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from smartassist.config import Settings
from tests.support.tenants import ADMIN, create_account

LIMIT = 1000
TOO_LARGE = {"errors": [{"msg": f"request body is larger than {LIMIT} bytes", "code": 413}]}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_body_bytes": LIMIT})


def _chunks(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * 100
        sent += 100


@pytest.mark.parametrize(
    "path",
    [
        "/admin/accounts",
        "/agentassist/api/public/analytics/1.1/account/" + "a" * 24 + "/userstatus",
        "/api/public/bot/st-1/intentrealtimedata",
    ],
)
def test_declared_length_over_the_limit_is_413_without_credentials(client: TestClient, path: str) -> None:
    response = client.post(path, content=b"[" + b" " * LIMIT + b"]", headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert response.headers["X-Request-ID"]


def test_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    response = client.post(
        "/admin/accounts", content=_chunks(LIMIT + 100), headers={**ADMIN, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    assert client.get("/admin/accounts", headers=ADMIN).json() == []


def test_bodies_within_the_limit_pass_declared_or_chunked(client: TestClient) -> None:
    create_account(client, "declared")
    body = b'{"name": "chunked"}'
    response = client.post(
        "/admin/accounts", content=iter([body[:5], body[5:]]), headers={**ADMIN, "Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.text
    assert sorted(a["name"] for a in client.get("/admin/accounts", headers=ADMIN).json()) == ["chunked", "declared"]
