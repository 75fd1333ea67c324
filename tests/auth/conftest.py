"""Probe routes guarded by require_app, so auth is tested through HTTP without the public routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient
from starlette.responses import Response

from smartassist.auth.deps import Principal, principal_of, require_app
from smartassist.auth.errors import AuthFailure
from smartassist.errors import ApiError
from tests.support.tenants import ANALYTICS, INGEST


def _echo(principal: Principal) -> dict[str, Any]:
    return {"ok": True, "accountId": principal.account_id, "clientId": principal.client_id}


def add_probe_routes(app: FastAPI) -> None:
    """Routes shaped like the public ones: with and without {accountId}, analytics and ingest scope."""

    def echo(request: Request) -> dict[str, Any]:
        return _echo(principal_of(request))

    analytics = APIRouter(route_class=require_app(ANALYTICS))
    analytics.add_api_route("/probe/analytics/{accountId}", echo, methods=["GET"])
    analytics.add_api_route("/probe/whoami", echo, methods=["GET"])
    ingest = APIRouter(route_class=require_app(INGEST, allow_admin=True))
    ingest.add_api_route("/probe/ingest/{accountId}", echo, methods=["GET"])
    ingest.add_api_route("/probe/ingest-any", echo, methods=["GET"])
    app.include_router(analytics)
    app.include_router(ingest)


def record_auth_failures(app: FastAPI) -> list[str]:
    """Reasons of the AuthFailures raised, in order; rendering is left to the app's own handler."""
    reasons: list[str] = []
    rendered = app.exception_handlers[ApiError]

    async def record(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AuthFailure)
        reasons.append(exc.reason)
        return await rendered(request, exc)

    app.add_exception_handler(AuthFailure, record)
    return reasons


@pytest.fixture
def auth_failures(app: FastAPI) -> list[str]:
    return record_auth_failures(app)


@pytest.fixture
def client(app: FastAPI, auth_failures: list[str]) -> Iterator[TestClient]:
    """The real app (admin routes included) plus the probe routes; auth failure reasons recorded."""
    add_probe_routes(app)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
