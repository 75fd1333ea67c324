"""A caller of the WFM routes: an account with an app granted WFM Integration, its bot and queues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.analytics.queues.builders import add_bot
from tests.factories import create_account, create_app, token

WFM = "WFM Integration"
BASE = "/agentassist/api/public/analytics/account/{}/"
BOT = "st-b6ff0557-e54b-5ac1-946f-2b003d9exxxx"


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
    account = create_account(client, name)
    add_bot(db_engine, account, BOT if name == "Acme" else f"st-{name.lower()}")
    return Caller(account, {"auth": token(create_app(client, account, scopes=[WFM])), "iId": BOT})
