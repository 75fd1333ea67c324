"""Heavy analytics requests against a real `smartassist serve`: one account's largest allowed requests don't
starve another account's small one, and a client that stops reading a large UserStatus body holds a chunk in
the server, not the body (RSS from /proc of the server process)."""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, insert

from smartassist.contactcenter.models import AgentStatusEvent
from tests.conftest import ADMIN_TOKEN, SERVER_KEY, fresh_database
from tests.server_process import ServerProcess
from tests.support.rows import DAY, T0, add_agent
from tests.support.tenants import create_account, create_app
from tests.support.tokens import token

PATH = "/agentassist/api/public/analytics/account/{}/userstatus"
SMALL_BOUND_S = 0.5  # the bound for account B's small request
HEAVY_CLIENTS = 12  # account A's concurrent clients: more than the worker's 4 threads
CAP = 16 * 1024 * 1024


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def start_server(database_url: str, tmp_path: Path, **env: str) -> ServerProcess:
    return ServerProcess(database_url, tmp_path / "data", ADMIN_TOKEN, SERVER_KEY, extra_env=env).start()


def tenant_with_agents(server: ServerProcess, agents: int, events_each: int, step_ms: int) -> dict[str, Any]:
    """An account whose agents change status every step_ms from T0 - DAY on (three statuses in turn)."""
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        account = create_account(http)
        app = create_app(http, account)
    engine = create_engine(server.database_url)
    try:
        ids = [add_agent(engine, account, f"agent{n}@x.io", user_id=f"u-{n:03d}") for n in range(agents)]
        rows = [
            {
                "account_id": account,
                "agent_id": agent,
                "event_id": f"e-{agent}-{n}",
                "status": ("Ready", "Busy", "Away")[n % 3],
                "reason": None,
                "ts": T0 - DAY + n * step_ms,
            }
            for agent in ids
            for n in range(events_each)
        ]
        with engine.begin() as conn:
            for start in range(0, len(rows), 5000):
                conn.execute(insert(AgentStatusEvent), rows[start : start + 5000])
    finally:
        engine.dispose()
    return {"account": account, "headers": {"auth": token(app)}}


def body(start: str, end: str, granularity: Any) -> dict[str, Any]:
    return {"filter": {"dateFilter": {"startDate": start, "endDate": end}}, "granularity": granularity}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_another_accounts_small_request_stays_fast_while_one_account_runs_its_heaviest(
    database_url: str, tmp_path: Path
) -> None:
    server = start_server(database_url, tmp_path, SMARTASSIST_MAX_RESPONSE_BYTES=str(CAP))
    try:
        # A: 10 agents changing status every 100 s for a week, 60 000 events; the week by the hour is under the cap
        # (its bound ~13.7 MB of 16 MiB), so each request fetches and sorts every row the cap allows.
        heavy = tenant_with_agents(server, agents=10, events_each=6048, step_ms=100_000)
        small = tenant_with_agents(server, agents=1, events_each=10, step_ms=60_000)
        week = body("2022-12-12T00:00:00Z", "2022-12-19T00:00:00Z", "PT1H")
        hour = body("2022-12-12T00:00:00Z", "2022-12-12T01:00:00Z", "PT15M")
        with httpx.Client(base_url=server.base_url, timeout=60) as http:
            first = http.post(PATH.format(heavy["account"]), json=week, headers=heavy["headers"])
            assert first.status_code == 200, first.text[:300]
        stop = threading.Event()
        statuses: list[int] = []

        def heavy_client() -> None:
            with httpx.Client(base_url=server.base_url, timeout=120) as http:
                while not stop.is_set():
                    response = http.post(PATH.format(heavy["account"]), json=week, headers=heavy["headers"])
                    statuses.append(response.status_code)
                    if response.status_code == 429:
                        stop.wait(float(response.headers["retry-after"]))

        threads = [threading.Thread(target=heavy_client) for _ in range(HEAVY_CLIENTS)]
        for thread in threads:
            thread.start()
        times: list[float] = []
        try:
            time.sleep(1.0)  # A's requests are running
            with httpx.Client(base_url=server.base_url, timeout=60) as http:
                for _ in range(20):
                    began = time.perf_counter()
                    response = http.post(PATH.format(small["account"]), json=hour, headers=small["headers"])
                    times.append(time.perf_counter() - began)
                    assert response.status_code == 200, response.text[:300]
                    time.sleep(0.1)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
        print(
            f"B: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms; A: {len(statuses)} "
            f"responses, {statuses.count(200)} 200, {statuses.count(429)} 429"
        )
        assert statuses.count(200) >= 2, statuses
        assert set(statuses) <= {200, 429}, statuses
        # Every one of B's requests under the bound but one (a scheduling hiccup of the shared machine).
        assert sorted(times)[-2] < SMALL_BOUND_S, [round(t, 3) for t in times]
    finally:
        server.stop()


def test_a_client_that_stops_reading_a_large_body_costs_the_server_a_few_megabytes(
    database_url: str, tmp_path: Path
) -> None:
    server = start_server(database_url, tmp_path, SMARTASSIST_MAX_RESPONSE_BYTES=str(128 * 1024 * 1024))
    try:
        # 40 agents, one status each all month: a month by 9 minutes is ~60 MB of JSON, from 40 rows.
        tenant = tenant_with_agents(server, agents=40, events_each=1, step_ms=1)
        month = body("2022-12-12T00:00:00Z", "2023-01-11T00:00:00Z", 9)
        path = PATH.format(tenant["account"])
        with httpx.Client(base_url=server.base_url, timeout=60) as http:  # warm up the route (not this page)
            assert (
                http.post(path, json=body("2022-12-12", "2022-12-13", "PT1H"), headers=tenant["headers"]).status_code
                == 200
            )
        assert server._process is not None
        pid = server._process.pid
        before = rss_kib(pid)
        request = httpx.Request("POST", server.base_url + path, json=month, headers=tenant["headers"])
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in request.headers.items() if name.lower() != "host"
        )
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            sock.sendall(head.encode() + b"\r\n" + request.content)
            received = sock.recv(65536)
            assert received.startswith(b"HTTP/1.1 200"), received[:200]
            peak = before
            deadline = time.monotonic() + 4
            while time.monotonic() < deadline:  # the client reads nothing more
                peak = max(peak, rss_kib(pid))
                time.sleep(0.05)
        growth_mib = (peak - before) / 1024
        print(f"server RSS {before / 1024:.1f} MiB before, peak {peak / 1024:.1f} MiB while the client stalls")
        assert growth_mib < 8, f"RSS grew by {growth_mib:.1f} MiB"
    finally:
        server.stop()
