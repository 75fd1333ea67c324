"""Accounts and apps made through the admin API, and the tenant (an account with one app) most tests need."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import ADMIN_TOKEN
from tests.support.tokens import token

# The scope names as the contract spells them (not imported from the code under test).
ANALYTICS = "SmartAssist Analytics"
INGEST = "SmartAssist Data Ingestion"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

__all__ = ["ADMIN", "ANALYTICS", "INGEST", "Tenant", "create_account", "create_app", "tenant"]


def create_account(client: TestClient, name: str = "Acme") -> str:
    response = client.post("/admin/accounts", json={"name": name}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return str(response.json()["accountId"])


def create_app(client: TestClient, account_id: str, **fields: Any) -> dict[str, Any]:
    """An app of the account (both scopes unless `scopes` is given); the 201 body, with its secret."""
    body = {"name": f"app-{uuid.uuid4().hex[:8]}", "scopes": [ANALYTICS, INGEST], **fields}
    response = client.post(f"/admin/accounts/{account_id}/apps", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    app: dict[str, Any] = response.json()
    return app


@dataclass(frozen=True)
class Tenant:
    """An account, the headers its app authenticates with (`auth: <token>`), and the app itself."""

    account_id: str
    headers: dict[str, str]
    app: dict[str, Any] = field(default_factory=dict)


def tenant(client: TestClient, name: str = "Acme", **app_fields: Any) -> Tenant:
    """A fresh account with one app (both scopes unless overridden) and its `auth` header."""
    account_id = create_account(client, name)
    app = create_app(client, account_id, **app_fields)
    return Tenant(account_id, {"auth": token(app)}, app)
