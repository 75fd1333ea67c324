"""SIGKILL the server in the middle of a stream of ingest batches: after a restart every acknowledged
batch is fully stored and every other batch is either fully stored or fully absent — never half."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.server_process import ServerProcess
from tests.support.tenants import ADMIN

pytestmark = pytest.mark.postgres_only

AGENTS = [f"agent{i}@kill.example" for i in range(5)]
EVENTS_PER_BATCH = 300
SENDERS = 3
START = datetime(2024, 3, 1, tzinfo=UTC)


def _batch(sender: int, n: int) -> list[dict[str, Any]]:
    base = START + timedelta(hours=sender * 1000 + n)
    return [
        {
            "eventId": f"s{sender}-b{n}-e{j}",
            "agent": AGENTS[j % len(AGENTS)],
            "status": ("Available", "Busy", "Away")[j % 3],
            "timestamp": (base + timedelta(seconds=j)).isoformat(),
        }
        for j in range(EVENTS_PER_BATCH)
    ]


def _stored_per_batch(database_url: str) -> Counter[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            ids = conn.execute(text("SELECT event_id FROM agent_status_events")).scalars().all()
    finally:
        engine.dispose()
    return Counter(event_id.rsplit("-e", 1)[0] for event_id in ids)


def test_sigkill_mid_stream_leaves_only_whole_batches(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.base_url, headers=ADMIN, timeout=10) as http:
        account = http.post("/admin/accounts", json={"name": "Killed"}).json()["accountId"]
        agents = [{"email": email, "firstName": "A", "lastName": str(i)} for i, email in enumerate(AGENTS)]
        assert http.put(f"/ingest/accounts/{account}/agents", json=agents).status_code == 200
    path = f"/ingest/accounts/{account}/agent-status-events"
    acknowledged: set[str] = set()
    sent: dict[str, list[dict[str, Any]]] = {}
    bad_statuses: list[int] = []
    lock = threading.Lock()

    def sender(index: int) -> None:
        with httpx.Client(base_url=server.base_url, headers=ADMIN, timeout=10) as http:
            for n in range(10_000):
                name, batch = f"s{index}-b{n}", _batch(index, n)
                with lock:
                    sent[name] = batch
                try:
                    response = http.post(path, json=batch)
                except httpx.HTTPError:
                    return  # the server is gone: this batch's fate is unknown
                with lock:
                    if response.status_code == 200:
                        acknowledged.add(name)
                    else:
                        bad_statuses.append(response.status_code)
                        return

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    time.sleep(random.uniform(0.8, 2.0))
    server.kill()
    for thread in threads:
        thread.join(timeout=30)
    assert bad_statuses == []
    assert acknowledged, "no batch was acknowledged before the kill: the stream never got going"

    server.start()
    stored = _stored_per_batch(server.database_url)
    half_written = {name: count for name, count in stored.items() if count != EVENTS_PER_BATCH}
    assert half_written == {}
    assert acknowledged <= set(stored), f"acknowledged but lost: {sorted(acknowledged - set(stored))}"
    assert set(stored) <= set(sent)

    # Retrying every batch is safe: stored ones come back as duplicates, the rest are accepted whole.
    with httpx.Client(base_url=server.base_url, headers=ADMIN, timeout=30) as http:
        for name, batch in sorted(sent.items()):
            response = http.post(path, json=batch)
            assert response.status_code == 200, response.text
            expected = (
                {"accepted": 0, "duplicates": EVENTS_PER_BATCH}
                if name in stored
                else {"accepted": EVENTS_PER_BATCH, "duplicates": 0}
            )
            assert response.json() == expected, name
    assert set(_stored_per_batch(server.database_url).values()) == {EVENTS_PER_BATCH}
