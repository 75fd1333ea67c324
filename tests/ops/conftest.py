"""The real app plus two probe routes: one guarded by the analytics scope, one that crashes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient

from smartassist.auth.deps import principal_of, require_app
from tests.support.tenants import ANALYTICS


@pytest.fixture
def probe(app: FastAPI) -> Iterator[TestClient]:
    guarded = APIRouter(route_class=require_app(ANALYTICS))

    @guarded.get("/probe/{accountId}")
    def _probe(request: Request) -> dict[str, Any]:
        return {"account": principal_of(request).account_id}

    app.include_router(guarded)

    @app.get("/boom")
    def _boom() -> None:
        raise RuntimeError("probe failure")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
