"""POST .../analytics[/1.1]/account/{accountId}/userstatus (scope SmartAssist Analytics); header IId ignored.

The body is taken as plain JSON and validated by user_status_request (cross-field rules, one 400 per
problem); the response is JSON text built by the service. The pydantic models below only describe the
wire shape in the OpenAPI document: rendering a full page through them would cost more than the query.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from smartassist.analytics.body import OFFSET_SCHEMA, filter_schema, json_body, json_request_body
from smartassist.analytics.heavy import LIGHT_AGENT_BUCKETS, heavy_request
from smartassist.analytics.user_status.request import parse_user_status_body
from smartassist.analytics.user_status.service import user_status_chunks
from smartassist.auth.deps import principal_of, require_app
from smartassist.clock import now_ms
from smartassist.db import read_connection
from smartassist.scopes import ANALYTICS
from smartassist.state import get_runtime

router = APIRouter(tags=["analytics"], route_class=require_app(ANALYTICS))
MAX_OFFSET = 2**31 - 1  # OFFSET is bound as a 32-bit integer: larger is a 400, not a database error
PATHS = (
    "/agentassist/api/public/analytics/account/{accountId}/userstatus",
    "/agentassist/api/public/analytics/1.1/account/{accountId}/userstatus",
)


_BOUND = {"type": "string", "description": "yyyy-mm-dd (a whole local day) or an ISO-8601 timestamp"}
REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["filter", "granularity"],
    "additionalProperties": False,
    "properties": {
        "filter": filter_schema(
            {
                "type": "object",
                "required": ["startDate", "endDate"],
                "additionalProperties": False,
                "properties": {"startDate": _BOUND, "endDate": _BOUND, "timeZoneOffSet": OFFSET_SCHEMA},
            }
        ),
        "granularity": {
            "oneOf": [{"type": "string", "examples": ["PT30M"]}, {"type": "integer", "minimum": 1, "maximum": 1440}]
        },
    },
}
_OPENAPI = json_request_body(REQUEST_SCHEMA)


class StatusStats(BaseModel):
    sum: str = Field(examples=["919 sec"])


class StatusEntry(BaseModel):
    metric: str = Field(examples=["AgentStatus", "AgentState"])
    value: str = Field(examples=["Available", "Available:Idle", "AVAILABLE:Interacting"])
    stats: StatusStats


class TimeInterval(BaseModel):
    startTime: str
    endTime: str
    status: list[StatusEntry]


class AgentStatusSummary(BaseModel):
    userId: str
    firstName: str
    lastName: str
    email: str
    customId: str = Field(description='"" when the agent has none (as the vendor), never null')
    timeInterval: list[TimeInterval]


class UserStatusPage(BaseModel):
    hasMore: bool
    limit: int
    offset: int
    data: list[AgentStatusSummary]


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": UserStatusPage, "description": "Per-bucket status summary of a page of agents"}
}


@router.post(PATHS[0], response_class=Response, operation_id="userStatus", responses=_RESPONSES, openapi_extra=_OPENAPI)
@router.post(
    PATHS[1], response_class=Response, operation_id="userStatusV1_1", responses=_RESPONSES, openapi_extra=_OPENAPI
)
def user_status(
    request: Request,
    accountId: str,  # noqa: N803 - the contract's path parameter name
    limit: int = Query(50, ge=1, le=50),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    body: Any = Depends(json_body),
) -> Response:
    principal = principal_of(request)
    query = parse_user_status_body(body)
    buckets = -(-(query.end_ms - query.start_ms) // query.granularity_ms)
    with heavy_request(request, principal.account_id, light=limit * buckets <= LIGHT_AGENT_BUCKETS) as slot:
        # Taken here, in the route's thread: a request waiting for a thread holds no connection.
        with read_connection(get_runtime(request).read_engine) as connection:
            chunks = user_status_chunks(
                connection,
                principal.account_id,
                query,
                limit=limit,
                offset=offset,
                now=now_ms(),
                max_bytes=slot.max_response_bytes,
            )
        # A page sure to fit in one chunk (up to ~1 MB, most pages) is sent whole; a larger one is rendered chunk
        # by chunk in the thread pool, each once the connection took the one before it (chunked transfer
        # encoding; the slot is held until the last one is sent).
        if chunks.one_chunk:
            return Response(b"".join(chunks), media_type="application/json")
        return slot.stream(iter(chunks))
