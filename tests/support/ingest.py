"""Ingest posts (JSON array, NDJSON or raw bytes), their 200 body, row counts, and record builders."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, text

from tests.support.tenants import ADMIN

TABLES = ("bots", "agents", "bot_sessions", "agent_status_events", "agent_interactions")
JSON = "application/json"
NDJSON = "application/x-ndjson"


def ingest_path(account_id: str, route: str) -> str:
    """/ingest/accounts/{account}/{route}; route is `agents`, `bots/{botId}/sessions`, … ."""
    return f"/ingest/accounts/{account_id}/{route}"


def ndjson(records: Iterable[Any]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def send_raw(
    client: TestClient,
    path: str,
    content: Any,
    content_type: str | None = JSON,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> Response:
    """Exactly these body bytes (or chunks) to an ingest route: PUT for agents and queues, POST otherwise unless
    `method` says; the admin token unless other headers are given; no Content-Type when None."""
    verb = method or ("PUT" if path.endswith(("/agents", "/queues")) else "POST")
    sent = {**(ADMIN if headers is None else headers), **({"Content-Type": content_type} if content_type else {})}
    response: Response = client.request(verb, path, content=content, headers=sent)
    return response


def send(
    client: TestClient,
    path: str,
    records: Any,
    headers: dict[str, str] | None = None,
    method: str | None = None,
    ndjson_body: bool = False,
) -> Response:
    """A batch to an ingest route, as a JSON array or (ndjson_body) one JSON object per line."""
    if ndjson_body:
        return send_raw(client, path, ndjson(records), NDJSON, headers, method)
    return send_raw(client, path, json.dumps(records).encode(), JSON, headers, method)


def post(
    client: TestClient,
    account_id: str,
    route: str,
    records: Any,
    headers: dict[str, str] | None = None,
    ndjson: bool = False,
) -> Response:
    """`send` by account and route: post(client, account, "agent-status-events", [event(1)])."""
    return send(client, ingest_path(account_id, route), records, headers, ndjson_body=ndjson)


def accepted(
    client: TestClient,
    path: str,
    records: Any,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> dict[str, Any]:
    """The 200 body of an ingest call."""
    response = send(client, path, records, headers, method)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def ok(response: Response, accepted: int, duplicates: int) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": accepted, "duplicates": duplicates}


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}  # noqa: S608


def agent(n: int, **fields: Any) -> dict[str, Any]:
    return {"email": f"agent{n}@example.com", "firstName": f"First{n}", "lastName": f"Last{n}", **fields}


def session(n: int, **fields: Any) -> dict[str, Any]:
    """An ended session of 788 s (13m:8s); override any field."""
    return {
        "sessionId": f"s-{n:03d}",
        "userId": f"caller-{n}",
        "intent": ["Book a Flight"],
        "ANI": "+126529865",
        "DNI": "username@domain.com",
        "channel": "rtm",
        "startTime": "2022-01-06T14:00:00.000+00:00",
        "endTime": "2022-01-06T14:13:08.000+00:00",
        "status": "completed",
        "timeHandled": 788,
        **fields,
    }


def event(n: int, agent_ref: str = "agent1@example.com", **fields: Any) -> dict[str, Any]:
    return {
        "eventId": f"ev-{n}",
        "agent": agent_ref,
        "status": "Available",
        "timestamp": "2022-01-06T14:07:08.185+00:00",
        **fields,
    }


def interaction(n: int, agent_ref: str = "agent1@example.com", **fields: Any) -> dict[str, Any]:
    return {
        "interactionId": f"ix-{n}",
        "agent": agent_ref,
        "startTime": "2022-01-06T14:00:00Z",
        "endTime": "2022-01-06T14:05:00Z",
        **fields,
    }
