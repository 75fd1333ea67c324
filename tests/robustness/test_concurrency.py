"""A real server under more concurrent requests than its connection pool and thread limit: every request is
served (none waits on a connection held by a request that is itself waiting), and a large UserStatus body
arrives whole over HTTP."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.factories import ADMIN, create_account, create_app, token
from tests.server_process import ServerProcess

pytestmark = pytest.mark.postgres_only

REQUESTS = 60  # a worker pools 30 connections and runs routes in 4 threads
EVENTS_PER_BATCH = 10


def test_more_concurrent_ingest_batches_than_pooled_connections_all_succeed(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        account = create_account(http)
        app = create_app(http, account)
        agents = http.put(f"/ingest/accounts/{account}/agents", headers=ADMIN,
                          json=[{"email": "a@x.com", "firstName": "A", "lastName": "B"}])
        assert agents.status_code == 200, agents.text
    auth = {"auth": token(app)}
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(REQUESTS)

    def post(batch: int) -> None:
        events = [{"eventId": f"e-{batch}-{n}", "agent": "a@x.com", "status": "Busy",
                   "timestamp": f"2024-03-01T10:{batch:02d}:{n:02d}Z"} for n in range(EVENTS_PER_BATCH)]
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

    # Everything landed: one agent Busy from 10:00:00 on, every second of the hour bucket 10:00-11:00.
    body = {"filter": {"dateFilter": {"startDate": "2024-03-01T10:00:00Z", "endDate": "2024-03-01T11:00:00Z"}},
            "granularity": "PT1H"}
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        response = http.post(f"/agentassist/api/public/analytics/account/{account}/userstatus", json=body,
                             headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["transfer-encoding"] == "chunked"
    (agent,) = response.json()["data"]
    assert agent["timeInterval"][0]["status"][0] == {"metric": "AgentStatus", "value": "Busy",
                                                      "stats": {"sum": "3600 sec"}}
