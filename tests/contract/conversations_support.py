"""Black-box helpers for the Call Details and Queue Size contract tests (API.md §9, docs/API.md §7).

Queues, agents, status events and conversations go in through the ingest routes only (API.md §5, docs/API.md
§9); results come out of the public routes only. Nothing here imports the server's code: every expected value
of the tests is written by hand from the contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.contract.support import QueueRef, entry
from tests.support.errors import error
from tests.support.tenants import Tenant, tenant

__all__ = [
    "A1",
    "A2",
    "A3",
    "BOT",
    "CALL_DETAILS_PATHS",
    "QA",
    "QB",
    "V1",
    "V2",
    "V2_INTERACTION",
    "AgentRef",
    "QueueRef",
    "Tenant",
    "call_details",
    "call_details_post",
    "conversation",
    "entry",
    "error",
    "ingest",
    "ingest_agents",
    "ingest_conversations",
    "ingest_queues",
    "ingest_statuses",
    "iso_ms",
    "ordered",
    "queue_size",
    "queue_size_post",
    "segment",
    "tenant",
]

ROOT = "/agentassist/api/public/analytics/account/{}"
V1 = ROOT + "/calldetails"
V2 = ROOT + "/v2/calldetails"
V2_INTERACTION = ROOT + "/v2/interactionDetails"
CALL_DETAILS_PATHS = (V1, V2, V2_INTERACTION)
QUEUE_SIZE = "/agentassist/api/v1/public/{}/monitor/queueStatsById/{}"

BOT = "st-5b1c0d2e-aaaa-4111-8111-111111111111"


@dataclass(frozen=True)
class AgentRef:
    user_id: str
    email: str
    first: str
    last: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


QA = QueueRef("qu-alpha-1", "Alpha Sales")
QB = QueueRef("qu-beta-2", "Beta Support")
A1 = AgentRef("u-0f7e6d5c-1111-4111-8111-000000000001", "ann@x.io", "Ann", "Archer")
A2 = AgentRef("u-0f7e6d5c-2222-4222-8222-000000000002", "bob@x.io", "Bob", "Baker")
A3 = AgentRef("u-0f7e6d5c-3333-4333-8333-000000000003", "cy@x.io", "Cy", "Cole")


def iso_ms(ms: int) -> str:
    """An instant (UTC epoch ms) written with milliseconds and `Z`: 2023-06-01T09:59:59.999Z."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def ordered(value: Any) -> Any:
    """The JSON value with every object turned into its list of (key, value) pairs: comparing two of these
    compares the key order too."""
    if isinstance(value, dict):
        return [(k, ordered(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [ordered(v) for v in value]
    return value


# --- ingest ------------------------------------------------------------------------------------------------


def ingest(client: TestClient, t: Tenant, method: str, route: str, records: Any, **params: Any) -> dict[str, Any]:
    response = client.request(
        method,
        f"/ingest/accounts/{t.account_id}/{route}",
        content=json.dumps(records).encode(),
        params=params,
        headers={**t.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ingest_queues(client: TestClient, t: Tenant, *queues: QueueRef, skills: list[Any] | None = None) -> None:
    records: list[dict[str, Any]] = [{"queueId": q.queue_id, "name": q.name} for q in queues]
    if skills is not None:
        for record in records:
            record["skills"] = skills
    ingest(client, t, "PUT", "queues", records)


def ingest_agents(client: TestClient, t: Tenant, *agents: AgentRef, queues: tuple[QueueRef, ...] = ()) -> None:
    records = [
        {
            "userId": a.user_id,
            "email": a.email,
            "firstName": a.first,
            "lastName": a.last,
            "queues": [q.queue_id for q in queues],
        }
        for a in agents
    ]
    ingest(client, t, "PUT", "agents", records)


def ingest_statuses(client: TestClient, t: Tenant, agent: AgentRef, *changes: tuple[str, str], tag: str = "") -> None:
    """Status events of one agent given as (status, timestamp with zone)."""
    records = [
        {"eventId": f"ev-{agent.user_id[-4:]}-{tag}{i}", "agent": agent.user_id, "status": s, "timestamp": ts}
        for i, (s, ts) in enumerate(changes)
    ]
    ingest(client, t, "POST", "agent-status-events", records)


def ingest_conversations(client: TestClient, t: Tenant, rows: Any, offset: int | None = None) -> None:
    params = {} if offset is None else {"timeZoneOffset": offset}
    body = ingest(client, t, "POST", "conversations", rows, **params)
    count = len(rows["data"]) if isinstance(rows, dict) else len(rows)
    assert body["accepted"] + body["duplicates"] == count, body


# --- row builders (the vendor's Call Details row shape, vendor-docs-2 §1c-§1f) -------------------------------


def segment(agent: AgentRef, assigned: str, accepted: str | None = None, **extra: Any) -> dict[str, Any]:
    """An agent segment (agentId = the agent's u-… userId, as the vendor's rows); `extra` appended in order."""
    seg: dict[str, Any] = {"agentId": agent.user_id, "destinationType": "AgentSegment"}
    if accepted is not None:
        seg["status"] = "Answered"
    seg["assignedAt"] = assigned
    if accepted is not None:
        seg["acceptedTime"] = accepted
    seg.update(extra)
    seg["email"] = agent.email
    seg["name"] = agent.name
    return seg


def conversation(
    cid: str | None,
    start: str,
    end: str | None = None,
    destinations: list[dict[str, Any]] | None = None,
    *,
    channel: str = "Web/Mobile Client",
    source: str | None = None,
    bot: str = BOT,
    session_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A Call Details row; cid None = a bot-only row (no conversationId, no destinations unless given)."""
    row: dict[str, Any] = {}
    if cid is not None:
        row["conversationId"] = cid
    row["sessionId"] = session_id or (cid or "bot").replace("-", "") + "s"
    row["channel"] = channel
    if source is not None:
        row["source"] = source
    row["botId"] = bot
    row["sessionStartTime"] = start
    if end is not None:
        row["sessionEndTime"] = end
    if destinations is not None:
        row["destinations"] = destinations
    row.update(extra)
    return row


# --- the public routes -------------------------------------------------------------------------------------


def call_details_post(
    client: TestClient,
    t: Tenant,
    body: Any,
    path: str = V1,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Response:
    response: Response = client.post(
        path.format(t.account_id), json=body, params=params, headers=t.headers if headers is None else headers
    )
    return response


def call_details(client: TestClient, t: Tenant, body: Any, path: str = V1, **params: Any) -> list[dict[str, Any]]:
    """The rows of a 200 Call Details page, after checking the envelope and that numResults counts them."""
    response = call_details_post(client, t, body, path, **params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    result = response.json()
    assert list(result) == ["numResults", "data"], result
    rows: list[dict[str, Any]] = result["data"]
    assert type(result["numResults"]) is int and result["numResults"] == len(rows), result
    return rows


def queue_size_post(
    client: TestClient,
    t: Tenant,
    bot: str,
    queue: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    slash: bool = False,
) -> Response:
    path = QUEUE_SIZE.format(bot, queue) + ("/" if slash else "")
    sent = t.headers if headers is None else headers
    if body is None:
        response: Response = client.post(path, headers=sent)
    else:
        response = client.post(path, json=body, headers=sent)
    return response


def queue_size(
    client: TestClient, t: Tenant, bot: str, queue: str, body: Any = None, slash: bool = False
) -> dict[str, Any]:
    """The one item of a 200 Queue Size answer, after checking the array shape and the item's keys."""
    response = queue_size_post(client, t, bot, queue, body, slash=slash)
    assert response.status_code == 200, response.text
    result = response.json()
    assert isinstance(result, list) and len(result) == 1, result
    item: dict[str, Any] = result[0]
    assert list(item) == [
        "queueId",
        "queueName",
        "skills",
        "waiting",
        "engaged",
        "dropOff",
        "agentStatus",
        "noOfAgents",
        "queueSummary",
    ], item
    assert list(item["agentStatus"]) == ["available", "offline", "busy", "away"], item
    assert list(item["queueSummary"]) == ["avgWait", "maxWait", "ASA"], item
    for value in [item["waiting"], item["engaged"], item["dropOff"], item["noOfAgents"]]:
        assert type(value) is int, item
    for value in [*item["agentStatus"].values(), *item["queueSummary"].values()]:
        assert type(value) is int, item
    return item


def new_tenant(client: TestClient, name: str = "Acme", **app_fields: Any) -> Tenant:
    """A fresh account whose app has the analytics and ingest scopes (the default of tests/support)."""
    return tenant(client, name, **app_fields)
