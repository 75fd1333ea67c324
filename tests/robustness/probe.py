"""A probe route for the rate limiter: authenticated like a public route, then counted."""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request

from smartassist.auth.deps import Principal, require_app
from smartassist.ratelimit import enforce_rate_limit
from smartassist.scopes import ANALYTICS
from smartassist.state import get_runtime

PROBE_PATH = "/probe/accounts/{account_id}/ping"


def add_probe_route(app: FastAPI) -> FastAPI:
    """Wire the limiter exactly as auth/deps.py does after authenticating an app."""

    def probe(request: Request, principal: Principal = Depends(require_app(ANALYTICS))) -> dict[str, str]:
        assert principal.client_id is not None
        enforce_rate_limit(get_runtime(request), principal.client_id)
        return {"clientId": principal.client_id}

    app.add_api_route("/probe/accounts/{accountId}/ping", probe, methods=["GET"])
    return app
