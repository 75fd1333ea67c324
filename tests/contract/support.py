"""Black-box helpers for the UserStatus contract tests: data goes in through the ingest routes and comes
out of the two public UserStatus paths, so the suite depends on the wire contract (docs/API.md) only.
Tenants, ingest posts, error checks and request bodies are tests/support's. The queue reference and the
QueueEntry destination builder are shared with the conversations and WFM contract helpers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.support.errors import error
from tests.support.ingest import accepted, ingest_path
from tests.support.tenants import Tenant, tenant
from tests.support.user_status import user_status_body as body

# Re-exported: the contract tests take them from here with the contract's own helpers.
__all__ = ["DOC_PATH", "SEED_PATH", "Tenant", "agent_row", "agents", "body", "bucket", "error", "held"]
__all__ += ["interactions", "page", "post", "statuses", "tenant", "user_status"]

DOC_PATH = "/agentassist/api/public/analytics/1.1/account/{}/userstatus"
SEED_PATH = "/agentassist/api/public/analytics/account/{}/userstatus"


def _ingest(client: TestClient, account_id: str, route: str, records: list[dict[str, Any]]) -> None:
    accepted(client, ingest_path(account_id, route), records)


def agents(client: TestClient, t: Tenant, *rows: tuple[str, str, str, str, str]) -> None:
    """Upsert agents given as (userId, email, firstName, lastName, customId)."""
    records = [{"userId": u, "email": e, "firstName": f, "lastName": la, "customId": c} for u, e, f, la, c in rows]
    _ingest(client, t.account_id, "agents", records)


def statuses(client: TestClient, t: Tenant, agent: str, *changes: tuple[str, str]) -> None:
    """Status events of one agent given as (status, timestamp)."""
    records = [{"eventId": uuid.uuid4().hex, "agent": agent, "status": s, "timestamp": ts} for s, ts in changes]
    _ingest(client, t.account_id, "agent-status-events", records)


def interactions(client: TestClient, t: Tenant, agent: str, *spans: tuple[str, str]) -> None:
    """Ended interactions of one agent given as (startTime, endTime)."""
    records = [{"interactionId": uuid.uuid4().hex, "agent": agent, "startTime": s, "endTime": e} for s, e in spans]
    _ingest(client, t.account_id, "agent-interactions", records)


def post(
    client: TestClient,
    t: Tenant,
    payload: Any,
    path: str = DOC_PATH,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Response:
    response: Response = client.post(
        path.format(t.account_id), json=payload, params=params, headers=t.headers if headers is None else headers
    )
    return response


def user_status(client: TestClient, t: Tenant, payload: Any, **params: Any) -> Any:
    """The 200 body of the doc path, after checking the seed path answers exactly the same."""
    doc = post(client, t, payload, **params)
    assert doc.status_code == 200, doc.text
    seed = post(client, t, payload, path=SEED_PATH, **params)
    assert seed.status_code == 200, seed.text
    assert seed.json() == doc.json()
    return doc.json()


def held(name: str, total: int, idle: int, interacting: int) -> list[dict[str, Any]]:
    """The three entries of one status in a bucket; `name` is the Title-case name, sums in whole seconds."""
    return [
        {"metric": "AgentStatus", "value": name, "stats": {"sum": f"{total} sec"}},
        {"metric": "AgentState", "value": f"{name}:Idle", "stats": {"sum": f"{idle} sec"}},
        {"metric": "AgentState", "value": f"{name.upper()}:Interacting", "stats": {"sum": f"{interacting} sec"}},
    ]


def bucket(start: str, end: str, *entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"startTime": start, "endTime": end, "status": [e for group in entries for e in group]}


def page(data: list[dict[str, Any]], has_more: bool = False, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    return {"hasMore": has_more, "limit": limit, "offset": offset, "data": data}


def agent_row(
    user_id: str, email: str, first: str, last: str, custom_id: str, time_interval: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "userId": user_id,
        "firstName": first,
        "lastName": last,
        "email": email,
        "customId": custom_id,
        "timeInterval": time_interval,
    }


@dataclass(frozen=True)
class QueueRef:
    queue_id: str
    name: str


def entry(
    queue: QueueRef,
    enter: str | None,
    responding: dict[str, Any] | None = None,
    non_responding: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A QueueEntry destination; enter None leaves EnterTime out."""
    dest: dict[str, Any] = {"destinationType": "QueueEntry", "queueId": queue.queue_id, "queueName": queue.name}
    if enter is not None:
        dest["EnterTime"] = enter
    if non_responding:
        dest["nonRespondingAgents"] = non_responding
    if responding is not None:
        dest["respondingAgent"] = responding
    return dest
