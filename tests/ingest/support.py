"""Helpers for ingest tests: posting batches, building records, counting rows."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, text

from tests.factories import ADMIN

TABLES = ("bots", "agents", "bot_sessions", "agent_status_events", "agent_interactions")


def post(
    client: TestClient,
    account_id: str,
    route: str,
    records: Any,
    headers: dict[str, str] | None = None,
    ndjson: bool = False,
) -> Response:
    """Send a batch to /ingest/accounts/{account}/{route} (PUT for agents), as a JSON array or NDJSON."""
    method = "PUT" if route == "agents" else "POST"
    if ndjson:
        body = "\n".join(json.dumps(r) for r in records) + "\n"
        content_type = "application/x-ndjson"
    else:
        body = json.dumps(records)
        content_type = "application/json"
    return client.request(
        method,
        f"/ingest/accounts/{account_id}/{route}",
        content=body,
        headers={"Content-Type": content_type, **(ADMIN if headers is None else headers)},
    )


def ok(response: Response, accepted: int, duplicates: int) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": accepted, "duplicates": duplicates}


def error(response: Response, status: int, code: int, msg_start: str = "") -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errors"} and len(body["errors"]) == 1
    assert body["errors"][0]["code"] == code
    msg: str = body["errors"][0]["msg"]
    assert msg.startswith(msg_start), msg
    return msg


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
