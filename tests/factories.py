"""Plain functions that create test data through the public HTTP API, and mint client tokens."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from fastapi.testclient import TestClient

from tests.conftest import ADMIN_TOKEN

ANALYTICS = "SmartAssist Analytics"
INGEST = "SmartAssist Data Ingestion"
WFM = "WFM Integration"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def create_account(client: TestClient, name: str = "Acme") -> str:
    response = client.post("/admin/accounts", json={"name": name}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return str(response.json()["accountId"])


def create_app(client: TestClient, account_id: str, **fields: Any) -> dict[str, Any]:
    body = {"name": f"app-{uuid.uuid4().hex[:8]}", "scopes": [ANALYTICS, INGEST], **fields}
    response = client.post(f"/admin/accounts/{account_id}/apps", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    app: dict[str, Any] = response.json()
    return app


def token(app: dict[str, Any], alg: str = "HS256", secret: str | None = None, **claims: Any) -> str:
    """A token the way the vendor's recipe makes one: {"sub", "appId"} signed with the client secret."""
    payload = {"sub": "tester", "appId": app["clientId"], **claims}
    return jwt.encode(payload, secret or app["clientSecret"], algorithm=alg)


def jti_claims(ttl: int = 600) -> dict[str, Any]:
    now = int(time.time())
    return {"jti": uuid.uuid4().hex, "iat": now, "exp": now + ttl}
