"""The workers' app credentials cache: hits read nothing, entries live at most their TTL, misses are kept and
bounded, and a change made through one worker of a real two-worker server takes effect on all within 1 s."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from smartassist.auth import credentials as credentials_module
from smartassist.auth.credentials import BY_CLIENT_ID, BY_JWE_KID, CredentialStore
from tests.conftest import ADMIN_TOKEN, SERVER_KEY, fresh_database
from tests.server_process import ServerProcess

ROW = ("cs-1", "a" * 24, ["SmartAssist Analytics"], ["HS256"], False, False, "enc", None, None, None)


class CountingReads:
    """Stands in for reads.Reads: answers every query with ROW (or nothing) and counts the queries."""

    def __init__(self, known: bool = True) -> None:
        self.queries: list[tuple[Any, dict[str, Any]]] = []
        self.known = known

    async def rows(self, statement: Any, params: Mapping[str, Any]) -> Sequence[tuple[Any, ...]]:
        self.queries.append((statement, dict(params)))
        return [ROW] if self.known else []


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(credentials_module.time, "monotonic", lambda: now[0])
    return now


@pytest.mark.anyio
async def test_a_hit_reads_nothing_until_the_ttl_has_passed(clock: list[float]) -> None:
    reads = CountingReads()
    store = CredentialStore(reads, ttl_s=1.0)  # type: ignore[arg-type]
    first = await store.lookup(False, "cs-1")
    assert first is not None and first.client_id == "cs-1" and first.scopes == ["SmartAssist Analytics"]
    clock[0] += 0.999
    assert await store.lookup(False, "cs-1") == first
    assert len(reads.queries) == 1
    clock[0] += 0.002  # 1.001 s after the read
    await store.lookup(False, "cs-1")
    assert [(statement, params) for statement, params in reads.queries] == [
        (BY_CLIENT_ID, {"key": "cs-1"}),
        (BY_CLIENT_ID, {"key": "cs-1"}),
    ]


@pytest.mark.anyio
async def test_kid_and_client_id_are_separate_keys_and_misses_are_kept(clock: list[float]) -> None:
    reads = CountingReads(known=False)
    store = CredentialStore(reads, ttl_s=1.0)  # type: ignore[arg-type]
    assert await store.lookup(False, "same") is None
    assert await store.lookup(True, "same") is None
    assert await store.lookup(False, "same") is None
    assert [statement for statement, _ in reads.queries] == [BY_CLIENT_ID, BY_JWE_KID]


@pytest.mark.anyio
async def test_invalidate_and_ttl_zero_read_again(clock: list[float]) -> None:
    reads = CountingReads()
    store = CredentialStore(reads, ttl_s=1.0)  # type: ignore[arg-type]
    await store.lookup(False, "cs-1")
    store.invalidate()
    await store.lookup(False, "cs-1")
    uncached = CredentialStore(reads, ttl_s=0)  # type: ignore[arg-type]
    await uncached.lookup(False, "cs-1")
    await uncached.lookup(False, "cs-1")
    assert len(reads.queries) == 4


@pytest.mark.anyio
async def test_made_up_app_ids_cannot_grow_the_table_without_bound(clock: list[float]) -> None:
    store = CredentialStore(CountingReads(known=False), ttl_s=1.0)  # type: ignore[arg-type]
    for n in range(credentials_module.MAX_ENTRIES + 10):
        await store.lookup(False, f"cs-{n}")
    assert len(store._entries) <= credentials_module.MAX_ENTRIES


@pytest.fixture
def two_workers(backend: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """A real server with two worker processes and the default cache (1 s)."""
    with fresh_database(backend, tmp_path) as url:
        server = ServerProcess(url, tmp_path / "data", ADMIN_TOKEN, SERVER_KEY, workers=2)
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _statuses(base_url: str, token: str, count: int) -> set[int]:
    """Status codes of `count` requests, each on a new connection (so both workers answer some)."""
    path = "/api/public/bot/st-nobot/intentrealtimedata"
    return {httpx.get(base_url + path, headers={"auth": token}, timeout=10).status_code for _ in range(count)}


def test_a_change_through_one_worker_holds_on_every_worker_within_a_second(two_workers: ServerProcess) -> None:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=two_workers.base_url, headers=admin, timeout=10) as http:
        account = http.post("/admin/accounts", json={"name": "Cache"}).json()["accountId"]
        app = http.post(f"/admin/accounts/{account}/apps", json={"name": "c", "scopes": ["SmartAssist Analytics"]})
        client_id, secret = app.json()["clientId"], app.json()["clientSecret"]
        token = jwt.encode({"sub": "t", "appId": client_id}, secret, algorithm="HS256")
        assert _statuses(two_workers.base_url, token, 40) == {404}  # authorized; the bot does not exist

        patched = http.patch(
            f"/admin/accounts/{account}/apps/{client_id}", json={"scopes": ["SmartAssist Data Ingestion"]}
        )
        assert patched.status_code == 200
        time.sleep(1.0)
        assert _statuses(two_workers.base_url, token, 40) == {403}

        deleted = http.delete(f"/admin/accounts/{account}/apps/{client_id}", params={"confirm": "DELETE"})
        assert deleted.status_code == 204
        time.sleep(1.0)
        assert _statuses(two_workers.base_url, token, 40) == {401}
