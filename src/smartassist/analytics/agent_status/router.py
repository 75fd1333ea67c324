"""POST .../analytics/account/{accountId}[/v2|/v3]/agentstatusdetails (scope SmartAssist Analytics).

Headers `iId`/`IId` are accepted and ignored; `accountId`, when present, must be the app's account (checked
by require_app). The body is plain JSON validated by agent_status.request (one 400 per problem); the
pydantic models below only describe the wire shape in the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from smartassist.analytics.agent_status.request import parse_agent_status_body
from smartassist.analytics.agent_status.service import agent_status_details
from smartassist.analytics.body import OFFSET_SCHEMA, filter_schema, json_body, json_request_body
from smartassist.analytics.heavy import heavy_request
from smartassist.auth.deps import principal_of, require_app
from smartassist.db import read_connection
from smartassist.scopes import ANALYTICS
from smartassist.state import get_runtime

router = APIRouter(tags=["analytics"], route_class=require_app(ANALYTICS))
MAX_OFFSET = 2**31 - 1  # OFFSET is bound as a 32-bit integer: larger is a 400, not a database error
BASE = "/agentassist/api/public/analytics/account/{accountId}"
PATHS = {1: f"{BASE}/agentstatusdetails", 2: f"{BASE}/v2/agentstatusdetails", 3: f"{BASE}/v3/agentstatusdetails"}

_BOUND = {
    "type": "string",
    "description": "yyyy-mm-dd (a whole local day) or a timestamp: local yyyy-mm-ddTHH:MM:SS, or with Z / ±hh:mm",
}
REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["filter"],
    "additionalProperties": False,
    "properties": {
        "filter": filter_schema(
            {
                "type": "object",
                "additionalProperties": False,
                "description": "either date, or startDate and endDate",
                "properties": {
                    "date": {"type": "string", "description": "yyyy-mm-dd: one whole local day"},
                    "startDate": _BOUND,
                    "endDate": _BOUND,
                    "timeZoneOffSet": OFFSET_SCHEMA,
                },
            }
        ),
    },
}
_OPENAPI = json_request_body(REQUEST_SCHEMA)


class StatusSpan(BaseModel):
    primaryStatus: str = Field(examples=["BUSY"])
    secondaryStatus: str = Field(examples=["NBK"])
    startTime: str = Field(examples=["2023-03-09T13:20:38"])
    endTime: str = Field(examples=["2023-03-10T21:37:42", "-"])
    duration: str = Field(examples=["32:17:04", "-"])


class LoginEventOut(BaseModel):
    type: str = Field(examples=["entry", "exit"])
    at: str = Field(examples=["2026-09-18T09:00:51.886Z"])
    ip: str


class AgentStatusItem(BaseModel):
    userId: str
    aId: str | None = Field(None, description="v3 only")
    firstName: str
    lastName: str
    email: str
    customId: str | None = Field(None, description='v3 always ("" when none); v1/v2 only when the agent has one')
    status: list[StatusSpan] | None = Field(None, description="absent when the agent has no span in the window")
    events: list[LoginEventOut] | None = Field(None, description="v3 only; absent when none")


class AgentStatusPage(BaseModel):
    hasMore: bool
    limit: int
    offset: int
    data: list[AgentStatusItem]


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": AgentStatusPage, "description": "Status spans of a page of agents"}
}


def _route(version: int) -> Any:
    def agent_status(
        request: Request,
        accountId: str,  # noqa: N803 - the contract's path parameter name
        limit: int = Query(50, ge=1, le=50),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
        body: Any = Depends(json_body),
    ) -> Response:
        principal = principal_of(request)
        query = parse_agent_status_body(body)
        with (
            heavy_request(request, principal.account_id) as slot,
            read_connection(get_runtime(request).read_engine) as connection,
        ):
            content = agent_status_details(
                connection,
                principal.account_id,
                query,
                version=version,
                limit=limit,
                offset=offset,
                max_bytes=slot.max_response_bytes,
            )
        return Response(content, media_type="application/json")

    return agent_status


for _version, _path in PATHS.items():
    router.add_api_route(
        _path,
        _route(_version),
        methods=["POST"],
        response_class=Response,
        operation_id="agentStatusDetails" if _version == 1 else f"agentStatusDetailsV{_version}",
        responses=_RESPONSES,
        openapi_extra=_OPENAPI,
    )
