"""The routes that render large bodies: the response size cap (400 naming a smaller page or a coarser
granularity, computed before rendering) and the per-account limit on heavy requests in progress (429)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.requests import ClientDisconnect

from smartassist.analytics.agent_status.request import AgentStatusQuery
from smartassist.analytics.agent_status.service import agent_status_details
from smartassist.analytics.user_status.buckets import IntervalRenderer
from smartassist.config import Settings
from smartassist.errors import ApiError
from smartassist.wfm import metrics_router
from tests.support.errors import error
from tests.support.rows import DAY, MINUTE, T0, add_account, add_agent, add_events
from tests.support.tenants import Tenant, tenant
from tests.support.user_status import user_status_body
from tests.wfm.support import make_caller

PATH = "/agentassist/api/public/analytics/account/{}/userstatus"
CAP = 4 * 1024 * 1024
AGENTS = 4
# Three days by the minute: 4320 buckets of ~300 bytes for an agent Available throughout, ~1.3 MB an agent.
THREE_DAYS = user_status_body("2022-12-12T00:00:00Z", "2022-12-15T00:00:00Z", granularity=1)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings with a 4 MiB response cap and one heavy request per account at a time."""
    return settings.model_copy(update={"max_response_bytes": CAP, "heavy_requests_per_account": 1})


@pytest.fixture
def busy_tenant(client: TestClient, db_engine: Engine) -> Tenant:
    caller = tenant(client)
    for n in range(AGENTS):
        agent = add_agent(db_engine, caller.account_id, f"a{n}@x.io", user_id=f"u-{n}")
        add_events(db_engine, caller.account_id, agent, [(T0 - DAY, "Available")])
    return caller


def test_a_page_over_the_size_cap_is_400_naming_a_page_that_fits(client: TestClient, busy_tenant: Tenant) -> None:
    path = PATH.format(busy_tenant.account_id)
    over = client.post(path, json=THREE_DAYS, headers=busy_tenant.headers)
    assert over.status_code == 400, len(over.content)
    msg = error(over, 400, "the response would be up to", contains="SMARTASSIST_MAX_RESPONSE_BYTES")
    assert "limit=" in msg, msg
    fewer = int(msg.split("limit=")[1].split(")")[0])
    assert 1 <= fewer < AGENTS

    under = client.post(path, json=THREE_DAYS, params={"limit": fewer}, headers=busy_tenant.headers)
    assert under.status_code == 200, under.text[:500]
    assert len(under.content) <= CAP
    assert len(under.json()["data"]) == fewer
    assert client.app.state.heavy._running == {}  # type: ignore[attr-defined]  # every slot given back


def test_one_agent_over_the_cap_is_told_a_coarser_granularity(client: TestClient, db_engine: Engine) -> None:
    caller = tenant(client)
    agent = add_agent(db_engine, caller.account_id, "busy@x.io")
    # A month by 9 minutes (4800 buckets), a new status every 3 minutes: three statuses in every bucket.
    add_events(
        db_engine,
        caller.account_id,
        agent,
        [(T0 + n * 3 * MINUTE, ("Ready", "Busy", "Away")[n % 3]) for n in range(15_000)],
    )
    month = user_status_body("2022-12-12T00:00:00Z", "2023-01-11T00:00:00Z", granularity=9)
    over = client.post(PATH.format(caller.account_id), json=month, headers=caller.headers)
    assert over.status_code == 400, len(over.content)
    assert "limit=" not in error(over, 400, contains="a coarser granularity")
    coarser = client.post(PATH.format(caller.account_id), json={**month, "granularity": "PT1H"}, headers=caller.headers)
    assert coarser.status_code == 200, coarser.text[:500]


def test_heavy_requests_beyond_the_accounts_limit_are_429(client: TestClient, busy_tenant: Tenant) -> None:
    path = PATH.format(busy_tenant.account_id)
    small = user_status_body("2022-12-12T00:00:00Z", "2022-12-12T01:00:00Z")
    limiter = client.app.state.heavy  # type: ignore[attr-defined]
    limiter.acquire(busy_tenant.account_id)  # one request of the account in progress (the limit is 1)
    try:
        # 50 or 2 agents x 4,320 one-minute buckets: heavy (over 4,800); 50 x 1 hour: light, no slot (analytics.heavy)
        refused = client.post(path, json=THREE_DAYS, headers=busy_tenant.headers)
        error(refused, 429, contains="large analytics requests in progress")
        assert refused.headers["retry-after"] == "1"
        assert client.post(path, json=small, headers=busy_tenant.headers).status_code == 200
        assert client.post(path, json=THREE_DAYS, params={"limit": 2}, headers=busy_tenant.headers).status_code == 429
        other = tenant(client, "Other")
        other_agent_path = PATH.format(other.account_id)
        assert client.post(other_agent_path, json=THREE_DAYS, headers=other.headers).status_code == 200
    finally:
        limiter.release(busy_tenant.account_id)
    assert client.post(path, json=small, headers=busy_tenant.headers).status_code == 200
    streamed = client.post(path, json=THREE_DAYS, params={"limit": 2}, headers=busy_tenant.headers)
    assert streamed.status_code == 200 and "content-length" not in streamed.headers  # chunked
    assert limiter._running == {}


