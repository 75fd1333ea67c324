"""Helpers for the conversations tests: an account with an app, its queues and agents, posting rows, reading
Call Details, and the vendor's sample rows (data files named after their source pages)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from smartassist.contactcenter.models import Queue
from tests.support.tenants import create_account, create_app
from tests.support.tokens import token

SAMPLES = Path(__file__).parent / "samples"
V1 = "/agentassist/api/public/analytics/account/{}/calldetails"
V2 = "/agentassist/api/public/analytics/account/{}/v2/calldetails"
V2_INTERACTIONS = "/agentassist/api/public/analytics/account/{}/v2/interactionDetails"
# Naive time fields by place (vendor-docs-2.md §1c/§1e), written out here independently of the code under test.
ROW_NAIVE = ("sessionStartTime", "sessionEndTime")
SEGMENT_NAIVE = ("assignedAt", "acceptedTime", "firstResponseTime", "interactionEndTime", "afterCallWorkEndTime")
CONSULTING_NAIVE = ("assignedAt", "acceptedTime", "consultingEndTime")


def row(n: int, start: str = "2025-10-01T10:00:00Z", **fields: Any) -> dict[str, Any]:
    """A conversation row with the required fields (conversationId c-<n>, sessionId s-<n>, bot st-bot)."""
    return {
        "conversationId": f"c-{n}",
        "sessionId": f"s-{n}",
        "channel": "Voice",
        "botId": "st-bot",
        "sessionStartTime": start,
        **fields,
    }


def sample(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return rows


@dataclass
class Caller:
    account_id: str
    headers: dict[str, str]

    def ingest(self, client: TestClient, rows: Any, offset: int | None = -330, ndjson: bool = False) -> Response:
        params = {} if offset is None else {"timeZoneOffset": offset}
        if ndjson:
            content = "\n".join(json.dumps(row) for row in rows) + "\n"
            media = "application/x-ndjson"
        else:
            content, media = json.dumps(rows), "application/json"
        return client.post(
            f"/ingest/accounts/{self.account_id}/conversations",
            content=content,
            params=params,
            headers={**self.headers, "Content-Type": media},
        )

    def details(self, client: TestClient, body: Any, path: str = V1, **params: Any) -> Response:
        return client.post(path.format(self.account_id), json=body, params=params, headers=self.headers)


def new_caller(client: TestClient) -> Caller:
    account_id = create_account(client)
    return Caller(account_id, {"auth": token(create_app(client, account_id)), "IId": "st-ignored"})


def add_queue(engine: Engine, account_id: str, queue_id: str, name: str = "Default Queue") -> None:
    with Session(engine) as session:
        session.add(Queue(account_id=account_id, queue_id=queue_id, name=name, skills=[]))
        session.commit()


def add_agents(client: TestClient, caller: Caller, user_ids: list[str]) -> None:
    agents = [
        {"userId": user_id, "email": f"{user_id[:10]}@example.com", "firstName": "A", "lastName": user_id[2:6]}
        for user_id in user_ids
    ]
    response = client.put(f"/ingest/accounts/{caller.account_id}/agents", json=agents, headers=caller.headers)
    assert response.status_code == 200, response.text


def prepare_samples(client: TestClient, engine: Engine, caller: Caller) -> None:
    """The queues and agents the vendor's sample rows name, in the caller's account."""
    for queue_id in (
        "qu-e30b539-dd3c-4e10-90a9-354a3e72xxxx",
        "qu-7a58cc5-0599-4609-817c-873d8384xxxx",
        "qu-577416d-3745-40e7-904c-85ba1a04xxxx",
    ):
        add_queue(engine, caller.account_id, queue_id)
    add_agents(
        client,
        caller,
        [
            "u-13b82e29-91a3-5092-a7ba-b92c8527xxxx",
            "u-e3f58196-0f28-5419-9601-dc136e8dxxxx",
            "u-3ea001b4-664a-58b6-8108-b8bca375xxxx",
        ],
    )


def shift_naive(rows: list[dict[str, Any]], delta: timedelta) -> list[dict[str, Any]]:
    """The rows with every naive time moved by delta (Z times untouched), by datetime arithmetic."""

    def move(container: dict[str, Any], keys: tuple[str, ...]) -> None:
        for key in keys:
            if isinstance(container.get(key), str):
                moved = datetime.strptime(container[key], "%Y-%m-%dT%H:%M:%S") + delta
                container[key] = moved.strftime("%Y-%m-%dT%H:%M:%S")

    def segment(fields: dict[str, Any]) -> None:
        move(fields, SEGMENT_NAIVE)
        for agent in fields.get("ConsultingAgents", []):
            move(agent, CONSULTING_NAIVE)

    out = copy.deepcopy(rows)
    for row in out:
        move(row, ROW_NAIVE)
        for destination in row.get("destinations", []):
            if destination["destinationType"] == "QueueEntry":
                move(destination, ("EnterTime",))
                for other in destination.get("nonRespondingAgents", []):
                    segment(other)
                if "respondingAgent" in destination:
                    segment(destination["respondingAgent"])
            else:
                segment(destination)
    return out
