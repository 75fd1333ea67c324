"""GET .../analytics/account/{accountId}/agents | queues | agentactivity (scope WFM Integration).

Headers `iId` and `accountId` as on the analytics routes. Query parameters are validated here (a 400 names
the parameter); the responses are the vendor's bare shapes, rendered by wfm.service.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import orjson
from fastapi import APIRouter, Query, Request, Response

from smartassist.analytics.windows import DAY_MS, check_window, parse_bound
from smartassist.auth.deps import principal_of, require_app
from smartassist.db import read_connection
from smartassist.scopes import WFM
from smartassist.state import get_runtime
from smartassist.wfm.service import QUEUES, agent_activity, agent_activity_in, queues_body, wfm_agents

router = APIRouter(tags=["wfm"], route_class=require_app(WFM))
BASE = "/agentassist/api/public/analytics/account/{accountId}"
MAX_OFFSET = 2**31 - 1  # OFFSET is bound as a 32-bit integer: larger is a 400, not a database error
MAX_ACTIVITY_WINDOW_MS = 7 * DAY_MS


def _json(value: Any) -> Response:
    """orjson: the values are strings read from the database (valid UTF-8: the ingest refuses lone surrogates)
    and 64-bit integers, which it writes as json.dumps(separators=(",", ":"), ensure_ascii=False) does, ~20 times
    faster (a tenth of the 30-second poll's CPU in process, timeit)."""
    return Response(orjson.dumps(value), media_type="application/json")


@router.get(f"{BASE}/agents", response_class=Response, operation_id="wfmAgents")
def agents(
    request: Request,
    accountId: str,  # noqa: N803 - the contract's path parameter name
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    limit: int = Query(100, ge=1, le=1000),
) -> Response:
    account_id = principal_of(request).account_id
    with read_connection(get_runtime(request).read_engine) as connection:
        return _json(wfm_agents(connection, account_id, limit=limit, offset=offset))


@router.get(f"{BASE}/queues", response_class=Response, operation_id="wfmQueues")
async def queues(
    request: Request,
    accountId: str,  # noqa: N803 - the contract's path parameter name
) -> Response:
    # On the event loop, like IntentRealtimeData: an account's queues are few (tens), one covering-index read,
    # awaited (reads.Reads) rather than blocking the loop on PostgreSQL.
    account_id = principal_of(request).account_id
    rows = await get_runtime(request).reads.coalesced_rows(QUEUES, {"account_id": account_id})
    return _json(queues_body(account_id, rows))


ON_LOOP_WINDOW_MS = 5 * 60_000


@router.get(f"{BASE}/agentactivity", response_class=Response, operation_id="wfmAgentActivity")
async def activity(
    request: Request,
    accountId: str,  # noqa: N803 - the contract's path parameter name
    fromTimeStamp: str | None = Query(None, description="ISO-8601, e.g. 2023-04-02T09:45:00Z (no zone = UTC)"),  # noqa: N803
    toTimeStamp: str | None = Query(None, description="ISO-8601, exclusive; at most 7 days after fromTimeStamp"),  # noqa: N803
) -> Response:
    """Async: the WFM poll (a 30-second window, a handful of rows) is one indexed range query, awaited on the
    event loop (reads.Reads: PostgreSQL's wait does not block it), cheaper than a thread-pool hop; a window
    over 5 minutes may hold up to a week of events to render, so it runs in the thread pool."""
    start = parse_bound(fromTimeStamp, "fromTimeStamp", 0, is_end=False, dates=False, keep_millis=True)
    end = parse_bound(toTimeStamp, "toTimeStamp", 0, is_end=True, dates=False, keep_millis=True)
    check_window(
        start, end, MAX_ACTIVITY_WINDOW_MS, start_field="fromTimeStamp", end_field="toTimeStamp", limit="7 days"
    )
    runtime = get_runtime(request)
    account_id = principal_of(request).account_id
    keys = runtime.agent_keys
    if end - start <= ON_LOOP_WINDOW_MS:
        return _json(await agent_activity(runtime.reads, keys, account_id, start=start, end=end))

    def run() -> Response:
        with read_connection(runtime.read_engine) as connection:
            return _json(agent_activity_in(connection, keys, account_id, start=start, end=end))

    return await anyio.to_thread.run_sync(run)
