"""Black-box helpers for the IntentRealtimeData and ingest contract tests (docs/API.md §3, §9): data goes in
through the ingest routes and is observed only through the public read routes, never the database."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.support.tenants import Tenant

INTENTS_PATH = "/api/public/bot/{}/intentrealtimedata"
# §2: the item's keys, in the documented order.
ITEM_KEYS = [
    "intent",
    "ANI",
    "DNI",
    "channel",
    "startTime",
    "endTime",
    "status",
    "timeHandled",
    "deflectedTo",
    "userId",
    "sessionId",
]
CALLER = "u-6b184e56-1111-4222-8333-944445555666"


def new_bot() -> str:
    return f"st-{uuid.uuid4()}"


def session(session_id: str, end: str | None = "2022-01-06T14:44:17.527+00:00", **fields: Any) -> dict[str, Any]:
    """A session record as §5 lists it; anything may be overridden."""
    record: dict[str, Any] = {
        "sessionId": session_id,
        "userId": CALLER,
        "intent": ["Book a Ticket"],
        "ANI": "+126529865",
        "DNI": "username@domain.com",
        "channel": "rtm",
        "startTime": "2022-01-06T14:07:08.185+00:00",
        "endTime": end,
        "status": "completed",
        "timeHandled": 788,
        "deflectedTo": None,
    }
    record.update(fields)
    return record


def sessions_path(account_id: str, bot_id: str) -> str:
    return f"/ingest/accounts/{account_id}/bots/{bot_id}/sessions"


def intents(client: TestClient, bot_id: str, headers: dict[str, str], method: str = "POST") -> Response:
    response: Response = client.request(method, INTENTS_PATH.format(bot_id), headers=headers)
    return response


def realtime(client: TestClient, t: Tenant, bot_id: str) -> list[dict[str, Any]]:
    """The 200 body of IntentRealtimeData, after checking GET answers exactly as POST and keys are in order."""
    posted = intents(client, bot_id, t.headers)
    assert posted.status_code == 200, posted.text
    got = intents(client, bot_id, t.headers, method="GET")
    assert got.status_code == 200, got.text
    assert got.json() == posted.json()
    items: list[dict[str, Any]] = posted.json()
    for item in items:
        assert list(item) == ITEM_KEYS, item
    return items


def session_ids(client: TestClient, t: Tenant, bot_id: str) -> list[str]:
    return [item["sessionId"] for item in realtime(client, t, bot_id)]
