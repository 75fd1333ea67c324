"""Black-box helpers for the IntentRealtimeData and ingest contract tests (API.md §2, §5): data goes in
through the ingest routes and is observed only through the public read routes, never the database."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.contract.support import Tenant
from tests.factories import ADMIN, create_account, create_app, token

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


@dataclass(frozen=True)
class AppTenant(Tenant):
    """A tenant that keeps its app, to mint other kinds of token (Bearer) for the same app."""

    app: dict[str, Any]


def app_tenant(client: TestClient, **app_fields: Any) -> AppTenant:
    """A fresh account with one app (both scopes unless overridden), authenticating with header `auth`."""
    account_id = create_account(client)
    app = create_app(client, account_id, **app_fields)
    return AppTenant(account_id, {"auth": token(app)}, app)


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


def ndjson(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def send(
    client: TestClient, path: str, records: Any, headers: dict[str, str] | None = None, method: str = "POST"
) -> Response:
    """A JSON batch to an ingest route (the admin token unless other headers are given)."""
    response: Response = client.request(method, path, json=records, headers=ADMIN if headers is None else headers)
    return response


def accepted(
    client: TestClient, path: str, records: Any, headers: dict[str, str] | None = None, method: str = "POST"
) -> dict[str, Any]:
    """The 200 body of an ingest call."""
    response = send(client, path, records, headers, method)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


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


def error_msg(response: Response) -> str:
    msg: str = response.json()["errors"][0]["msg"]
    return msg
