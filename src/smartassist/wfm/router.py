"""GET .../analytics/account/{accountId}/agents | queues | agentactivity (scope WFM Integration).

Headers `iId` and `accountId` as on the analytics routes. Query parameters are validated here (a 400 names
the parameter); the responses are the vendor's bare shapes, rendered by wfm.service.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from smartassist.analytics.windows import DAY_MS, check_window, parse_bound
from smartassist.auth.deps import Principal, require_app
from smartassist.db import read_connection
from smartassist.scopes import WFM
from smartassist.state import get_runtime
from smartassist.wfm.service import agent_activity, wfm_agents, wfm_queues

router = APIRouter(tags=["wfm"])
BASE = "/agentassist/api/public/analytics/account/{accountId}"
MAX_OFFSET = 2**31 - 1  # OFFSET is bound as a 32-bit integer: larger is a 400, not a database error
MAX_ACTIVITY_WINDOW_MS = 7 * DAY_MS


def _json(value: Any) -> Response:
    return Response(json.dumps(value, separators=(",", ":")), media_type="application/json")


@router.get(f"{BASE}/agents", response_class=Response, operation_id="wfmAgents")
def agents(
    request: Request,
    accountId: str,  # noqa: N803 - the contract's path parameter name
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    limit: int = Query(100, ge=1, le=1000),
    principal: Principal = Depends(require_app(WFM)),
) -> Response:
    with read_connection(get_runtime(request).read_engine) as connection:
        return _json(wfm_agents(connection, principal.account_id, limit=limit, offset=offset))


@router.get(f"{BASE}/queues", response_class=Response, operation_id="wfmQueues")
def queues(
    request: Request,
    accountId: str,  # noqa: N803 - the contract's path parameter name
    principal: Principal = Depends(require_app(WFM)),
) -> Response:
    with read_connection(get_runtime(request).read_engine) as connection:
        return _json(wfm_queues(connection, principal.account_id))


@router.get(f"{BASE}/agentactivity", response_class=Response, operation_id="wfmAgentActivity")
def activity(
    request: Request,
    accountId: str,  # noqa: N803 - the contract's path parameter name
    fromTimeStamp: str | None = Query(None, description="ISO-8601, e.g. 2023-04-02T09:45:00Z (no zone = UTC)"),  # noqa: N803
    toTimeStamp: str | None = Query(None, description="ISO-8601, exclusive; at most 7 days after fromTimeStamp"),  # noqa: N803
    principal: Principal = Depends(require_app(WFM)),
) -> Response:
    start = parse_bound(fromTimeStamp, "fromTimeStamp", 0, is_end=False, dates=False, keep_millis=True)
    end = parse_bound(toTimeStamp, "toTimeStamp", 0, is_end=True, dates=False, keep_millis=True)
    check_window(
        start, end, MAX_ACTIVITY_WINDOW_MS, start_field="fromTimeStamp", end_field="toTimeStamp", limit="7 days"
    )
    with read_connection(get_runtime(request).read_engine) as connection:
        return _json(agent_activity(connection, principal.account_id, start=start, end=end))
