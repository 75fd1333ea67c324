"""POST .../account/{accountId}/callvolume and .../agentperformance (scope WFM Integration); header iId ignored.

Bodies are read once the caller is authenticated (as UserStatus) and validated by the services' parsers.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from smartassist.analytics.user_status.router import user_status_body
from smartassist.auth.deps import Principal, require_app
from smartassist.db import read_connection
from smartassist.scopes import WFM
from smartassist.state import get_runtime
from smartassist.wfm.performance import agent_performance, parse_performance_body
from smartassist.wfm.volume import call_volume, parse_volume_body

router = APIRouter(tags=["wfm"])
BASE = "/agentassist/api/public/analytics/account/{accountId}"


def _json(result: dict[str, Any]) -> Response:
    return Response(json.dumps(result, separators=(",", ":")), media_type="application/json")


@router.post(BASE + "/callvolume", response_class=Response, operation_id="wfmCallVolume")
def callvolume(
    request: Request,
    accountId: str,  # noqa: N803 - the contract's path parameter name
    principal: Principal = Depends(require_app(WFM)),
    body: Any = Depends(user_status_body),
) -> Response:
    with read_connection(get_runtime(request).read_engine) as connection:
        query = parse_volume_body(connection, principal.account_id, body)
        return _json(call_volume(connection, principal.account_id, query))


@router.post(BASE + "/agentperformance", response_class=Response, operation_id="wfmAgentPerformance")
def agentperformance(
    request: Request,
    accountId: str,  # noqa: N803
    principal: Principal = Depends(require_app(WFM)),
    body: Any = Depends(user_status_body),
) -> Response:
    with read_connection(get_runtime(request).read_engine) as connection:
        query = parse_performance_body(connection, principal.account_id, body)
        return _json(agent_performance(connection, principal.account_id, query))
