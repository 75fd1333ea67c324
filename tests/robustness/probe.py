"""A probe route for the rate limiter: authenticated (and so counted) by require_app like a public route."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from smartassist.auth.deps import Principal, require_app
from smartassist.scopes import ANALYTICS


def add_probe_route(app: FastAPI) -> FastAPI:
    def probe(principal: Principal = Depends(require_app(ANALYTICS))) -> dict[str, str]:
        return {"clientId": principal.client_id or ""}

    app.add_api_route("/probe/accounts/{accountId}/ping", probe, methods=["GET"])
    return app
