"""/ingest routes: batches of agents, queues, bot sessions, agent status and login events, interactions and
conversations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from smartassist.auth.deps import principal_of, require_app
from smartassist.collector import collector_paused
from smartassist.db import get_session
from smartassist.ingest import conversations, logins, queues, service
from smartassist.ingest.parsing import JSON, NDJSON, RawBatch, parse_batch, read_batch
from smartassist.ingest.schemas import (
    AgentIn,
    IngestOut,
    InteractionIn,
    LoginEventIn,
    QueueIn,
    SessionIn,
    StatusEventIn,
)
from smartassist.scopes import INGEST
from smartassist.state import get_runtime

router = APIRouter(
    prefix="/ingest/accounts/{accountId}", tags=["ingest"], route_class=require_app(INGEST, allow_admin=True)
)


def _max_records(request: Request) -> int:
    return get_runtime(request).settings.max_batch_records


def _doc(model: type[BaseModel]) -> dict[str, Any]:
    """The request body in OpenAPI: it is read raw (to bound its size), so FastAPI can't infer it."""
    schema = {"type": "array", "items": _inlined(model.model_json_schema())}
    return {"requestBody": {"required": True, "content": {JSON: {"schema": schema}, NDJSON: {"schema": schema}}}}


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its `$defs` written in place of their `$ref`s (QueueIn's skills): embedded in the operation,
    a `#/$defs/...` reference points nowhere, and client generators drop the operation."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                rest = {key: value for key, value in node.items() if key != "$ref"}
                return {**resolve(defs[node["$ref"].rsplit("/", 1)[1]]), **resolve(rest)}
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    inlined: dict[str, Any] = resolve(schema)
    return inlined


def _out(result: service.IngestResult) -> IngestOut:
    return IngestOut(accepted=result.accepted, duplicates=result.duplicates)


@router.put("/agents", response_model=IngestOut, openapi_extra=_doc(AgentIn))
def put_agents(
    request: Request,
    raw: RawBatch = Depends(read_batch),
    session: Session = Depends(get_session),
) -> IngestOut:
    records = parse_batch(AgentIn, raw, _max_records(request))
    return _out(service.upsert_agents(session, principal_of(request).account_id, records))


@router.put("/queues", response_model=IngestOut, openapi_extra=_doc(QueueIn))
def put_queues(
    request: Request,
    raw: RawBatch = Depends(read_batch),
    session: Session = Depends(get_session),
) -> IngestOut:
    records = parse_batch(QueueIn, raw, _max_records(request))
    return _out(queues.upsert_queues(session, principal_of(request).account_id, records))


@router.post("/bots/{botId}/sessions", response_model=IngestOut, openapi_extra=_doc(SessionIn))
def post_sessions(
    request: Request,
    botId: str,
    raw: RawBatch = Depends(read_batch),
    session: Session = Depends(get_session),
) -> IngestOut:
    with collector_paused():  # the batch's objects are freed before the collector runs again
        records = parse_batch(SessionIn, raw, _max_records(request))
        result = service.upsert_sessions(session, principal_of(request).account_id, botId, records)
        del records
        return _out(result)


@router.post("/agent-status-events", response_model=IngestOut, openapi_extra=_doc(StatusEventIn))
def post_status_events(
    request: Request,
    raw: RawBatch = Depends(read_batch),
    session: Session = Depends(get_session),
) -> IngestOut:
    records = parse_batch(StatusEventIn, raw, _max_records(request))
    return _out(service.add_status_events(session, principal_of(request).account_id, records))


@router.post("/agent-login-events", response_model=IngestOut, openapi_extra=_doc(LoginEventIn))
def post_login_events(
    request: Request,
    raw: RawBatch = Depends(read_batch),
    session: Session = Depends(get_session),
) -> IngestOut:
    records = parse_batch(LoginEventIn, raw, _max_records(request))
    return _out(logins.add_login_events(session, principal_of(request).account_id, records))


@router.post("/agent-interactions", response_model=IngestOut, openapi_extra=_doc(InteractionIn))
def post_interactions(
    request: Request,
    raw: RawBatch = Depends(read_batch),
    session: Session = Depends(get_session),
) -> IngestOut:
    records = parse_batch(InteractionIn, raw, _max_records(request))
    return _out(service.upsert_interactions(session, principal_of(request).account_id, records))


_ROW_DOC = {
    "type": "object",
    "required": ["sessionId", "botId", "channel", "sessionStartTime"],
    "description": "A row of the vendor's Call Details response, as it returns it (docs/API.md §9)",
}
_CONVERSATIONS_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            JSON: {
                "schema": {
                    "oneOf": [
                        {"type": "array", "items": _ROW_DOC},
                        {
                            "type": "object",
                            "properties": {
                                "numResults": {"type": "integer"},
                                "data": {"type": "array", "items": _ROW_DOC},
                            },
                        },
                    ]
                }
            },
            NDJSON: {"schema": {"type": "array", "items": _ROW_DOC}},
        },
    }
}


@router.post("/conversations", response_model=IngestOut, openapi_extra=_CONVERSATIONS_DOC)
def post_conversations(
    request: Request,
    timeZoneOffset: int | None = Query(  # noqa: N803 - the vendor's parameter name
        None, ge=-840, le=840, description="minutes, UTC - local (JS sign); required when a row has a naive time"
    ),
    raw: RawBatch = Depends(read_batch),
    session: Session = Depends(get_session),
) -> IngestOut:
    with collector_paused():  # the batch's objects are freed before the collector runs again
        rows = conversations.read_rows(raw, _max_records(request))
        result = conversations.ingest_conversations(session, principal_of(request).account_id, rows, timeZoneOffset)
        del rows
        return _out(result)
