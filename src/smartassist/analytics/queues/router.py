"""POST /agentassist/api/v1/public/{streamId}/monitor/queueStatsById/{queueId}[/] (scope SmartAssist Analytics).

The body (optional: `channels`, `languages`) is read once the caller is authenticated (analytics.body.json_body).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from smartassist.analytics.body import json_body
from smartassist.analytics.queues.service import parse_queue_size_body, queue_size
from smartassist.auth.deps import principal_of, require_app
from smartassist.clock import now_ms
from smartassist.scopes import ANALYTICS
from smartassist.state import get_runtime

router = APIRouter(tags=["analytics"], route_class=require_app(ANALYTICS))
PATH = "/agentassist/api/v1/public/{streamId}/monitor/queueStatsById/{queueId}"


class AgentStatusCounts(BaseModel):
    available: int
    offline: int
    busy: int
    away: int


class QueueSummary(BaseModel):
    avgWait: int
    maxWait: int
    ASA: int


class QueueStats(BaseModel):
    """One element of the response (documents the route's schema; the body is rendered directly)."""

    queueId: str
    queueName: str
    skills: list[Any]
    waiting: int
    engaged: int
    dropOff: int
    agentStatus: AgentStatusCounts
    noOfAgents: int
    queueSummary: QueueSummary


_FILTER = {"type": "array", "maxItems": 100, "items": {"type": "string", "minLength": 1, "maxLength": 64}}
REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "channels": {**_FILTER, "description": "source ids (rtm, msteams, ...), any case; [] = all"},
        "languages": {**_FILTER, "description": "language codes (en, de, ...), any case; [] = all"},
    },
}
_OPENAPI = {"requestBody": {"required": False, "content": {"application/json": {"schema": REQUEST_SCHEMA}}}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": list[QueueStats], "description": "The queue's live statistics"}
}


@router.post(PATH, response_class=Response, operation_id="queueStatsById", responses=_RESPONSES, openapi_extra=_OPENAPI)
@router.post(
    PATH + "/",
    response_class=Response,
    operation_id="queueStatsByIdSlash",
    responses=_RESPONSES,
    openapi_extra=_OPENAPI,
)
async def queue_stats_by_id(
    request: Request,
    streamId: str,  # noqa: N803 - the contract's path parameter names
    queueId: str,  # noqa: N803
) -> Response:
    principal = principal_of(request)
    # Read here rather than as a dependency: FastAPI's solving of a sub-dependency costs more than the read.
    query = parse_queue_size_body(await json_body(request))
    # On the event loop, like IntentRealtimeData (reads.Reads awaits PostgreSQL instead of blocking the loop).
    runtime = get_runtime(request)
    result = await queue_size(
        runtime.reads, runtime.queue_states, principal.account_id, streamId, queueId, query, now=now_ms()
    )
    return Response(json.dumps(result, separators=(",", ":")), media_type="application/json")
