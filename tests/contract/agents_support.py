"""Black-box helpers for the Agent Status Details (API.md §7) and WFM agents / queues / agent activity (API.md §8)
contract tests: data goes in through the ingest routes only (API.md §5, docs/API.md §9) and comes out of the
public routes only. Nothing here imports the server's code."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.support.tenants import Tenant

__all__ = [
    "ACTIVITY",
    "AGENTS",
    "QUEUES",
    "V1",
    "V2",
    "V3",
    "Agent",
    "ingest",
    "ingest_agents",
    "ingest_queues",
    "login_events",
    "status_events",
]

_BASE = "/agentassist/api/public/analytics/account/{}/"
V1 = _BASE + "agentstatusdetails"
V2 = _BASE + "v2/agentstatusdetails"
V3 = _BASE + "v3/agentstatusdetails"
AGENTS = _BASE + "agents"
QUEUES = _BASE + "queues"
ACTIVITY = _BASE + "agentactivity"


@dataclass(frozen=True)
class Agent:
    user_id: str
    agent_id: str
    email: str
    first: str
    last: str
    custom_id: str | None = None

    def record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "userId": self.user_id,
            "agentId": self.agent_id,
            "email": self.email,
            "firstName": self.first,
            "lastName": self.last,
        }
        if self.custom_id is not None:
            rec["customId"] = self.custom_id
        return rec


def ingest(client: TestClient, t: Tenant, method: str, route: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """One ingest batch (a JSON array) with the tenant's token; asserts the 200 and that every record counted."""
    response: Response = client.request(
        method,
        f"/ingest/accounts/{t.account_id}/{route}",
        content=json.dumps(records).encode(),
        headers={**t.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["accepted"] + body["duplicates"] == len(records), body
    return body


def ingest_agents(client: TestClient, t: Tenant, *agents: Agent | dict[str, Any]) -> None:
    records = [a.record() if isinstance(a, Agent) else a for a in agents]
    ingest(client, t, "PUT", "agents", records)


def ingest_queues(client: TestClient, t: Tenant, *queues: tuple[str, str]) -> None:
    ingest(client, t, "PUT", "queues", [{"queueId": q, "name": n} for q, n in queues])


def status_events(client: TestClient, t: Tenant, agent: str, *events: tuple[Any, ...]) -> None:
    """Status events of one agent (email or userId) in one batch, given as (status, timestamp[, reason])."""
    records = []
    for ev in events:
        rec: dict[str, Any] = {"eventId": uuid.uuid4().hex, "agent": agent, "status": ev[0], "timestamp": ev[1]}
        if len(ev) > 2:
            rec["reason"] = ev[2]
        records.append(rec)
    ingest(client, t, "POST", "agent-status-events", records)


def login_events(client: TestClient, t: Tenant, agent: str, *events: tuple[Any, ...]) -> None:
    """Login events of one agent in one batch, given as (type, at[, ip])."""
    records = []
    for ev in events:
        rec: dict[str, Any] = {"eventId": uuid.uuid4().hex, "agent": agent, "type": ev[0], "at": ev[1]}
        if len(ev) > 2:
            rec["ip"] = ev[2]
        records.append(rec)
    ingest(client, t, "POST", "agent-login-events", records)
