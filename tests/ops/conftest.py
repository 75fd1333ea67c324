"""The real app plus two probe routes: one guarded by the analytics scope, one that crashes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from smartassist.auth.deps import Principal, require_app
from tests.support.tenants import ANALYTICS


@pytest.fixture
def probe(app: FastAPI) -> Iterator[TestClient]:
    @app.get("/probe/{accountId}")
    def _probe(principal: Principal = Depends(require_app(ANALYTICS))) -> dict[str, Any]:
        return {"account": principal.account_id}

    @app.get("/boom")
    def _boom() -> None:
        raise RuntimeError("probe failure")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
