"""A real server under more concurrent requests than its connection pool and thread limit: every request is
served (none waits on a connection held by a request that is itself waiting); then the data reads back, a
small UserStatus page whole, a large one in chunks."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.server_process import ServerProcess
from tests.support.tenants import ADMIN, create_account, create_app
from tests.support.tokens import token

pytestmark = pytest.mark.postgres_only

REQUESTS = 60  # a worker pools 30 connections and runs routes in 4 threads
EVENTS_PER_BATCH = 10


def test_more_concurrent_ingest_batches_than_pooled_connections_all_succeed(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        account = create_account(http)
        app = create_app(http, account)
        agents = http.put(
            f"/ingest/accounts/{account}/agents",
            headers=ADMIN,
            json=[{"email": "a@x.com", "firstName": "A", "lastName": "B"}],
        )
        assert agents.status_code == 200, agents.text
    auth = {"auth": token(app)}
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(REQUESTS)

    def post(batch: int) -> None:
        events = [
            {
                "eventId": f"e-{batch}-{n}",
                "agent": "a@x.com",
                "status": "Busy",
                "timestamp": f"2024-03-01T10:{batch:02d}:{n:02d}Z",
            }
            for n in range(EVENTS_PER_BATCH)
        ]
        with httpx.Client(base_url=server.base_url, timeout=60) as http:
            barrier.wait(timeout=30)
            response = http.post(f"/ingest/accounts/{account}/agent-status-events", json=events, headers=auth)
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(batch,)) for batch in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert statuses == [200] * REQUESTS, f"{sorted(set(statuses))}\n{server.log_tail()}"

    # Everything landed: one agent Busy from 10:00:00 on, every second of the hour bucket 10:00-11:00; a small
    # page comes with its Content-Length.
    path = f"/agentassist/api/public/analytics/account/{account}/userstatus"
    hour = {
        "filter": {"dateFilter": {"startDate": "2024-03-01T10:00:00Z", "endDate": "2024-03-01T11:00:00Z"}},
        "granularity": "PT1H",
    }
    # Three days by the minute: 4320 buckets of ~290 bytes, over a megabyte, so sent in chunks.
    minutes = {
        "filter": {"dateFilter": {"startDate": "2024-03-01T10:00:00Z", "endDate": "2024-03-04T10:00:00Z"}},
        "granularity": 1,
    }
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        small = http.post(path, json=hour, headers=auth)
        large = http.post(path, json=minutes, headers=auth)
    busy = [
        {"metric": "AgentStatus", "value": "Busy", "stats": {"sum": "3600 sec"}},
        {"metric": "AgentState", "value": "Busy:Idle", "stats": {"sum": "3600 sec"}},
        {"metric": "AgentState", "value": "BUSY:Interacting", "stats": {"sum": "0 sec"}},
    ]
    assert small.status_code == 200, small.text
    assert int(small.headers["content-length"]) == len(small.content)
    assert [bucket["status"] for bucket in small.json()["data"][0]["timeInterval"]] == [busy]
    assert large.status_code == 200, large.text[:300]
    assert large.headers["transfer-encoding"] == "chunked" and len(large.content) > 1 << 20
    buckets = large.json()["data"][0]["timeInterval"]
    assert len(buckets) == 3 * 24 * 60
    assert (buckets[0]["startTime"], buckets[-1]["endTime"]) == ("2024-03-01T10:00:00Z", "2024-03-04T10:00:00Z")
    one_minute = [{**entry, "stats": {"sum": entry["stats"]["sum"].replace("3600", "60")}} for entry in busy]
    assert all(bucket["status"] == one_minute for bucket in buckets)
