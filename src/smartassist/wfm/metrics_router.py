"""POST .../account/{accountId}/callvolume and .../agentperformance (scope WFM Integration); header iId ignored.

Bodies are read once the caller is authenticated (analytics.body.json_body) and validated by the services' parsers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from smartassist.analytics.body import json_body, json_request_body
from smartassist.analytics.heavy import check_size, heavy_request
from smartassist.auth.deps import Principal, principal_of, require_app
from smartassist.db import read_connection
from smartassist.scopes import WFM
from smartassist.state import get_runtime
from smartassist.wfm.performance import agent_performance, parse_performance_body
from smartassist.wfm.volume import call_volume, parse_volume_body

Q = TypeVar("Q")
router = APIRouter(tags=["wfm"], route_class=require_app(WFM))
BASE = "/agentassist/api/public/analytics/account/{accountId}"

_TIMESTAMP = {"type": "string", "description": "ISO-8601, e.g. 2023-01-07T09:45:00Z (no zone = UTC)"}
_SKIP = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1, "default": 0}
VOLUME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["orgId", "toTimeStamp"],
    "additionalProperties": False,
    "properties": {
        "orgId": {"type": "string", "minLength": 1, "maxLength": 128},
        "fromTimeStamp": {**_TIMESTAMP, "description": "omitted: from the first contact (initial sync)"},
        "toTimeStamp": _TIMESTAMP,
        "skip": _SKIP,
        "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
        "includeSkillBreakdown": {"type": "boolean", "default": False},
    },
}
PERFORMANCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["toTimeStamp"],
    "additionalProperties": False,
    "properties": {
        "fromTimeStamp": {**_TIMESTAMP, "description": "omitted: from the first assignment (initial sync)"},
        "toTimeStamp": _TIMESTAMP,
        "skip": _SKIP,
        "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50},
    },
}


class CallVolumeRecord(BaseModel):
    """One record, fields in the vendor's order (documents the schema; the body is rendered directly)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(alias="_id")
    intervalStartTimeStamp: str
    orgId: str
    queueId: str
    source: str
    v: int = Field(alias="__v")
    intervalEndTimeStamp: str
    offeredContacts: int
    answeredContacts: int
    maxQueueHoldTimeAnswered: int
    queueHoldTimeAnswered: int
    acwDuration: int
    completedContacts: int
    conversationHandleTime: int
    conversationTalkTime: int
    holdDuration: int
    messageCount: int
    savedMessageCount: int
    csatResponses: int
    csatScore: int
    abandonedContacts: int
    maxqueueHoldTimeAbandoned: int
    queueHoldTimeAbandoned: int
    iId: str
    queueName: str
    skillBreakdown: list[dict[str, Any]] | None = Field(default=None, description="with includeSkillBreakdown")


class CallVolumePage(BaseModel):
    hasMore: bool
    CallVolumeUpdate: list[CallVolumeRecord]
    totalCount: int


class AgentQueueMetrics(BaseModel):
    queueId: str
    queueName: str
    offeredContacts: int
    answeredContacts: int
    abandonedContacts: int
    completedContacts: int
    transferredContacts: int
    conversationHandleTime: int
    conversationTalkTime: int
    acwDuration: int
    holdDuration: int
    csatScore: int


class AgentInterval(BaseModel):
    intervalStartTimeStamp: str
    intervalEndTimeStamp: str
    queues: list[AgentQueueMetrics]


class AgentIntervals(BaseModel):
    agentId: str
    intervals: list[AgentInterval]


class AgentPerformancePage(BaseModel):
    hasMore: bool
    totalCount: int
    AgentPerformance: list[AgentIntervals]


def _serve(
    request: Request,
    principal: Principal,
    body: Any,
    parse: Callable[[Connection, str, object], Q],
    compute: Callable[[Connection, str, Q], dict[str, Any]],
) -> Response:
    """Validate the body (the initial sync's first activity is read on the same connection), compute, render;
    a heavy request (analytics.heavy), its rendered body checked against the size cap."""
    with (
        heavy_request(request, principal.account_id) as slot,
        read_connection(get_runtime(request).read_engine) as connection,
    ):
        query = parse(connection, principal.account_id, body)
        content = json.dumps(compute(connection, principal.account_id, query), separators=(",", ":"))
    check_size(len(content), slot.max_response_bytes, "ask for a smaller page (limit) or a shorter window")
    return Response(content, media_type="application/json")


@router.post(
    BASE + "/callvolume",
    response_class=Response,
    operation_id="wfmCallVolume",
    responses={200: {"model": CallVolumePage, "description": "A page of interval records"}},
    openapi_extra=json_request_body(VOLUME_SCHEMA),
)
def callvolume(
    request: Request,
    accountId: str,  # noqa: N803 - the contract's path parameter name
    body: Any = Depends(json_body),
) -> Response:
    return _serve(request, principal_of(request), body, parse_volume_body, call_volume)


@router.post(
    BASE + "/agentperformance",
    response_class=Response,
    operation_id="wfmAgentPerformance",
    responses={200: {"model": AgentPerformancePage, "description": "A page of agents"}},
    openapi_extra=json_request_body(PERFORMANCE_SCHEMA),
)
def agentperformance(
    request: Request,
    accountId: str,  # noqa: N803
    body: Any = Depends(json_body),
) -> Response:
    return _serve(request, principal_of(request), body, parse_performance_body, agent_performance)