def test_a_streamed_page_renders_each_chunk_only_after_the_one_before_was_sent(
    client: TestClient, db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back-pressure: driving the app as the server does, the k-th body chunk reaches `send` after exactly k
    agents were rendered (one agent of 4320 one-minute buckets is a chunk of its own), none ahead; a client that
    goes away mid-body gives the account's slot back."""
    caller = tenant(client)
    for n in range(3):
        agent = add_agent(db_engine, caller.account_id, f"s{n}@x.io", user_id=f"u-{n}")
        add_events(db_engine, caller.account_id, agent, [(T0 - DAY, "Available")])
    renders: list[int] = []
    real_render = IntervalRenderer.render
    monkeypatch.setattr(IntervalRenderer, "render", lambda self, *a: renders.append(1) or real_render(self, *a))
    body = json.dumps(THREE_DAYS).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PATH.format(caller.account_id),
        "raw_path": PATH.format(caller.account_id).encode(),
        "query_string": b"limit=3",  # under the cap
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"auth", caller.headers["auth"].encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            sent.append(len(renders))
            if len(sent) == 2:
                raise OSError("the client went away")

    async def drive() -> None:
        with contextlib.suppress(OSError, ClientDisconnect):  # starlette re-raises it as ClientDisconnect
            await client.app(scope, receive, send)  # type: ignore[arg-type]

    anyio.run(drive)
    assert sent == [1, 2]
    assert client.app.state.heavy._running == {}  # type: ignore[attr-defined]


def test_agent_status_details_over_the_cap_is_400_and_fetches_no_more_rows_than_it_could_list(
    db_engine: Engine,
) -> None:
    account = add_account(db_engine)
    agents = [add_agent(db_engine, account, f"d{n}@x.io", user_id=f"u-{n}") for n in range(2)]
    for agent in agents:  # 400 spans of ~140 bytes each: ~56 KB an agent
        add_events(db_engine, account, agent, [(T0 + n * MINUTE, ("Ready", "Busy")[n % 2]) for n in range(400)])
    query = AgentStatusQuery(start_ms=T0, end_ms=T0 + DAY, offset_minutes=0, emails=None)
    with db_engine.connect() as connection:
        whole = agent_status_details(connection, account, query, version=3, limit=50, offset=0)
        assert 65_536 < len(whole) < 4 * 65_536
        with pytest.raises(ApiError, match=r"SMARTASSIST_MAX_RESPONSE_BYTES\): ask for fewer agents \(limit=1\)"):
            agent_status_details(connection, account, query, version=3, limit=50, offset=0, max_bytes=65_536)
        # Rows beyond what the cap could list are not fetched: the count is refused before rendering.
        with pytest.raises(ApiError, match="ask for fewer agents"):
            agent_status_details(connection, account, query, version=3, limit=50, offset=0, max_bytes=65_536 // 2)
        one = agent_status_details(connection, account, query, version=3, limit=1, offset=0, max_bytes=65_536)
        assert len(one) <= 65_536


def test_contact_volume_and_agent_performance_bodies_over_the_cap_are_400(
    client: TestClient, db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    caller = make_caller(client, db_engine)
    huge = {"hasMore": False, "records": ["x" * 1024] * (CAP // 1024)}
    window = {"fromTimeStamp": "2023-06-01T09:45:00Z", "toTimeStamp": "2023-06-01T10:00:00Z"}
    for route, name in (("callvolume", "call_volume"), ("agentperformance", "agent_performance")):
        monkeypatch.setattr(metrics_router, name, lambda *_: huge)
        response = caller.post(client, route, {"orgId": "o-1", **window} if route == "callvolume" else window)
        error(response, 400, "the response would be up to", contains="a smaller page (limit) or a shorter window")
    assert client.app.state.heavy._running == {}  # type: ignore[attr-defined]
