"""A probe route for the rate limiter: authenticated (and so counted) by require_app like a public route."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient

from smartassist.app import create_app
from smartassist.auth.deps import principal_of, require_app
from smartassist.config import Settings
from smartassist.scopes import ANALYTICS
from tests.support.tokens import token


def add_probe_route(app: FastAPI) -> FastAPI:
    def probe(request: Request) -> dict[str, str]:
        return {"clientId": principal_of(request).client_id or ""}

    guarded = APIRouter(route_class=require_app(ANALYTICS))
    guarded.add_api_route("/probe/accounts/{accountId}/ping", probe, methods=["GET"])
    app.include_router(guarded)
    return app


def ping(client: TestClient, app: dict[str, Any]) -> Any:
    """One authenticated probe request as `app` (the JSON returned by factories.create_app)."""
    return client.get(f"/probe/accounts/{app['accountId']}/ping", headers={"auth": token(app)})


@contextmanager
def server_instance(settings: Settings) -> Iterator[TestClient]:
    """Another app built from `settings`, as a second worker would be, with the probe route; its engine is
    disposed afterwards (the `app` fixture only cleans up its own)."""
    other = add_probe_route(create_app(settings))
    try:
        with TestClient(other, raise_server_exceptions=False) as client:
            yield client
    finally:
        other.state.runtime.dispose()
