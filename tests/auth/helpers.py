"""The auth tests' World: two accounts and, made on first use, the apps a test aims tokens at."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from fastapi.testclient import TestClient

from tests.support.tenants import ADMIN, ANALYTICS, INGEST, create_account, create_app
from tests.support.tokens import token


class World:
    """Two accounts and, created on first use, the apps a test aims tokens at."""

    def __init__(self, client: TestClient):
        self.client = client
        self.account = create_account(client, "Acme")
        self.other_account = create_account(client, "Globex")

    @cached_property
    def plain(self) -> dict[str, Any]:
        return create_app(self.client, self.account)

    @cached_property
    def hs512(self) -> dict[str, Any]:
        return create_app(self.client, self.account, algorithms=["HS512"])

    @cached_property
    def both_algs(self) -> dict[str, Any]:
        return create_app(self.client, self.account, algorithms=["HS256", "HS512"])

    @cached_property
    def jti(self) -> dict[str, Any]:
        return create_app(self.client, self.account, enforceJti=True)

    @cached_property
    def jwe(self) -> dict[str, Any]:
        return create_app(self.client, self.account, enforceJwe=True)

    @cached_property
    def jwe_jti(self) -> dict[str, Any]:
        return create_app(self.client, self.account, enforceJwe=True, enforceJti=True)

    @cached_property
    def ingest_only(self) -> dict[str, Any]:
        return create_app(self.client, self.account, scopes=[INGEST])

    @cached_property
    def analytics_only(self) -> dict[str, Any]:
        return create_app(self.client, self.account, scopes=[ANALYTICS])

    @cached_property
    def foreign(self) -> dict[str, Any]:
        """An app of the other account."""
        return create_app(self.client, self.other_account)

    @cached_property
    def deleted(self) -> dict[str, Any]:
        app = create_app(self.client, self.account)
        response = self.client.delete(
            f"/admin/accounts/{self.account}/apps/{app['clientId']}?confirm=DELETE", headers=ADMIN
        )
        assert response.status_code == 204
        return app

    @property
    def path(self) -> str:
        return f"/probe/analytics/{self.account}"

    def jws(self, app: dict[str, Any], **claims: Any) -> str:
        return token(app, **claims)
