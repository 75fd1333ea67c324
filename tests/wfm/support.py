"""A caller of the WFM routes: an account with an app granted WFM Integration, and its bot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.support.contacts import add_bot
from tests.support.tenants import tenant

WFM = "WFM Integration"
BASE = "/agentassist/api/public/analytics/account/{}/"
BOT = "st-b6ff0557-e54b-5ac1-946f-2b003d9exxxx"  # the V1 Contact Volume sample's iId


@dataclass
class Caller:
    account_id: str
    headers: dict[str, str]

    def post(self, client: TestClient, route: str, body: Any) -> Any:
        return client.post(BASE.format(self.account_id) + route, json=body, headers=self.headers)

    def ok(self, client: TestClient, route: str, body: Any) -> Any:
        response = self.post(client, route, body)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        return response.json()


def make_caller(client: TestClient, db_engine: Engine, name: str = "Acme") -> Caller:
    """A tenant whose app has only WFM Integration, with its bot (BOT for Acme, st-<name> otherwise)."""
    wfm = tenant(client, name, scopes=[WFM])
    add_bot(db_engine, wfm.account_id, BOT if name == "Acme" else f"st-{name.lower()}")
    return Caller(wfm.account_id, {**wfm.headers, "iId": BOT})
